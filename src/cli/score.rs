//! `score`: score every precinct from the saved scoring with the options given on top, save
//! the scores, and print them with the settings used, in English or French.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::{LangArg, MethodArg, PresetArg, RampArg};
use crate::domain::classify::{ClassMethod, Ramp};
use crate::domain::numbers::{Lang, number, short};
use crate::domain::results::ScoringData;
use crate::domain::scoring::{
    Preset, Scored, ScoringError, ScoringParams, score, select_elections,
};
use crate::store::Campaign;

/// The options of `score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The campaign file.
    file: PathBuf,
    /// The scoring method [default: the saved one, else performance].
    #[arg(long, value_enum)]
    preset: Option<PresetArg>,
    /// Our side: one or more lists, comma-separated [default: the saved side].
    #[arg(long, value_delimiter = ',')]
    ours: Option<Vec<String>>,
    /// Our side by nuance: every list of these nuance codes (e.g. LUG), comma-separated, as
    /// the ministry's files give them; added to --ours.
    #[arg(long, value_delimiter = ',')]
    ours_nuance: Option<Vec<String>>,
    /// The reference elections, comma-separated, or `all` [default: the saved ones, else all].
    #[arg(long = "election", value_delimiter = ',')]
    elections: Option<Vec<String>>,
    /// The formula of a custom score, e.g. "(registered - voters) * share" [default: the
    /// saved one].
    #[arg(long, allow_hyphen_values = true)]
    formula: Option<String>,
    /// The number of classes, 3 to 7 [default: the saved number, else 5].
    #[arg(long, value_parser = clap::value_parser!(u8).range(3..=7))]
    classes: Option<u8>,
    /// How classes are cut [default: the saved method, else quantile].
    #[arg(long, value_enum)]
    method: Option<MethodArg>,
    /// Manual class breaks (upper bounds), comma-separated; implies --method manual.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    breaks: Option<Vec<f64>>,
    /// The colour ramp [default: the saved one, else ylorrd].
    #[arg(long, value_enum)]
    ramp: Option<RampArg>,
    /// The language of the output (settings, explanations, legend, numbers).
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
    /// Print JSON: {"settings": {…}, "precincts": [{code, name, score, class, explanation}],
    /// "legend": [...], "warnings": [...]}.
    #[arg(long)]
    json: bool,
}

impl ScoreArgs {
    /// Whether any scoring option was given (else the saved scoring runs as it is).
    fn changes_anything(&self) -> bool {
        self.preset.is_some()
            || self.ours.is_some()
            || self.ours_nuance.is_some()
            || self.elections.is_some()
            || self.formula.is_some()
            || self.classes.is_some()
            || self.method.is_some()
            || self.breaks.is_some()
            || self.ramp.is_some()
    }

    /// The saved scoring with the options given on top.
    fn params(&self, saved: Option<ScoringParams>, lang: Lang) -> anyhow::Result<ScoringParams> {
        let refuse = |en: String, fr: String| {
            anyhow::Error::new(super::Worded(match lang {
                Lang::En => format!("error: {en}"),
                Lang::Fr => format!("erreur : {fr}"),
            }))
        };
        let mut params = saved.unwrap_or_default();
        if let Some(p) = self.preset {
            params.preset = p.into();
        }
        if let Some(o) = &self.ours {
            params.ours = o.iter().map(|s| s.trim().to_owned()).collect();
        }
        if let Some(e) = &self.elections {
            let names: Vec<String> = e.iter().map(|s| s.trim().to_owned()).collect();
            params.elections = if names.iter().any(|n| n.eq_ignore_ascii_case("all")) {
                Vec::new()
            } else {
                names
            };
        }
        if self.formula.is_some() {
            params.formula.clone_from(&self.formula);
        }
        if let Some(c) = self.classes {
            params.classes = usize::from(c);
        }
        if let Some(b) = &self.breaks {
            params.method = ClassMethod::Manual(b.clone());
        } else if let Some(m) = self.method {
            params.method = match (m, &params.method) {
                (MethodArg::Quantile, _) => ClassMethod::Quantile,
                (MethodArg::Jenks, _) => ClassMethod::Jenks,
                (MethodArg::Equal, _) => ClassMethod::Equal,
                (MethodArg::Manual, ClassMethod::Manual(saved)) => {
                    ClassMethod::Manual(saved.clone())
                }
                (MethodArg::Manual, _) => {
                    return Err(refuse(
                        "--method manual needs --breaks A,B,…".to_owned(),
                        "--method manual demande --breaks A,B,…".to_owned(),
                    ));
                }
            };
        }
        if let (Some(c), ClassMethod::Manual(b)) = (self.classes, &params.method) {
            return Err(refuse(
                format!(
                    "--classes {c} sets the number of quantile, jenks or equal classes, but the \
                     scoring uses {} manual breaks; add --method quantile (or jenks, equal), or \
                     give the breaks with --breaks",
                    b.len()
                ),
                format!(
                    "--classes {c} fixe le nombre de classes par quantiles, Jenks ou intervalles \
                     égaux, mais la méthode utilise {} seuils manuels ; ajoutez --method quantile \
                     (ou jenks, equal), ou donnez les seuils avec --breaks",
                    b.len()
                ),
            ));
        }
        if let Some(r) = self.ramp {
            params.ramp = r.into();
        }
        Ok(params)
    }
}

/// Runs `score`.
pub fn run(args: &ScoreArgs) -> anyhow::Result<()> {
    let lang = Lang::from(args.lang);
    let mut campaign = Campaign::open(&args.file)?;
    let saved = match campaign.scoring_params() {
        Ok(saved) => saved,
        Err(e) => {
            super::say!(
                "{}",
                match lang {
                    Lang::En => format!(
                        "warning: the saved scoring cannot be read ({e}); defaults are used"
                    ),
                    Lang::Fr => format!(
                        "attention : la méthode enregistrée est illisible ({e}) ; les réglages \
                         par défaut sont utilisés"
                    ),
                }
            );
            None
        }
    };
    let rerun_saved = saved.is_some() && !args.changes_anything();
    let mut params = args.params(saved, lang)?;
    if let Some(wanted) = &args.ours_nuance {
        let nuances = campaign.nuances()?;
        let mut lists: Vec<String> = if args.ours.is_some() {
            params.ours.clone()
        } else {
            Vec::new()
        };
        for n in wanted {
            let Some((_, of)) = nuances
                .iter()
                .find(|(x, _)| x.eq_ignore_ascii_case(n.trim()))
            else {
                let known: Vec<&str> = nuances.iter().map(|(x, _)| x.as_str()).collect();
                anyhow::bail!(
                    "no list of nuance {:?} in the campaign's results; the nuances found: {}",
                    n.trim(),
                    if known.is_empty() {
                        "none (import a ministry results file with nuance codes)".to_owned()
                    } else {
                        known.join(", ")
                    }
                );
            };
            for l in of {
                if !lists.contains(l) {
                    lists.push(l.clone());
                }
            }
        }
        params.ours = lists;
    }
    let data = campaign.scoring_data()?;
    let scored = score(&data, &params).map_err(|e| refusal(&e, rerun_saved, lang))?;
    campaign.save_scores(&data.codes, &scored)?;
    print_scores(&data, &scored, lang, args.json)?;
    if !args.json {
        for w in &scored.warnings {
            let prefix = match lang {
                Lang::En => "warning: ",
                Lang::Fr => "attention : ",
            };
            super::say!("{prefix}{}", w.localized(lang));
        }
    }
    Ok(())
}

/// The error for a scoring that cannot be applied, in the user's language, with what to do.
fn refusal(error: &ScoringError, rerun_saved: bool, lang: Lang) -> anyhow::Error {
    let mut text = error.localized(lang);
    if matches!(error, ScoringError::UnknownElection { .. }) {
        text.push_str(match lang {
            Lang::En => "; --election all uses every election",
            Lang::Fr => " ; --election all prend toutes les élections",
        });
    }
    if rerun_saved {
        text = match lang {
            Lang::En => format!(
                "the saved scoring cannot be run: {text}; choose a method, e.g. --preset \
                 performance --ours LIST"
            ),
            Lang::Fr => format!(
                "la méthode enregistrée ne peut pas être appliquée : {text} ; choisissez-en une, \
                 par exemple --preset performance --ours LISTE"
            ),
        };
    }
    anyhow::Error::new(super::Worded(match lang {
        Lang::En => format!("error: {text}"),
        Lang::Fr => format!("erreur : {text}"),
    }))
}

/// The method's name in `lang`.
fn method_words(method: &ClassMethod, lang: Lang) -> String {
    match (method, lang) {
        (ClassMethod::Manual(b), _) => {
            let breaks: Vec<String> = b.iter().map(|v| short(*v, 4, lang)).collect();
            match lang {
                Lang::En => format!("manual breaks {}", breaks.join(", ")),
                Lang::Fr => format!("seuils manuels {}", breaks.join(" ; ")),
            }
        }
        (m, Lang::En) => m.name().to_owned(),
        (ClassMethod::Quantile, Lang::Fr) => "quantiles".to_owned(),
        (ClassMethod::Jenks, Lang::Fr) => "seuils naturels (Jenks)".to_owned(),
        (ClassMethod::Equal, Lang::Fr) => "intervalles égaux".to_owned(),
    }
}

/// The preset's name in `lang`.
fn preset_words(preset: Preset, lang: Lang) -> &'static str {
    match (preset, lang) {
        (p, Lang::En) => p.name(),
        (Preset::Mobilisation, Lang::Fr) => "de mobilisation",
        (Preset::Performance, Lang::Fr) => "de performance",
        (Preset::Persuasion, Lang::Fr) => "de persuasion",
        (Preset::Custom, Lang::Fr) => "personnalisé",
    }
}

/// The elections used, each with its date and round.
fn elections_used(data: &ScoringData, params: &ScoringParams, lang: Lang) -> Vec<String> {
    select_elections(data, &params.elections)
        .unwrap_or_default()
        .into_iter()
        .map(|i| &data.elections[i])
        .map(|e| {
            let mut details = Vec::new();
            if let Some(d) = &e.date {
                details.push(d.clone());
            }
            if let Some(r) = e.round {
                details.push(match lang {
                    Lang::En => format!("round {r}"),
                    Lang::Fr => format!("tour {r}"),
                });
            }
            if details.is_empty() {
                e.name.clone()
            } else {
                format!("{} ({})", e.name, details.join(", "))
            }
        })
        .collect()
}

#[derive(serde::Serialize)]
struct ScoreJson<'a> {
    settings: SettingsJson<'a>,
    precincts: Vec<PrecinctScoreJson<'a>>,
    legend: Vec<LegendJson<'a>>,
    warnings: Vec<String>,
}

#[derive(serde::Serialize)]
struct SettingsJson<'a> {
    preset: &'static str,
    formula: &'a str,
    ours: &'a [String],
    elections: Vec<String>,
    classes: usize,
    method: &'static str,
    breaks: Option<&'a [f64]>,
    ramp: &'static str,
}

#[derive(serde::Serialize)]
struct PrecinctScoreJson<'a> {
    code: &'a str,
    name: &'a str,
    score: Option<f64>,
    class: Option<u8>,
    explanation: String,
}

#[derive(serde::Serialize)]
struct LegendJson<'a> {
    class: usize,
    min: Option<f64>,
    max: Option<f64>,
    count: usize,
    colour: &'a str,
}

fn print_scores(data: &ScoringData, scored: &Scored, lang: Lang, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let p = &scored.params;
    let formula = if p.preset == Preset::Custom {
        p.formula.as_deref().unwrap_or_default()
    } else {
        p.preset.formula_in(lang)
    };
    let ramp = match p.ramp {
        Ramp::YlOrRd => "ylorrd",
        Ramp::Viridis => "viridis",
    };
    let elections = elections_used(data, p, lang);
    if json {
        let doc = ScoreJson {
            settings: SettingsJson {
                preset: p.preset.name(),
                formula,
                ours: &p.ours,
                elections,
                classes: scored.classes.count(),
                method: p.method.name(),
                breaks: match &p.method {
                    ClassMethod::Manual(b) => Some(b),
                    _ => None,
                },
                ramp,
            },
            precincts: (0..data.codes.len())
                .map(|i| PrecinctScoreJson {
                    code: &data.codes[i],
                    name: &data.names[i],
                    score: Some(scored.scores[i]).filter(|s| s.is_finite()),
                    class: Some(scored.classes.class_of[i]).filter(|&c| c > 0),
                    explanation: scored.explain(data, i, lang),
                })
                .collect(),
            legend: scored
                .classes
                .legend
                .iter()
                .map(|l| LegendJson {
                    class: l.class,
                    min: l.min,
                    max: l.max,
                    count: l.count,
                    colour: &l.colour,
                })
                .collect(),
            warnings: scored.warnings.iter().map(|w| w.localized(lang)).collect(),
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    let all = p.elections.is_empty();
    let method = method_words(&p.method, lang);
    match lang {
        Lang::En => {
            writeln!(
                out,
                "{} score ({formula}), ours: {}; {} classes by {method}, ramp {ramp}",
                p.preset.name(),
                p.ours.join(", "),
                scored.classes.count(),
            )?;
            writeln!(
                out,
                "elections{}: {}",
                if all { " (all)" } else { "" },
                elections.join("; ")
            )?;
        }
        Lang::Fr => {
            writeln!(
                out,
                "score {} ({formula}), notre camp : {} ; {} classes par {method}, palette {ramp}",
                preset_words(p.preset, lang),
                p.ours.join(", "),
                scored.classes.count(),
            )?;
            writeln!(
                out,
                "élections{} : {}",
                if all { " (toutes)" } else { "" },
                elections.join(" ; ")
            )?;
        }
    }
    for i in 0..data.codes.len() {
        let s = scored.scores[i];
        writeln!(
            out,
            "{:<10} {:<32} {:>12} {:>2}  {}",
            data.codes[i],
            data.names[i].chars().take(32).collect::<String>(),
            number(s, 4, lang),
            scored.classes.class_of[i],
            scored.explain(data, i, lang)
        )?;
    }
    let (legend, class, none) = match lang {
        Lang::En => ("legend:", "class", "no score"),
        Lang::Fr => ("légende :", "classe", "sans score"),
    };
    let precincts = |n: usize| match (lang, n) {
        (Lang::En, 1) => "precinct",
        (Lang::En, _) => "precincts",
        (Lang::Fr, 1) => "bureau",
        (Lang::Fr, _) => "bureaux",
    };
    writeln!(out, "{legend}")?;
    for l in &scored.classes.legend {
        writeln!(
            out,
            "  {class} {} {}  {} … {}  ({} {})",
            l.class,
            l.colour,
            l.min.map_or("–".to_owned(), |v| number(v, 4, lang)),
            l.max.map_or("–".to_owned(), |v| number(v, 4, lang)),
            number(l.count as f64, 0, lang),
            precincts(l.count)
        )?;
    }
    if scored.classes.no_data > 0 {
        writeln!(
            out,
            "  {none}{} {} {}",
            if lang == Lang::Fr { " :" } else { ":" },
            number(scored.classes.no_data as f64, 0, lang),
            precincts(scored.classes.no_data)
        )?;
    }
    Ok(())
}
