//! Priority scores: the presets of the method, custom formulas, and the one-sentence
//! explanation every precinct can give of its score.
//!
//! Scores are computed per chosen election and averaged over the elections where the precinct
//! has results. A preset that needs a field the results do not have says which field is
//! missing and which preset would work; it never invents numbers.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::classify::{ClassMethod, Classes, ClassifyError, Ramp, classify};
use super::formula::{Failure, Formula, FormulaError};
use super::numbers::{Lang, count, number, percent, short};
use super::results::{ElectionData, ScoringData};

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

/// Why scores cannot be computed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ScoringError {
    /// No results at all.
    #[error(
        "the campaign has no election results yet; import some first \
         (campaign-planner results FILE CSV --election NAME)"
    )]
    NoResults,
    /// A chosen election does not exist.
    #[error("unknown election {name:?}; elections: {known}")]
    UnknownElection {
        /// The name asked for.
        name: String,
        /// The elections there are.
        known: String,
    },
    /// Our side was not named.
    #[error("say which list or lists are ours (--ours); lists: {known}")]
    NoOurs {
        /// The lists there are.
        known: String,
    },
    /// One of our lists ran in none of the chosen elections.
    #[error("list {list:?} ran in none of the chosen elections; lists: {known}")]
    UnknownList {
        /// The list asked for.
        list: String,
        /// The lists there are.
        known: String,
    },
    /// None of our lists ran in one chosen election.
    #[error(
        "none of our lists ({ours}) ran in {election}; leave that election out or add its list \
         (its lists: {known})"
    )]
    OursAbsent {
        /// Our lists.
        ours: String,
        /// The election.
        election: String,
        /// Its lists.
        known: String,
    },
    /// The results lack a field the method needs.
    #[error(
        "the {preset} score needs {field}, which the results of {election} do not have; {suggestion}"
    )]
    MissingField {
        /// The method.
        preset: &'static str,
        /// The missing field.
        field: &'static str,
        /// The election lacking it.
        election: String,
        /// What would work instead.
        suggestion: String,
    },
    /// A custom score without a formula.
    #[error("a custom score needs a formula (--formula), e.g. \"(registered - voters) * share\"")]
    NoFormula,
    /// The formula is wrong.
    #[error(transparent)]
    Formula(#[from] FormulaError),
    /// The classes cannot be made.
    #[error(transparent)]
    Classify(#[from] ClassifyError),
    /// The method leaves every precinct without a score: refused, so the scores in place stay.
    #[error(
        "the {preset} score leaves every precinct without a score ({reason}), so it was not applied and the previous scores are kept"
    )]
    NothingScored {
        /// The method.
        preset: &'static str,
        /// Why, in English.
        reason: Unscored,
    },
}

/// Why precincts get no score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unscored {
    /// The custom formula fails, most often for this reason, in `count` precincts.
    Formula {
        /// The most frequent failure.
        failure: Failure,
        /// In how many precincts.
        count: usize,
        /// Of how many precincts with results.
        of: usize,
    },
    /// No precinct has the figures the preset needs.
    Figures(Preset),
}

impl Unscored {
    /// The reason in `lang`.
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Formula { failure, count, of }, Lang::En) => {
                format!("{failure}, in {count} of {of} precincts with results")
            }
            (Self::Formula { failure, count, of }, Lang::Fr) => format!(
                "{}, dans {count} bureaux sur {of} ayant des résultats",
                failure.localized(lang)
            ),
            (Self::Figures(preset), Lang::En) => match preset {
                Preset::Mobilisation => {
                    "no precinct has registered voters, voters and valid votes together"
                }
                Preset::Persuasion => "no precinct has votes for us and for another list",
                _ => "no precinct has both votes for us and valid votes above zero",
            }
            .to_owned(),
            (Self::Figures(preset), Lang::Fr) => match preset {
                Preset::Mobilisation => {
                    "aucun bureau n'a à la fois des inscrits, des votants et des exprimés"
                }
                Preset::Persuasion => "aucun bureau n'a de voix pour nous et pour une autre liste",
                _ => "aucun bureau n'a à la fois des voix pour nous et des exprimés",
            }
            .to_owned(),
        }
    }
}

impl std::fmt::Display for Unscored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}

/// Something worth saying about scores that were computed.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoringWarning {
    /// Manual breaks outside the range of the scores: some classes hold nothing.
    BreaksOutsideScores {
        /// The breaks outside the range.
        outside: Vec<f64>,
        /// The lowest score.
        min: f64,
        /// The highest score.
        max: f64,
    },
    /// Some precincts with results get no score.
    PartlyScored(Unscored),
}

impl ScoringWarning {
    /// The warning in `lang`.
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            Self::BreaksOutsideScores { outside, min, max } => {
                let list: Vec<String> = outside.iter().map(|b| short(*b, 4, lang)).collect();
                let shares = *max <= 1.0 && outside.iter().any(|b| *b > 1.0);
                match lang {
                    Lang::En => format!(
                        "breaks {} lie outside the scores, which run from {} to {}: some classes \
                         hold no precinct{}",
                        list.join(", "),
                        short(*min, 4, lang),
                        short(*max, 4, lang),
                        if shares {
                            " (scores are shares between 0 and 1: write 0.3 for 30 %)"
                        } else {
                            ""
                        }
                    ),
                    Lang::Fr => format!(
                        "les seuils {} sont hors des scores, qui vont de {} à {} : des classes \
                         restent vides{}",
                        list.join(" ; "),
                        short(*min, 4, lang),
                        short(*max, 4, lang),
                        if shares {
                            " (les scores sont des parts entre 0 et 1 : écrivez 0,3 pour 30 %)"
                        } else {
                            ""
                        }
                    ),
                }
            }
            Self::PartlyScored(why) => match lang {
                Lang::En => format!("some precincts get no score: {}", why.localized(lang)),
                Lang::Fr => format!("des bureaux n'ont pas de score : {}", why.localized(lang)),
            },
        }
    }
}

impl ScoringError {
    /// The message in `lang` (the `Display` text is the English one).
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Self::NoResults => "la campagne n'a pas encore de résultats électoraux ; importez-en \
                                d'abord"
                .to_owned(),
            Self::UnknownElection { name, known } => format!(
                "élection inconnue « {name} » ; élections : {}",
                known.replace("(round ", "(tour ")
            ),
            Self::NoOurs { known } => {
                format!("indiquez la ou les listes de notre camp ; listes : {known}")
            }
            Self::UnknownList { list, known } => format!(
                "la liste « {list} » n'est présente dans aucune des élections choisies ; listes : \
                 {known}"
            ),
            Self::OursAbsent {
                ours,
                election,
                known,
            } => format!(
                "aucune de nos listes ({ours}) ne s'est présentée à {election} ; retirez cette \
                 élection ou ajoutez sa liste (ses listes : {known})"
            ),
            Self::MissingField {
                preset,
                field,
                election,
                ..
            } => {
                let field_fr = match *field {
                    "registered voters (inscrits)" => "le nombre d'inscrits",
                    "voters (votants)" => "le nombre de votants",
                    _ => "au moins deux listes",
                };
                let preset_fr = match *preset {
                    "mobilisation" => "de mobilisation",
                    "persuasion" => "de persuasion",
                    _ => "personnalisé",
                };
                format!(
                    "le score {preset_fr} demande {field_fr}, absent des résultats de {election} ; \
                     le score de performance (notre part des exprimés) fonctionne avec ces résultats"
                )
            }
            Self::NoFormula => "un score personnalisé demande une formule, par exemple \
                                « (registered - voters) * share »"
                .to_owned(),
            Self::Formula(e) => e.localized(lang),
            Self::Classify(e) => e.localized(lang),
            Self::NothingScored { preset, reason } => format!(
                "le score {} ne donne de score à aucun bureau ({}) : il n'a pas été appliqué et \
                 les scores précédents sont conservés",
                match *preset {
                    "mobilisation" => "de mobilisation",
                    "performance" => "de performance",
                    "persuasion" => "de persuasion",
                    _ => "personnalisé",
                },
                reason.localized(lang)
            ),
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
struct Chosen {
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
struct Parts {
    score: f64,
    a: f64,
    b: f64,
    c: f64,
    elections: usize,
    opponent: Option<usize>,
}

fn names_of(lists: &[String]) -> String {
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
fn check_fields(
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
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return f64::NAN;
    }
    let k = ((finite.len() as f64 * q).ceil() as usize).clamp(1, finite.len()) - 1;
    *finite.select_nth_unstable_by(k, f64::total_cmp).1
}

/// Running means of up to three parts and the score.
#[derive(Default)]
struct Means {
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
fn sum_lists(e: &ElectionData, lists: &[usize], n: usize) -> Vec<f64> {
    let mut sum = vec![0.0; n];
    for &l in lists {
        for (s, v) in sum.iter_mut().zip(&e.votes[l]) {
            *s += v;
        }
    }
    sum
}

/// The best other list's votes per precinct (NaN where none has votes).
fn best_of(e: &ElectionData, lists: &[usize], n: usize) -> Vec<f64> {
    let mut best = vec![f64::NAN; n];
    for &l in lists {
        // `f64::max` ignores a NaN operand: unknown votes never win.
        for (b, &v) in best.iter_mut().zip(&e.votes[l]) {
            *b = b.max(v);
        }
    }
    best
}

impl Scored {
    /// Every precinct's score, column by column (the fast path; [`Scored::parts`] computes the
    /// same for one precinct, with the parts an explanation needs). Also returns the mean
    /// turnout per precinct for the performance grid.
    #[allow(clippy::needless_range_loop)] // Parallel columns read best indexed alike.
    fn batch(&self, data: &ScoringData) -> (Vec<f64>, Vec<f64>) {
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
    fn with_results(&self, data: &ScoringData) -> Vec<bool> {
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
    fn why_unscored(&self, data: &ScoringData, with_results: &[bool]) -> Unscored {
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
    fn inputs(&self, data: &ScoringData, chosen: &Chosen, p: usize, vars: &mut [f64]) {
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
    fn parts(&self, data: &ScoringData, p: usize, vars: &mut [f64]) -> Parts {
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
    fn top_percent(&self, score: f64) -> usize {
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
