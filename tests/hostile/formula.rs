//! The formula parser under hostile text: each formula parses or points at a column, and a
//! parsed one evaluates to a score or to "no score" with its reason, never a panic or an
//! infinity.

use std::path::Path;

use campaign_planner::domain::formula::Formula;
use campaign_planner::store::Campaign;

use super::runner::{Input, Target};

/// Formulas typed in the app or given to `score --formula`.
pub struct Formulas;

const FORMULAS: &[&str] = &[
    "(registered - voters) / registered",
    "(registered - voters) * Joly / valid",
    "max(Joly - Coderre, 0) / valid",
    "[Liste Dupont] / valid",
    "share ^ 2 * abstentions",
    "sqrt(abs(Joly - Bergeron)) + ln(registered) * (Joly >= Coderre)",
    "min(1, Joly / valid * 2) - 0.5e-3",
    "écart / registered",
];

fn names() -> Vec<String> {
    [
        "registered",
        "voters",
        "valid",
        "abstentions",
        "share",
        "Coderre",
        "Bergeron",
        "Joly",
        "Liste Dupont",
        "écart",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// Values the names take: ordinary, zero, negative, huge, missing.
const VALUES: &[[f64; 10]] = &[
    [
        1000.0, 600.0, 580.0, 400.0, 0.3, 200.0, 150.0, 230.0, 120.0, 12.0,
    ],
    [0.0; 10],
    [-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0, -10.0],
    [1e308; 10],
    [f64::NAN; 10],
    [f64::MIN_POSITIVE; 10],
];

impl Target for Formulas {
    fn name(&self) -> &'static str {
        "formula"
    }

    fn seeds(&self) -> Vec<Input> {
        FORMULAS
            .iter()
            .map(|f| Input::one("typed.formula", f.as_bytes().to_vec(), "seed"))
            .collect()
    }

    fn crafted(&self, _: &[Input]) -> Vec<(usize, Input)> {
        let one =
            |text: String, what: &str| (0, Input::one("typed.formula", text.into_bytes(), what));
        vec![
            one(String::new(), "empty"),
            one("(".repeat(100_000), "100,000 ("),
            one(
                format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000)),
                "5,000 parentheses",
            ),
            one("-".repeat(100_000) + "1", "100,000 minus signs"),
            one("1+".repeat(400) + "1", "800 operators"),
            one("registered ".repeat(100_000), "a million characters"),
            one("1e309 * registered".to_owned(), "1e309"),
            one("registered ^ 1e308".to_owned(), "a power of 1e308"),
            one("ln(0) + sqrt(-1)".to_owned(), "ln(0) and sqrt(-1)"),
            one("[".to_owned(), "an open bracket"),
            one("[Liste Dupont".to_owned(), "an unclosed bracket"),
            one("max(".repeat(1000) + &")".repeat(1000), "1,000 max("),
            one(
                "\0\u{FEFF}\u{202E}registered".to_owned(),
                "NUL, BOM and a right-to-left mark",
            ),
            one("registered / ".repeat(300) + "valid", "300 divisions"),
        ]
    }

    fn text(&self) -> bool {
        true
    }

    fn campaign(&self, _: usize, _: &[Input], _: &Path) -> bool {
        false
    }

    fn import(&self, _: usize, _: Option<&mut Campaign>, main: &Path) -> Result<(), String> {
        Formula::parse(&text_of(main)?, &names())
            .map(|_| ())
            .map_err(|e| format!("typed.formula: {e}"))
    }

    fn check_refusal(&self, _: &str, main: &Path) -> Result<(), String> {
        let text = text_of(main)?;
        let Err(e) = Formula::parse(&text, &names()) else {
            return Err("refused, then parsed".to_owned());
        };
        if e.column == 0 || e.column > text.chars().count() + 1 {
            return Err(format!(
                "the error points at column {}, past the text",
                e.column
            ));
        }
        Ok(())
    }

    fn check(&self, _: usize, _: Option<&Campaign>, main: &Path) -> Result<(), String> {
        let text = text_of(main)?;
        let names = names();
        let formula = Formula::parse(&text, &names).map_err(|e| e.to_string())?;
        for values in VALUES {
            let score = formula.eval(values);
            if score.is_infinite() {
                return Err(format!("an infinite score ({text:.80})"));
            }
            let failure = formula.failure(values);
            if score.is_nan() == failure.is_none() {
                return Err(format!(
                    "the score {score} and its reason {failure:?} disagree ({text:.80})"
                ));
            }
            let columns: Vec<&[f64]> = values.iter().map(std::slice::from_ref).collect();
            let by_column = formula.eval_columns(&columns, 1)[0];
            if by_column.to_bits() != score.to_bits() && !(by_column.is_nan() && score.is_nan()) {
                return Err(format!(
                    "{score} row by row, {by_column} by column ({text:.80})"
                ));
            }
        }
        let again = Formula::parse(&text, &names).map_err(|e| e.to_string())?;
        if again != formula {
            return Err("parsed twice, two formulas".to_owned());
        }
        Ok(())
    }
}

/// The formula's text: what a user pastes, made valid UTF-8 as the app and the command line
/// receive it.
fn text_of(main: &Path) -> Result<String, String> {
    std::fs::read(main)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| e.to_string())
}
