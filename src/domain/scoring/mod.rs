//! Priority scores: the presets of the method, custom formulas, and the one-sentence
//! explanation every precinct can give of its score.
//!
//! Scores are computed per chosen election and averaged over the elections where the precinct
//! has results. A preset that needs a field the results do not have says which field is
//! missing and which preset would work; it never invents numbers.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

mod error;
mod explain;

pub use error::{ScoringError, ScoringWarning, Unscored};

use crate::domain::classify::{ClassMethod, Classes, Ramp, classify};
use crate::domain::formula::Formula;
use crate::domain::numbers::Lang;
use crate::domain::results::{ElectionData, ScoringData};

/// The scoring methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Mobilisation potential, the door-to-door classic: sympathetic abstainers,
    /// `(registered − voters) × ours / valid`.
    Mobilisation,
    /// Turnout × performance (NDI / Tarrance): the score is our share of valid votes,
    /// `ours / valid`; the explanation places the precinct on the turnout × performance grid.
    Performance,
    /// Persuasion / swing: close margins and a share that moves between elections,
    /// `1 − |our share − best opponent's share| + volatility of our share`.
    Persuasion,
    /// A formula of the user's over named fields.
    Custom,
}

impl Preset {
    /// The preset's name as the command line spells it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Mobilisation => "mobilisation",
            Self::Performance => "performance",
            Self::Persuasion => "persuasion",
            Self::Custom => "custom",
        }
    }

    /// The formula the preset computes, in `lang` (its words translated, field names kept).
    #[must_use]
    pub fn formula_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Persuasion, Lang::Fr) => {
                "1 - |ours / valid - meilleur adversaire / valid| + volatilité de ours / valid"
            }
            _ => self.formula(),
        }
    }

    /// The formula the preset computes, as shown to the user.
    #[must_use]
    pub fn formula(self) -> &'static str {
        match self {
            Self::Mobilisation => "(registered - voters) * ours / valid",
            Self::Performance => "ours / valid",
            Self::Persuasion => {
                "1 - |ours / valid - best opponent / valid| + volatility of ours / valid"
            }
            Self::Custom => "",
        }
    }
}

/// Everything that decides the scores and classes; stored in the campaign file. A field an
/// older file lacks takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoringParams {
    /// The method.
    pub preset: Preset,
    /// Our side: one or more lists (candidates, parties).
    pub ours: Vec<String>,
    /// The reference elections by name; empty means all of them.
    pub elections: Vec<String>,
    /// The formula of a custom score.
    pub formula: Option<String>,
    /// The number of classes (3–7).
    pub classes: usize,
    /// How classes are cut.
    pub method: ClassMethod,
    /// The colour ramp.
    pub ramp: Ramp,
}

impl Default for ScoringParams {
    fn default() -> Self {
        Self {
            preset: Preset::Performance,
            ours: Vec::new(),
            elections: Vec::new(),
            formula: None,
            classes: 5,
            method: ClassMethod::Quantile,
            ramp: Ramp::YlOrRd,
        }
    }
}

/// The fields a custom formula can use, besides the lists' names.
pub const FORMULA_FIELDS: &[&str] = &[
    "registered",
    "voters",
    "valid",
    "ours",
    "abstentions",
    "turnout",
    "share",
    "best_opponent",
    "margin",
];

/// Our lists and the others, resolved in one election.
#[derive(Clone, Debug)]
pub(super) struct Chosen {
    election: usize,
    ours: Vec<usize>,
    others: Vec<usize>,
}

/// Scores and classes of every precinct, able to explain each one.
#[derive(Debug)]
pub struct Scored {
    /// The score of each precinct, in campaign order; NaN when it has no results.
    pub scores: Vec<f64>,
    /// The class of each precinct and the legend.
    pub classes: Classes,
    /// The parameters that produced them.
    pub params: ScoringParams,
    /// What is worth saying about them.
    pub warnings: Vec<ScoringWarning>,
    chosen: Vec<Chosen>,
    formula: Option<Formula>,
    variables: Vec<String>,
    /// Performance grid thresholds: low and high terciles of the share, median turnout.
    grid: (f64, f64, f64),
    sorted: OnceLock<Vec<f64>>,
}

/// The parts of one precinct's score, averaged over the elections where it has results.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Parts {
    score: f64,
    a: f64,
    b: f64,
    c: f64,
    elections: usize,
    opponent: Option<usize>,
}

pub(super) fn names_of(lists: &[String]) -> String {
    if lists.is_empty() {
        "(none)".to_owned()
    } else {
        lists.join(", ")
    }
}

/// The elections `names` choose, in campaign order: all when `names` is empty; a name chooses
/// every round of that name, "NAME (round 2)" (or "round 2", "tour 2", "T2" after the name)
/// one round.
///
/// # Examples
/// ```
/// use campaign_planner::domain::results::{ElectionData, ScoringData};
/// use campaign_planner::domain::scoring::select_elections;
///
/// let election = |name: &str, round| ElectionData { name: name.to_owned(), date: None,
///     round, lists: vec![], registered: vec![], voters: vec![], valid: vec![],
///     valid_is_sum_of_lists: false, votes: vec![] };
/// let data = ScoringData { codes: vec![], names: vec![], elections: vec![
///     election("Municipales 2020", Some(1)), election("Municipales 2020", Some(2)),
///     election("Européennes 2019", None)] };
/// let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert_eq!(select_elections(&data, &names(&["Municipales 2020"])).unwrap(), vec![0, 1]);
/// assert_eq!(select_elections(&data, &names(&["Municipales 2020 (round 2)"])).unwrap(), vec![1]);
/// assert_eq!(select_elections(&data, &names(&["municipales 2020 T1"])).unwrap(), vec![0]);
/// assert!(select_elections(&data, &names(&["Municipales 2021"])).is_err());
/// ```
pub fn select_elections(data: &ScoringData, names: &[String]) -> Result<Vec<usize>, ScoringError> {
    if names.is_empty() {
        return Ok((0..data.elections.len()).collect());
    }
    let same = |a: &str, b: &str| a == b || a.to_lowercase() == b.to_lowercase();
    let mut chosen: Vec<usize> = Vec::new();
    for asked in names {
        let asked = asked.trim();
        let mut found: Vec<usize> = (0..data.elections.len())
            .filter(|&i| same(&data.elections[i].name, asked))
            .collect();
        if found.is_empty()
            && let Some((name, round)) = split_round(asked)
        {
            found = (0..data.elections.len())
                .filter(|&i| {
                    same(&data.elections[i].name, name) && data.elections[i].round == Some(round)
                })
                .collect();
        }
        if found.is_empty() {
            return Err(ScoringError::UnknownElection {
                name: asked.to_owned(),
                known: names_of(
                    &data
                        .elections
                        .iter()
                        .map(|e| e.label(Lang::En))
                        .collect::<Vec<_>>(),
                ),
            });
        }
        for i in found {
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
    }
    chosen.sort_unstable();
    Ok(chosen)
}

/// "Municipales 2020 (round 2)", "… round 2", "… tour 2", "… T2" → the name and the round.
#[must_use]
pub fn split_round(text: &str) -> Option<(&str, i64)> {
    let trimmed = text.trim().trim_end_matches(')').trim_end();
    let digits = trimmed.len() - trimmed.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let (head, number) = trimmed.split_at(trimmed.len() - digits);
    let round: i64 = number.parse().ok()?;
    let head = head.trim_end();
    let cut = ["round", "tour", "t", "r"].iter().find_map(|w| {
        let at = head.len().checked_sub(w.len())?;
        if !head.is_char_boundary(at) {
            return None;
        }
        let rest = &head[..at];
        (head[at..].eq_ignore_ascii_case(w)
            && (rest.is_empty() || rest.ends_with([' ', '(', ',', '-'])))
        .then_some(at)
    })?;
    let name = head[..cut].trim_end_matches([' ', '(', ',', '-']);
    (!name.is_empty()).then_some((name, round))
}

/// Computes every precinct's score and class.
pub fn score(data: &ScoringData, params: &ScoringParams) -> Result<Scored, ScoringError> {
    if data.elections.is_empty() {
        return Err(ScoringError::NoResults);
    }
    let chosen_elections = select_elections(data, &params.elections)?;
    let mut all_lists: Vec<String> = Vec::new();
    for &e in &chosen_elections {
        for l in &data.elections[e].lists {
            if !all_lists.contains(l) {
                all_lists.push(l.clone());
            }
        }
    }
    let formula_text = params
        .formula
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty());
    let mut variables: Vec<String> = FORMULA_FIELDS.iter().map(|s| (*s).to_owned()).collect();
    variables.extend(all_lists.iter().cloned());
    let formula = match params.preset {
        Preset::Custom => Some(Formula::parse(
            formula_text.ok_or(ScoringError::NoFormula)?,
            &variables,
        )?),
        _ => None,
    };
    let needs_ours = match &formula {
        Some(f) => f.used().iter().any(|&i| matches!(i, 3 | 6 | 7 | 8)),
        None => true,
    };
    if needs_ours && params.ours.is_empty() {
        return Err(ScoringError::NoOurs {
            known: names_of(&all_lists),
        });
    }
    let find = |lists: &[String], name: &str| {
        lists.iter().position(|l| l == name).or_else(|| {
            let name = name.to_lowercase();
            lists.iter().position(|l| l.to_lowercase() == name)
        })
    };
    for ours in &params.ours {
        if find(&all_lists, ours).is_none() {
            return Err(ScoringError::UnknownList {
                list: ours.clone(),
                known: names_of(&all_lists),
            });
        }
    }
    let mut chosen = Vec::with_capacity(chosen_elections.len());
    for &e in &chosen_elections {
        let election = &data.elections[e];
        // A list named twice on our side counts once.
        let mut ours: Vec<usize> = Vec::new();
        for l in params.ours.iter().filter_map(|o| find(&election.lists, o)) {
            if !ours.contains(&l) {
                ours.push(l);
            }
        }
        if needs_ours && ours.is_empty() {
            return Err(ScoringError::OursAbsent {
                ours: params.ours.join(", "),
                election: election.name.clone(),
                known: names_of(&election.lists),
            });
        }
        let others = (0..election.lists.len())
            .filter(|l| !ours.contains(l))
            .collect();
        check_fields(params.preset, formula.as_ref(), election, &variables)?;
        chosen.push(Chosen {
            election: e,
            ours,
            others,
        });
    }

    let mut scored = Scored {
        scores: Vec::new(),
        classes: Classes {
            class_of: Vec::new(),
            legend: Vec::new(),
            no_data: 0,
        },
        params: params.clone(),
        warnings: Vec::new(),
        chosen,
        formula,
        variables,
        grid: (f64::NAN, f64::NAN, f64::NAN),
        sorted: OnceLock::new(),
    };
    let (batch_scores, mean_turnout) = scored.batch(data);
    scored.scores = batch_scores;
    // Precincts left without a score: none is the common case, and costs one pass.
    let unscored = scored.scores.iter().filter(|v| !v.is_finite()).count();
    if unscored > 0 {
        let with_results = scored.with_results(data);
        if unscored == scored.scores.len() {
            return Err(ScoringError::NothingScored {
                preset: params.preset.name(),
                reason: scored.why_unscored(data, &with_results),
            });
        }
        let unscored_with_results = with_results
            .iter()
            .zip(&scored.scores)
            .filter(|(has, v)| **has && !v.is_finite())
            .count();
        if unscored_with_results > 0 && params.preset == Preset::Custom {
            scored.warnings.push(ScoringWarning::PartlyScored(
                scored.why_unscored(data, &with_results),
            ));
        }
    }
    scored.classes = classify(&scored.scores, params.classes, &params.method, params.ramp)?;
    if let ClassMethod::Manual(breaks) = &params.method {
        let (min, max) = scored
            .scores
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let outside: Vec<f64> = breaks
            .iter()
            .copied()
            .filter(|b| *b < min || *b > max)
            .collect();
        if !outside.is_empty() {
            scored
                .warnings
                .push(ScoringWarning::BreaksOutsideScores { outside, min, max });
        }
    }
    if params.preset == Preset::Performance {
        scored.grid = (
            quantile(&scored.scores, 1.0 / 3.0),
            quantile(&scored.scores, 2.0 / 3.0),
            quantile(&mean_turnout, 0.5),
        );
    }
    Ok(scored)
}

/// Refuses a method whose fields an election lacks, saying what would work.
pub(super) fn check_fields(
    preset: Preset,
    formula: Option<&Formula>,
    election: &ElectionData,
    variables: &[String],
) -> Result<(), ScoringError> {
    let has_registered = ElectionData::has(&election.registered);
    let has_voters = ElectionData::has(&election.voters);
    let missing = |field: &'static str, preset: &'static str| {
        let suggestion = if has_registered && has_voters {
            String::new()
        } else {
            "the performance score (our share of valid votes) works with these results".to_owned()
        };
        Err(ScoringError::MissingField {
            preset,
            field,
            election: election.name.clone(),
            suggestion,
        })
    };
    match (preset, formula) {
        (Preset::Mobilisation, _) => {
            if !has_registered {
                return missing("registered voters (inscrits)", "mobilisation");
            }
            if !has_voters {
                return missing("voters (votants)", "mobilisation");
            }
        }
        (Preset::Persuasion, _) if election.lists.len() < 2 => {
            return Err(ScoringError::MissingField {
                preset: "persuasion",
                field: "at least two lists",
                election: election.name.clone(),
                suggestion: "the performance score works with a single list".to_owned(),
            });
        }
        (Preset::Custom, Some(f)) => {
            for &i in f.used() {
                let field: Option<&'static str> = match variables[i].as_str() {
                    "registered" | "abstentions" | "turnout" if !has_registered => {
                        Some("registered voters (inscrits)")
                    }
                    "voters" | "abstentions" | "turnout" if !has_voters => Some("voters (votants)"),
                    _ => None,
                };
                if let Some(field) = field {
                    return missing(field, "custom");
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The value at fraction `q` of the finite values (nearest rank).
pub(super) fn quantile(values: &[f64], q: f64) -> f64 {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return f64::NAN;
    }
    let k = ((finite.len() as f64 * q).ceil() as usize).clamp(1, finite.len()) - 1;
    *finite.select_nth_unstable_by(k, f64::total_cmp).1
}

/// Running means of up to three parts and the score.
#[derive(Default)]
pub(super) struct Means {
    score: f64,
    a: f64,
    a_n: usize,
    b: f64,
    b_n: usize,
    c: f64,
    n: usize,
    shares: [f64; 16],
}

/// `Σ votes[l]` over `lists`, per precinct.
pub(super) fn sum_lists(e: &ElectionData, lists: &[usize], n: usize) -> Vec<f64> {
    let mut sum = vec![0.0; n];
    for &l in lists {
        for (s, v) in sum.iter_mut().zip(&e.votes[l]) {
            *s += v;
        }
    }
    sum
}

/// The best other list's votes per precinct (NaN where none has votes).
pub(super) fn best_of(e: &ElectionData, lists: &[usize], n: usize) -> Vec<f64> {
    let mut best = vec![f64::NAN; n];
    for &l in lists {
        // `f64::max` ignores a NaN operand: unknown votes never win.
        for (b, &v) in best.iter_mut().zip(&e.votes[l]) {
            *b = b.max(v);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth;

    fn data() -> ScoringData {
        let registered: Vec<i64> = (0..400).map(|i| 500 + (i * 37) % 1000).collect();
        let mut elections = synth::results(&registered, 3, 4, 11);
        // Holes: a precinct without results, one without registered counts.
        for e in &mut elections {
            for l in &mut e.votes {
                l[7] = f64::NAN;
            }
            e.valid[7] = f64::NAN;
            e.registered[9] = f64::NAN;
        }
        ScoringData {
            codes: (0..400).map(|i| format!("{i:03}")).collect(),
            names: (0..400).map(|i| format!("P{i}")).collect(),
            elections,
        }
    }

    #[test]
    fn batch_scores_equal_the_per_precinct_computation_behind_explanations() {
        let data = data();
        for (preset, formula) in [
            (Preset::Mobilisation, None),
            (Preset::Performance, None),
            (Preset::Persuasion, None),
            (
                Preset::Custom,
                Some("max(margin, 0) * abstentions + [Liste 2] / turnout - best_opponent"),
            ),
        ] {
            let params = ScoringParams {
                preset,
                ours: vec!["Liste 1".to_owned(), "Liste 3".to_owned()],
                formula: formula.map(str::to_owned),
                ..ScoringParams::default()
            };
            let scored = score(&data, &params).unwrap();
            let mut vars = vec![f64::NAN; scored.variables.len()];
            for p in 0..data.codes.len() {
                let one = scored.parts(&data, p, &mut vars).score;
                let batch = scored.scores[p];
                assert!(
                    (one - batch).abs() <= 1e-9 * one.abs().max(1.0)
                        || (one.is_nan() && batch.is_nan()),
                    "{preset:?}, precinct {p}: {one} vs {batch}"
                );
            }
            assert!(
                scored.scores[7].is_nan(),
                "{preset:?}: no results, no score"
            );
        }
    }

    #[test]
    fn a_precinct_without_registered_counts_has_no_mobilisation_score_but_a_performance_one() {
        let data = data();
        let mut params = ScoringParams {
            preset: Preset::Mobilisation,
            ours: vec!["Liste 1".to_owned()],
            ..ScoringParams::default()
        };
        assert!(score(&data, &params).unwrap().scores[9].is_nan());
        params.preset = Preset::Performance;
        assert!(score(&data, &params).unwrap().scores[9].is_finite());
    }
}
