//! Why scores cannot be computed, why some precincts get none, and what is worth saying about
//! scores that were computed; in English and French.

use super::Preset;
use crate::domain::classify::ClassifyError;
use crate::domain::formula::{Failure, FormulaError};
use crate::domain::numbers::{Lang, short};

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
