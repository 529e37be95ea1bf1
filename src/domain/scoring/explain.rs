//! Scores explained: every precinct's score in one sentence, its parts, and the checks a
//! score can be verified by.

use super::{
    Chosen, FORMULA_FIELDS, Means, Parts, Preset, Scored, ScoringData, Unscored, best_of, sum_lists,
};
use crate::domain::formula::Failure;
use crate::domain::numbers::{Lang, count, number, percent};

impl Scored {
    /// Every precinct's score, column by column (the fast path; [`Scored::parts`] computes the
    /// same for one precinct, with the parts an explanation needs). Also returns the mean
    /// turnout per precinct for the performance grid.
    #[allow(clippy::needless_range_loop)] // Parallel columns read best indexed alike.
    pub(super) fn batch(&self, data: &ScoringData) -> (Vec<f64>, Vec<f64>) {
        let n = data.codes.len();
        let mut sum = vec![0.0; n];
        let mut count = vec![0_u32; n];
        let mut turnout_sum = vec![0.0; n];
        let mut turnout_count = vec![0_u32; n];
        // Persuasion: our share per election, NaN where the margin is unknown.
        let mut shares: Vec<Vec<f64>> = Vec::new();
        let mut add = |p: usize, v: f64| {
            if v.is_finite() {
                sum[p] += v;
                count[p] += 1;
            }
        };
        for chosen in &self.chosen {
            let e = &data.elections[chosen.election];
            let ours = sum_lists(e, &chosen.ours, n);
            let share: Vec<f64> = ours.iter().zip(&e.valid).map(|(o, v)| o / v).collect();
            match self.params.preset {
                Preset::Mobilisation => {
                    for p in 0..n {
                        add(p, (e.registered[p] - e.voters[p]) * share[p]);
                    }
                }
                Preset::Performance => {
                    for p in 0..n {
                        if share[p].is_finite() {
                            add(p, share[p]);
                            let t = e.voters[p] / e.registered[p];
                            if t.is_finite() {
                                turnout_sum[p] += t;
                                turnout_count[p] += 1;
                            }
                        }
                    }
                }
                Preset::Persuasion => {
                    let best = best_of(e, &chosen.others, n);
                    let mut recorded = vec![f64::NAN; n];
                    for p in 0..n {
                        let margin = share[p] - best[p] / e.valid[p];
                        if margin.is_finite() {
                            add(p, 1.0 - margin.abs());
                            recorded[p] = share[p];
                        }
                    }
                    shares.push(recorded);
                }
                Preset::Custom => {
                    let Some(formula) = &self.formula else {
                        continue;
                    };
                    let used = |i: usize| formula.used().contains(&i);
                    let column = |i: usize, f: &dyn Fn(usize) -> f64| -> Vec<f64> {
                        if used(i) {
                            (0..n).map(f).collect()
                        } else {
                            Vec::new()
                        }
                    };
                    let best = if used(7) || used(8) {
                        best_of(e, &chosen.others, n)
                    } else {
                        Vec::new()
                    };
                    let abstentions = column(4, &|p| e.registered[p] - e.voters[p]);
                    let turnout = column(5, &|p| e.voters[p] / e.registered[p]);
                    let margin = column(8, &|p| share[p] - best[p] / e.valid[p]);
                    let mut columns: Vec<&[f64]> = vec![
                        &e.registered,
                        &e.voters,
                        &e.valid,
                        &ours,
                        &abstentions,
                        &turnout,
                        &share,
                        &best,
                        &margin,
                    ];
                    for name in &self.variables[FORMULA_FIELDS.len()..] {
                        columns.push(
                            e.lists
                                .iter()
                                .position(|l| l == name)
                                .map_or(&[][..], |l| &e.votes[l][..]),
                        );
                    }
                    for (p, v) in formula.eval_columns(&columns, n).into_iter().enumerate() {
                        add(p, v);
                    }
                }
            }
        }
        let scores = (0..n)
            .map(|p| {
                if count[p] == 0 {
                    return f64::NAN;
                }
                let mut score = sum[p] / f64::from(count[p]);
                if self.params.preset == Preset::Persuasion {
                    let mut s = [0.0; 16];
                    let mut k = 0;
                    for column in &shares {
                        if column[p].is_finite() && k < s.len() {
                            s[k] = column[p];
                            k += 1;
                        }
                    }
                    let s = &s[..k];
                    let avg = s.iter().sum::<f64>() / k as f64;
                    score += (s.iter().map(|x| (x - avg).powi(2)).sum::<f64>() / k as f64).sqrt();
                }
                score
            })
            .collect();
        let turnout = turnout_sum
            .iter()
            .zip(&turnout_count)
            .map(|(s, &c)| if c == 0 { f64::NAN } else { s / f64::from(c) })
            .collect();
        (scores, turnout)
    }

    /// Whether each precinct has any result in the chosen elections.
    pub(super) fn with_results(&self, data: &ScoringData) -> Vec<bool> {
        let mut has = vec![false; data.codes.len()];
        for chosen in &self.chosen {
            let e = &data.elections[chosen.election];
            for column in std::iter::once(&e.valid).chain(&e.votes) {
                for (h, v) in has.iter_mut().zip(column) {
                    *h |= v.is_finite();
                }
            }
        }
        has
    }

    /// Why precincts with results get no score: for a formula, its most frequent failure.
    pub(super) fn why_unscored(&self, data: &ScoringData, with_results: &[bool]) -> Unscored {
        let Some(formula) = &self.formula else {
            return Unscored::Figures(self.params.preset);
        };
        let mut vars = vec![f64::NAN; self.variables.len()];
        let mut counts: Vec<(Failure, usize)> = Vec::new();
        for (p, _) in with_results.iter().enumerate().filter(|(_, h)| **h) {
            if self.scores[p].is_finite() {
                continue;
            }
            // The precinct's inputs in its first chosen election with results.
            for chosen in &self.chosen {
                self.inputs(data, chosen, p, &mut vars);
                if let Some(failure) = formula.failure(&vars) {
                    match counts.iter_mut().find(|(f, _)| *f == failure) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((failure, 1)),
                    }
                    break;
                }
            }
        }
        let of = with_results.iter().filter(|h| **h).count();
        match counts.into_iter().max_by_key(|(_, n)| *n) {
            Some((failure, count)) => Unscored::Formula { failure, count, of },
            None => Unscored::Figures(self.params.preset),
        }
    }

    /// The formula's inputs for precinct `p` in one chosen election.
    pub(super) fn inputs(&self, data: &ScoringData, chosen: &Chosen, p: usize, vars: &mut [f64]) {
        let e = &data.elections[chosen.election];
        let (registered, voters, valid) = (e.registered[p], e.voters[p], e.valid[p]);
        let ours: f64 = chosen.ours.iter().map(|&l| e.votes[l][p]).sum();
        let share = ours / valid;
        let best = chosen
            .others
            .iter()
            .map(|&l| e.votes[l][p])
            .filter(|v| v.is_finite())
            .fold(f64::NAN, f64::max);
        let fields = [
            registered,
            voters,
            valid,
            ours,
            registered - voters,
            voters / registered,
            share,
            best,
            share - best / valid,
        ];
        vars[..fields.len()].copy_from_slice(&fields);
        for (i, name) in self.variables.iter().enumerate().skip(fields.len()) {
            vars[i] = e
                .lists
                .iter()
                .position(|l| l == name)
                .map_or(f64::NAN, |l| e.votes[l][p]);
        }
    }

    /// The parts of precinct `p`'s score.
    pub(super) fn parts(&self, data: &ScoringData, p: usize, vars: &mut [f64]) -> Parts {
        let mut m = Means::default();
        let mut opponent = None;
        for chosen in &self.chosen {
            let e = &data.elections[chosen.election];
            let (registered, voters, valid) = (e.registered[p], e.voters[p], e.valid[p]);
            let ours: f64 = chosen.ours.iter().map(|&l| e.votes[l][p]).sum();
            let share = ours / valid;
            let (best, best_list) = chosen.others.iter().fold((f64::NAN, None), |(b, bl), &l| {
                let v = e.votes[l][p];
                if v.is_finite() && (b.is_nan() || v > b) {
                    (v, Some(l))
                } else {
                    (b, bl)
                }
            });
            let value = match self.params.preset {
                Preset::Mobilisation => {
                    let abstainers = registered - voters;
                    let v = abstainers * share;
                    if v.is_finite() {
                        m.a += abstainers;
                        m.a_n += 1;
                        m.b += share;
                        m.b_n += 1;
                    }
                    v
                }
                Preset::Performance => {
                    if share.is_finite() {
                        m.a += share;
                        m.a_n += 1;
                        let turnout = voters / registered;
                        if turnout.is_finite() {
                            m.b += turnout;
                            m.b_n += 1;
                        }
                    }
                    share
                }
                Preset::Persuasion => {
                    let margin = share - best / valid;
                    if margin.is_finite() {
                        m.a += margin;
                        m.a_n += 1;
                        if m.n < m.shares.len() {
                            m.shares[m.n] = share;
                        }
                        opponent = best_list.map(|l| (chosen.election, l));
                        1.0 - margin.abs()
                    } else {
                        f64::NAN
                    }
                }
                Preset::Custom => {
                    self.inputs(data, chosen, p, vars);
                    self.formula.as_ref().map_or(f64::NAN, |f| f.eval(vars))
                }
            };
            if value.is_finite() {
                m.score += value;
                m.n += 1;
            }
        }
        if m.n == 0 {
            return Parts {
                score: f64::NAN,
                ..Parts::default()
            };
        }
        let n = m.n as f64;
        let mean = |sum: f64, k: usize| if k == 0 { f64::NAN } else { sum / k as f64 };
        let mut parts = Parts {
            score: m.score / n,
            a: mean(m.a, m.a_n),
            b: mean(m.b, m.b_n),
            c: m.c,
            elections: m.n,
            opponent: opponent.map(|(_, l)| l),
        };
        if self.params.preset == Preset::Persuasion {
            let k = m.n.min(m.shares.len());
            let shares = &m.shares[..k];
            let avg = shares.iter().sum::<f64>() / k as f64;
            let volatility =
                (shares.iter().map(|s| (s - avg).powi(2)).sum::<f64>() / k as f64).sqrt();
            parts.b = volatility;
            parts.score += volatility;
            parts.c = opponent.map_or(f64::NAN, |(e, _)| e as f64);
        }
        parts
    }

    /// The share of scored precincts whose score is at least `score`, as a whole percentage.
    pub(super) fn top_percent(&self, score: f64) -> usize {
        let sorted = self.sorted.get_or_init(|| {
            let mut s: Vec<f64> = self
                .scores
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            s.sort_unstable_by(f64::total_cmp);
            s
        });
        if sorted.is_empty() {
            return 100;
        }
        let at_least = sorted.len() - sorted.partition_point(|&v| v < score);
        (at_least * 100).div_ceil(sorted.len())
    }

    /// One sentence, with its numbers, saying why precinct `p` scores what it does.
    #[must_use]
    pub fn explain(&self, data: &ScoringData, p: usize, lang: Lang) -> String {
        let mut vars = vec![f64::NAN; self.variables.len()];
        let parts = self.parts(data, p, &mut vars);
        if !parts.score.is_finite() {
            return match lang {
                Lang::En => "no score: no usable results for this precinct".to_owned(),
                Lang::Fr => "pas de score : aucun résultat utilisable pour ce bureau".to_owned(),
            };
        }
        let class = self.classes.class_of.get(p).copied().unwrap_or(0);
        let top = self.top_percent(parts.score);
        let of = self.classes.count();
        let rank = match lang {
            Lang::En => format!("class {class} of {of}, top {top}\u{a0}%"),
            Lang::Fr => format!("classe {class} sur {of}, dans les {top}\u{a0}% premiers"),
        };
        let over = if parts.elections > 1 {
            match lang {
                Lang::En => format!(" (average of {} elections)", parts.elections),
                Lang::Fr => format!(" (moyenne de {} élections)", parts.elections),
            }
        } else {
            String::new()
        };
        let ours = self.params.ours.join(" + ");
        match self.params.preset {
            Preset::Mobilisation => match lang {
                Lang::En => format!(
                    "{} abstainers × {} for us = {}{over}: {rank}",
                    count(parts.a, lang),
                    percent(parts.b, lang),
                    count(parts.score, lang)
                ),
                Lang::Fr => format!(
                    "{} abstentionnistes × {} pour nous = {}{over} : {rank}",
                    count(parts.a, lang),
                    percent(parts.b, lang),
                    count(parts.score, lang)
                ),
            },
            Preset::Performance => {
                let (low, high, median_turnout) = self.grid;
                let strong = parts.score >= high;
                let low_turnout = parts.b.is_finite() && parts.b < median_turnout;
                let verdict = match (lang, strong, parts.score <= low, low_turnout) {
                    (Lang::En, true, _, true) => "strong and low turnout: mobilise first",
                    (Lang::En, true, _, false) => "strong: our base",
                    (Lang::En, false, false, _) => "middle: persuade",
                    (Lang::En, false, true, _) => "weak: not a priority",
                    (Lang::Fr, true, _, true) => "fort et peu mobilisé : mobiliser en priorité",
                    (Lang::Fr, true, _, false) => "fort : notre base",
                    (Lang::Fr, false, false, _) => "moyen : convaincre",
                    (Lang::Fr, false, true, _) => "faible : pas prioritaire",
                };
                let turnout = if parts.b.is_finite() {
                    match lang {
                        Lang::En => format!(", turnout {}", percent(parts.b, lang)),
                        Lang::Fr => format!(", participation {}", percent(parts.b, lang)),
                    }
                } else {
                    String::new()
                };
                match lang {
                    Lang::En => format!(
                        "{ours} won {} of valid votes{turnout}{over}: {rank}; {verdict}",
                        percent(parts.score, lang)
                    ),
                    Lang::Fr => format!(
                        "{ours} a obtenu {} des exprimés{turnout}{over} : {rank} ; {verdict}",
                        percent(parts.score, lang)
                    ),
                }
            }
            Preset::Persuasion => {
                let opponent = parts
                    .opponent
                    .zip(Some(parts.c as usize))
                    .and_then(|(l, e)| data.elections.get(e)?.lists.get(l).cloned())
                    .unwrap_or_default();
                let points = number(parts.a.abs() * 100.0, 1, lang);
                let moved = number(parts.b * 100.0, 1, lang);
                let score = number(parts.score, 3, lang);
                // Volatility needs two elections or more; with one it is zero and unsaid.
                let volatility = match (lang, parts.elections > 1) {
                    (_, false) => String::new(),
                    (Lang::En, true) => format!(", our share moved ±{moved} pts"),
                    (Lang::Fr, true) => format!(", notre part a varié de ±{moved} pts"),
                };
                match (lang, parts.a >= 0.0) {
                    (Lang::En, ahead) => format!(
                        "{ours} {} {opponent} by {points} pts{volatility}{over}, score {score}: {rank}",
                        if ahead { "ahead of" } else { "behind" }
                    ),
                    (Lang::Fr, ahead) => format!(
                        "{ours} {} {opponent} de {points} pts{volatility}{over}, score {score} : {rank}",
                        if ahead { "devant" } else { "derrière" }
                    ),
                }
            }
            Preset::Custom => {
                let Some(formula) = &self.formula else {
                    return String::new();
                };
                let inputs: Vec<String> = formula
                    .used()
                    .iter()
                    .map(|&i| {
                        let v = vars[i];
                        let shown =
                            if matches!(self.variables[i].as_str(), "turnout" | "share" | "margin")
                            {
                                percent(v, lang)
                            } else {
                                number(v, if v.fract() == 0.0 { 0 } else { 2 }, lang)
                            };
                        format!("{} {shown}", self.variables[i])
                    })
                    .collect();
                let (with, colon) = match lang {
                    Lang::En => (" with ", ":"),
                    Lang::Fr => (" avec ", " :"),
                };
                let with = if inputs.is_empty() {
                    String::new()
                } else {
                    format!("{with}{}", inputs.join(", "))
                };
                format!(
                    "{} = {}{with}{over}{colon} {rank}",
                    formula.text(),
                    number(parts.score, 2, lang),
                )
            }
        }
    }
}
