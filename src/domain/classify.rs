//! Colour classes: sorting scores into 3–7 classes (quantile, Jenks natural breaks, equal
//! interval, manual breaks) and the legend that shows them.
//!
//! Classes are defined by their upper bounds and every value goes to the first class whose
//! bound it does not exceed, so equal values always share a class: ties are never split.

use serde::{Deserialize, Serialize};

/// How class bounds are chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "method", content = "breaks")]
pub enum ClassMethod {
    /// Equal numbers of precincts per class (the default).
    Quantile,
    /// Jenks natural breaks: classes that minimise the spread within each class (computed
    /// exactly with Wang and Song's Ckmeans).
    Jenks,
    /// Classes of equal width between the lowest and highest score.
    Equal,
    /// Upper bounds chosen by the user, lowest first; the last class holds everything above.
    Manual(Vec<f64>),
}

impl ClassifyError {
    /// The message in `lang`.
    #[must_use]
    pub fn localized(&self, lang: crate::domain::numbers::Lang) -> String {
        match (self, lang) {
            (e, crate::domain::numbers::Lang::En) => e.to_string(),
            (Self::ClassCount(n), _) => {
                format!("{n} classes demandées : choisissez entre 3 et 7")
            }
            (Self::Breaks(b), _) => {
                format!("les seuils manuels doivent être des nombres croissants, reçu {b:?}")
            }
            (Self::BreakCount { breaks: n }, _) => format!(
                "{n} seuils manuels font {} classes : donnez de 2 à 6 seuils, pour 3 à 7 classes",
                n + 1
            ),
        }
    }
}

impl ClassMethod {
    /// The method's name as the command line spells it.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Quantile => "quantile",
            Self::Jenks => "jenks",
            Self::Equal => "equal",
            Self::Manual(_) => "manual",
        }
    }
}

/// A colour ramp, light (low priority) to dark (high priority).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ramp {
    /// `ColorBrewer` `YlOrRd`: the red/orange/yellow maps the method is known for.
    #[default]
    YlOrRd,
    /// Viridis, reversed so that high priority is dark.
    Viridis,
}

/// The fewest classes allowed.
pub const MIN_CLASSES: usize = 3;
/// The most classes allowed.
pub const MAX_CLASSES: usize = 7;

/// Why classes cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ClassifyError {
    /// Outside 3–7.
    #[error("{0} classes asked for; choose between 3 and 7")]
    ClassCount(usize),
    /// Manual breaks not increasing or not finite.
    #[error("manual breaks must be finite numbers in increasing order, got {0:?}")]
    Breaks(Vec<f64>),
    /// Too few or too many manual breaks.
    #[error("{breaks} manual breaks make {} classes; give 2 to 6 breaks, for 3 to 7 classes", breaks + 1)]
    BreakCount {
        /// How many breaks were given.
        breaks: usize,
    },
}

/// One class of the legend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LegendClass {
    /// 1 (lowest priority) to the number of classes.
    pub class: usize,
    /// The lowest score in the class (`None` when it is empty).
    pub min: Option<f64>,
    /// The highest score in the class (`None` when it is empty).
    pub max: Option<f64>,
    /// The class's upper bound: scores up to it (and above the previous bound) belong here.
    pub upper_bound: f64,
    /// Precincts in the class.
    pub count: usize,
    /// Its colour, `#rrggbb`.
    pub colour: String,
}

/// The outcome of classing: a class per value and the legend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classes {
    /// The class of each value, 1-based; 0 for a value with no score (NaN).
    pub class_of: Vec<u8>,
    /// The legend, lowest class first.
    pub legend: Vec<LegendClass>,
    /// Values with no score.
    pub no_data: usize,
}

impl Classes {
    /// The number of classes.
    #[must_use]
    pub fn count(&self) -> usize {
        self.legend.len()
    }
}

/// Sorts `values` (NaN = no score) into `classes` classes by `method`, coloured by `ramp`.
///
/// With fewer distinct values than classes, there are as many classes as distinct values.
///
/// # Examples
/// ```
/// use campaign_planner::domain::classify::{ClassMethod, Ramp, classify};
///
/// let classes = classify(&[1.0, 2.0, 2.0, 3.0, 10.0, 11.0], 3, &ClassMethod::Quantile, Ramp::YlOrRd)
///     .unwrap();
/// // The class-1 bound falls on a 2.0: both 2.0s go to class 1, never one each side.
/// assert_eq!(classes.class_of, vec![1, 1, 1, 2, 3, 3]);
/// assert_eq!(classes.legend[0].count, 3);
/// ```
pub fn classify(
    values: &[f64],
    classes: usize,
    method: &ClassMethod,
    ramp: Ramp,
) -> Result<Classes, ClassifyError> {
    if !(MIN_CLASSES..=MAX_CLASSES).contains(&classes) && !matches!(method, ClassMethod::Manual(_))
    {
        return Err(ClassifyError::ClassCount(classes));
    }
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let no_data = values.len() - finite.len();
    // Only Jenks needs the values sorted; quantiles are found by selection, in linear time.
    let mut bounds = match method {
        ClassMethod::Quantile => quantile_bounds(&mut finite, classes),
        ClassMethod::Equal => equal_bounds(&finite, classes),
        ClassMethod::Jenks => {
            finite.sort_unstable_by(f64::total_cmp);
            jenks_bounds(&finite, classes)
        }
        ClassMethod::Manual(breaks) => manual_bounds(&finite, breaks)?,
    };
    bounds.dedup();
    let n = bounds.len().max(1);
    let colours = ramp_colours(ramp, n);
    let mut legend: Vec<LegendClass> = (0..n)
        .map(|i| LegendClass {
            class: i + 1,
            min: None,
            max: None,
            upper_bound: bounds.get(i).copied().unwrap_or(f64::NAN),
            count: 0,
            colour: colours[i].clone(),
        })
        .collect();
    let class_of: Vec<u8> = values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return 0;
            }
            let c = bounds.partition_point(|&b| b < v).min(n - 1);
            let entry = &mut legend[c];
            entry.count += 1;
            entry.min = Some(entry.min.map_or(v, |m: f64| m.min(v)));
            entry.max = Some(entry.max.map_or(v, |m: f64| m.max(v)));
            (c + 1) as u8
        })
        .collect();
    Ok(Classes {
        class_of,
        legend,
        no_data,
    })
}

/// Upper bounds at the values ranked ⌈n·k/K⌉, found by successive selections (linear time).
fn quantile_bounds(values: &mut [f64], k: usize) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    let mut bounds = Vec::with_capacity(k);
    let mut start = 0;
    for i in 1..=k {
        let rank = (n * i).div_ceil(k).saturating_sub(1).max(start);
        let (_, at, _) = values[start..].select_nth_unstable_by(rank - start, f64::total_cmp);
        bounds.push(*at);
        start = rank;
    }
    bounds
}

fn equal_bounds(values: &[f64], k: usize) -> Vec<f64> {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return Vec::new();
    }
    let mut bounds: Vec<f64> = (1..k)
        .map(|i| lo + (hi - lo) * i as f64 / k as f64)
        .collect();
    bounds.push(hi);
    bounds
}

fn jenks_bounds(sorted: &[f64], k: usize) -> Vec<f64> {
    super::jenks::natural_breaks(sorted, k)
        .into_iter()
        .map(|end| sorted[end])
        .collect()
}

fn manual_bounds(values: &[f64], breaks: &[f64]) -> Result<Vec<f64>, ClassifyError> {
    let increasing = breaks.windows(2).all(|w| w[0] < w[1]);
    if !(MIN_CLASSES..=MAX_CLASSES).contains(&(breaks.len() + 1)) {
        return Err(ClassifyError::BreakCount {
            breaks: breaks.len(),
        });
    }
    if !increasing || breaks.iter().any(|b| !b.is_finite()) {
        return Err(ClassifyError::Breaks(breaks.to_vec()));
    }
    let mut bounds = breaks.to_vec();
    let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    bounds.push(highest.max(breaks[breaks.len() - 1]));
    Ok(bounds)
}

/// The bytes of a `#rrggbb` colour (the legend's and the file's form); mid grey where a
/// component is unreadable.
#[must_use]
pub fn parse_hex(colour: &str) -> [u8; 3] {
    let c = colour.trim_start_matches('#');
    let byte = |i: usize| {
        c.get(i..i + 2)
            .and_then(|b| u8::from_str_radix(b, 16).ok())
            .unwrap_or(128)
    };
    [byte(0), byte(2), byte(4)]
}

/// The `#rrggbb` form of a colour's bytes (the inverse of [`parse_hex`]).
#[must_use]
pub fn to_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `n` colours of `ramp`, light to dark.
#[must_use]
pub fn ramp_colours(ramp: Ramp, n: usize) -> Vec<String> {
    let n = n.clamp(1, MAX_CLASSES);
    let table: &[&str] = match (ramp, n) {
        // ColorBrewer YlOrRd, sequential, colour-blind safe (Cynthia Brewer, Penn State).
        (Ramp::YlOrRd, 1..=3) => &["#ffeda0", "#feb24c", "#f03b20"],
        (Ramp::YlOrRd, 4) => &["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
        (Ramp::YlOrRd, 5) => &["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
        (Ramp::YlOrRd, 6) => &[
            "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026",
        ],
        (Ramp::YlOrRd, _) => &[
            "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
        ],
        // Viridis, reversed (yellow = low, purple = high).
        (Ramp::Viridis, 1..=3) => &["#fde725", "#21918c", "#440154"],
        (Ramp::Viridis, 4) => &["#fde725", "#35b779", "#31688e", "#440154"],
        (Ramp::Viridis, 5) => &["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"],
        (Ramp::Viridis, 6) => &[
            "#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154",
        ],
        (Ramp::Viridis, _) => &[
            "#fde725", "#8fd744", "#35b779", "#21918c", "#31688e", "#443983", "#440154",
        ],
    };
    let start = table.len() - n.min(table.len());
    table[start..].iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // Exact values are expected here.
mod tests {
    use super::*;

    #[test]
    fn a_colour_written_as_hex_reads_back_the_same() {
        assert_eq!(to_hex([0x1b, 0x9e, 0x07]), "#1b9e07");
        assert_eq!(parse_hex(&to_hex([0x1b, 0x9e, 0x07])), [0x1b, 0x9e, 0x07]);
        assert_eq!(parse_hex("#zz0000"), [128, 0, 0]);
    }

    #[test]
    fn quantile_puts_equal_numbers_in_each_class() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let c = classify(&values, 5, &ClassMethod::Quantile, Ramp::YlOrRd).unwrap();
        assert_eq!(c.class_of, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert!(c.legend.iter().all(|l| l.count == 2));
        assert_eq!(c.legend[4].min, Some(9.0));
        assert_eq!(c.legend[4].max, Some(10.0));
    }

    #[test]
    fn ties_are_never_split_across_classes() {
        let values = [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0];
        for method in [
            ClassMethod::Quantile,
            ClassMethod::Jenks,
            ClassMethod::Equal,
        ] {
            let c = classify(&values, 4, &method, Ramp::YlOrRd).unwrap();
            let twos: Vec<u8> = c.class_of[1..6].to_vec();
            assert!(twos.iter().all(|&x| x == twos[0]), "{method:?}: {twos:?}");
        }
    }

    #[test]
    fn no_score_values_get_class_zero_and_are_counted_apart() {
        let c = classify(
            &[1.0, f64::NAN, 2.0, 3.0],
            3,
            &ClassMethod::Quantile,
            Ramp::Viridis,
        )
        .unwrap();
        assert_eq!(c.class_of, vec![1, 0, 2, 3]);
        assert_eq!(c.no_data, 1);
    }

    #[test]
    fn jenks_finds_the_natural_gaps() {
        let values = [1.0, 1.1, 1.2, 5.0, 5.1, 5.2, 9.0, 9.5];
        let c = classify(&values, 3, &ClassMethod::Jenks, Ramp::YlOrRd).unwrap();
        assert_eq!(c.class_of, vec![1, 1, 1, 2, 2, 2, 3, 3]);
    }

    #[test]
    fn equal_intervals_split_the_range_evenly() {
        let c = classify(
            &[0.0, 1.0, 4.0, 5.0, 9.0, 10.0],
            5,
            &ClassMethod::Equal,
            Ramp::YlOrRd,
        )
        .unwrap();
        assert_eq!(c.class_of, vec![1, 1, 2, 3, 5, 5]);
        assert_eq!(c.legend[0].upper_bound, 2.0);
    }

    #[test]
    fn manual_breaks_must_increase() {
        let c = classify(
            &[1.0, 5.0, 12.0],
            3,
            &ClassMethod::Manual(vec![2.0, 10.0]),
            Ramp::YlOrRd,
        )
        .unwrap();
        assert_eq!(c.class_of, vec![1, 2, 3]);
        assert!(
            classify(
                &[1.0],
                3,
                &ClassMethod::Manual(vec![5.0, 2.0]),
                Ramp::YlOrRd
            )
            .is_err()
        );
    }

    #[test]
    fn class_counts_outside_3_to_7_are_refused() {
        assert_eq!(
            classify(&[1.0], 2, &ClassMethod::Quantile, Ramp::YlOrRd).unwrap_err(),
            ClassifyError::ClassCount(2)
        );
        assert!(classify(&[1.0], 8, &ClassMethod::Quantile, Ramp::YlOrRd).is_err());
    }

    #[test]
    fn every_ramp_has_distinct_colours_for_every_class_count() {
        for ramp in [Ramp::YlOrRd, Ramp::Viridis] {
            for n in MIN_CLASSES..=MAX_CLASSES {
                let colours = ramp_colours(ramp, n);
                assert_eq!(colours.len(), n);
                let mut unique = colours.clone();
                unique.dedup();
                assert_eq!(unique.len(), n);
            }
        }
    }
}
