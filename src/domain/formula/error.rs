//! What can be wrong with a formula, and why it gives a precinct no score, in English and
//! French.

use std::fmt;

use crate::domain::numbers::Lang;

use super::{MAX_FORMULA_CHARS, MAX_FORMULA_DEPTH};

/// A formula that cannot be used, with the 1-based column where the problem is.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("formula error at column {column}: {problem}")]
pub struct FormulaError {
    /// 1-based character column in the formula.
    pub column: usize,
    /// What is wrong there.
    pub problem: FormulaProblem,
}

impl FormulaError {
    /// The error in `lang`.
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Fr => format!(
                "erreur de formule, colonne {} : {}",
                self.column,
                self.problem.localized(lang)
            ),
        }
    }
}

/// What the parser found where it expected something else.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// A number.
    Number(f64),
    /// A name.
    Name(String),
    /// An operator or punctuation.
    Symbol(&'static str),
    /// The end of the formula.
    End,
}

impl Found {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Number(n), Lang::En) => format!("number {n}"),
            (Self::Number(n), Lang::Fr) => format!("le nombre {n}"),
            (Self::Name(n), Lang::En) => format!("name {n:?}"),
            (Self::Name(n), Lang::Fr) => format!("le nom « {n} »"),
            (Self::Symbol(s), _) => format!("'{s}'"),
            (Self::End, Lang::En) => "the end of the formula".to_owned(),
            (Self::End, Lang::Fr) => "la fin de la formule".to_owned(),
        }
    }
}

/// What is wrong with a formula.
#[derive(Clone, Debug, PartialEq)]
pub enum FormulaProblem {
    /// A number written wrong ("1.2.3").
    NotANumber(String),
    /// A number too large for a score ("1e309").
    TooLarge(String),
    /// `[` without `]`.
    UnclosedBracket,
    /// A character the language does not have.
    UnexpectedCharacter(char),
    /// `(` without `)`.
    ExpectedClose(Found),
    /// A function call not closed.
    ExpectedCloseOrComma(Found),
    /// A function the language does not have.
    UnknownFunction(String),
    /// A function called with the wrong number of arguments.
    Arity {
        /// The function.
        name: String,
        /// Whether it takes two or more (else one).
        several: bool,
    },
    /// A name that is neither a field nor a list.
    UnknownName {
        /// The name.
        name: String,
        /// The closest known name.
        suggestion: Option<String>,
        /// Every name known.
        names: Vec<String>,
    },
    /// An operator where a number, a name or `(` should be.
    ExpectedOperand(Found),
    /// Nothing at all.
    Empty,
    /// Something after a complete expression.
    Trailing(Found),
    /// Longer than [`MAX_FORMULA_CHARS`].
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// Nested deeper than [`MAX_FORMULA_DEPTH`].
    TooDeep,
}

impl FormulaProblem {
    /// The problem in `lang`.
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Self::NotANumber(literal) if fr => format!("« {literal} » n'est pas un nombre"),
            Self::NotANumber(literal) => format!("{literal:?} is not a number"),
            Self::TooLarge(literal) if fr => format!("« {literal} » est un nombre trop grand"),
            Self::TooLarge(literal) => format!("{literal} is too large a number"),
            Self::UnclosedBracket if fr => {
                "'[' ouvre un nom de liste qu'aucun ']' ne ferme".to_owned()
            }
            Self::UnclosedBracket => "'[' opens a list name that no ']' closes".to_owned(),
            Self::UnexpectedCharacter(c) if fr => format!("caractère inattendu {c:?}"),
            Self::UnexpectedCharacter(c) => format!("unexpected character {c:?}"),
            Self::ExpectedClose(found) if fr => {
                format!("')' attendu, trouvé {}", found.localized(lang))
            }
            Self::ExpectedClose(found) => {
                format!("expected ')' but found {}", found.localized(lang))
            }
            Self::ExpectedCloseOrComma(found) if fr => {
                format!("')' ou ',' attendu, trouvé {}", found.localized(lang))
            }
            Self::ExpectedCloseOrComma(found) => {
                format!("expected ')' or ',' but found {}", found.localized(lang))
            }
            Self::UnknownFunction(name) if fr => {
                format!("fonction inconnue « {name} » (fonctions : min, max, abs, sqrt, ln)")
            }
            Self::UnknownFunction(name) => {
                format!("unknown function {name:?} (functions: min, max, abs, sqrt, ln)")
            }
            Self::Arity { name, several } => match (fr, several) {
                (true, true) => format!("{name} prend deux arguments ou plus"),
                (true, false) => format!("{name} prend un argument"),
                (false, true) => format!("{name} takes two or more arguments"),
                (false, false) => format!("{name} takes one argument"),
            },
            Self::UnknownName {
                name,
                suggestion,
                names,
            } => {
                let names = names.join(", ");
                match (fr, suggestion) {
                    (true, Some(s)) => format!(
                        "nom inconnu « {name} » ; vouliez-vous dire {s} ? noms : {names} (écrivez \
                         les noms de listes avec des espaces [Comme Ceci])"
                    ),
                    (true, None) => format!(
                        "nom inconnu « {name} » ; noms : {names} (écrivez les noms de listes avec \
                         des espaces [Comme Ceci])"
                    ),
                    (false, Some(s)) => format!(
                        "unknown name {name:?}; did you mean {s}? names: {names} (write list names \
                         with spaces as [Like This])"
                    ),
                    (false, None) => format!(
                        "unknown name {name:?}; names: {names} (write list names with spaces as \
                         [Like This])"
                    ),
                }
            }
            Self::ExpectedOperand(found) if fr => format!(
                "un nombre, un nom ou '(' attendu, trouvé {}",
                found.localized(lang)
            ),
            Self::ExpectedOperand(found) => format!(
                "expected a number, a name or '(' but found {}",
                found.localized(lang)
            ),
            Self::Empty if fr => "la formule est vide".to_owned(),
            Self::Empty => "the formula is empty".to_owned(),
            Self::Trailing(found) if fr => format!(
                "{} inattendu après une expression complète",
                found.localized(lang)
            ),
            Self::Trailing(found) => format!(
                "unexpected {} after a complete expression",
                found.localized(lang)
            ),
            Self::TooLong { length } if fr => format!(
                "la formule est trop longue ({length} caractères ; au plus {MAX_FORMULA_CHARS})"
            ),
            Self::TooLong { length } => format!(
                "the formula is too long ({length} characters; at most {MAX_FORMULA_CHARS})"
            ),
            Self::TooDeep if fr => format!(
                "la formule est trop imbriquée ici (plus de {MAX_FORMULA_DEPTH} niveaux de \
                 parenthèses, fonctions et signes)"
            ),
            Self::TooDeep => format!(
                "the formula nests too deeply here (more than {MAX_FORMULA_DEPTH} levels of \
                 parentheses, functions and signs)"
            ),
        }
    }
}

impl fmt::Display for FormulaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}

/// Why a formula gives no score for one precinct: the first operation that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An input the precinct does not have.
    Missing {
        /// The input's name.
        name: String,
    },
    /// A division by zero.
    DivisionByZero {
        /// Where the divisor is written.
        column: usize,
        /// The divisor as written.
        divisor: String,
    },
    /// A function or power with no real value (square root of a negative, log of zero).
    NoValue {
        /// Where it is written.
        column: usize,
        /// The call or operation as written.
        call: String,
    },
}

impl Failure {
    /// The failure in `lang`.
    #[must_use]
    pub fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Missing { name }, Lang::En) => format!("{name} is unknown"),
            (Self::Missing { name }, Lang::Fr) => format!("{name} est inconnu"),
            (Self::DivisionByZero { column, divisor }, Lang::En) => {
                format!("division by zero at column {column}: {divisor} is 0")
            }
            (Self::DivisionByZero { column, divisor }, Lang::Fr) => {
                format!("division par zéro en colonne {column} : {divisor} vaut 0")
            }
            (Self::NoValue { column, call }, Lang::En) => {
                format!("{call} has no value at column {column}")
            }
            (Self::NoValue { column, call }, Lang::Fr) => {
                format!("{call} n'a pas de valeur en colonne {column}")
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}

impl std::error::Error for Failure {}
