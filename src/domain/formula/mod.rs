//! Custom score formulas: a small, safe expression language over named fields.
//!
//! `(registered - voters) * ours / valid`, `share ^ 2 * abstentions`, `max(ours - Coderre, 0)`,
//! `[Ensemble pour la France] / valid`. Numbers, names, `+ - * / ^`, comparisons (`< <= > >=`,
//! giving 1 or 0), parentheses and the functions `min`, `max`, `abs`, `sqrt`, `ln`. Nothing is
//! executed but arithmetic; an error points at the column of the bad token.

mod error;
mod eval;
mod lexer;

pub use error::{Failure, FormulaError, FormulaProblem, Found};

use eval::{checked, eval, eval_column};
use lexer::{Token, tokenize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
    Min,
    Max,
    Abs,
    Sqrt,
    Ln,
}

/// Where a part of the formula is written: 1-based columns, `from` included, `to` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    from: usize,
    to: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Const(f64),
    Var(usize),
    Neg(Box<Node>),
    /// An operation and where its right operand is written (the divisor of a division).
    Bin(char, Box<Node>, Box<Node>, Span),
    /// A function call and where it is written.
    Call(Func, Vec<Node>, Span),
}

/// A parsed formula, its names resolved to the positions of a list of variables.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    root: Node,
    text: String,
    used: Vec<usize>,
    names: Vec<String>,
}

/// The longest formula accepted, in characters: far beyond any real score, short enough that
/// evaluating it can never exhaust the stack.
pub const MAX_FORMULA_CHARS: usize = 1_000;

/// The deepest nesting of parentheses, function calls and signs accepted.
pub const MAX_FORMULA_DEPTH: usize = 64;

struct Parser<'a> {
    tokens: Vec<(Token, usize)>,
    at: usize,
    names: &'a [String],
    used: Vec<usize>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at].0
    }

    fn column(&self) -> usize {
        self.tokens[self.at].1
    }

    fn next(&mut self) -> (Token, usize) {
        let t = self.tokens[self.at].clone();
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
        t
    }

    /// Goes one level deeper, refusing formulas nested beyond [`MAX_FORMULA_DEPTH`].
    fn deeper(&mut self, column: usize) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_FORMULA_DEPTH {
            return Err(FormulaError {
                column,
                problem: FormulaProblem::TooDeep,
            });
        }
        Ok(())
    }

    fn error<T>(&self, problem: FormulaProblem) -> Result<T, FormulaError> {
        Err(FormulaError {
            column: self.column(),
            problem,
        })
    }

    fn comparison(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.sum()?;
        loop {
            let op = match self.peek() {
                Token::Op('<') => '<',
                Token::Op('>') => '>',
                Token::Le => 'l',
                Token::Ge => 'g',
                _ => return Ok(left),
            };
            self.next();
            let from = self.column();
            let right = self.sum()?;
            let span = Span {
                from,
                to: self.column(),
            };
            left = Node::Bin(op, Box::new(left), Box::new(right), span);
        }
    }

    fn sum(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.product()?;
        while let Token::Op(op @ ('+' | '-')) = *self.peek() {
            self.next();
            let from = self.column();
            let right = self.product()?;
            let span = Span {
                from,
                to: self.column(),
            };
            left = Node::Bin(op, Box::new(left), Box::new(right), span);
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Node, FormulaError> {
        let mut left = self.unary()?;
        while let Token::Op(op @ ('*' | '/')) = *self.peek() {
            self.next();
            let from = self.column();
            let right = self.unary()?;
            let span = Span {
                from,
                to: self.column(),
            };
            left = Node::Bin(op, Box::new(left), Box::new(right), span);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, FormulaError> {
        if *self.peek() == Token::Op('-') {
            let (_, column) = self.next();
            self.deeper(column)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Node::Neg(Box::new(inner)));
        }
        if *self.peek() == Token::Op('+') {
            let (_, column) = self.next();
            self.deeper(column)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(inner);
        }
        self.power()
    }

    fn power(&mut self) -> Result<Node, FormulaError> {
        let base = self.atom()?;
        if *self.peek() == Token::Op('^') {
            let (_, column) = self.next();
            let from = self.column();
            self.deeper(column)?;
            let exponent = self.unary()?;
            self.depth -= 1;
            let span = Span {
                from,
                to: self.column(),
            };
            return Ok(Node::Bin('^', Box::new(base), Box::new(exponent), span));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Node, FormulaError> {
        let column = self.column();
        match self.next() {
            (Token::Number(n), _) => Ok(Node::Const(n)),
            (Token::LParen, _) => {
                self.deeper(column)?;
                let inner = self.comparison()?;
                if *self.peek() != Token::RParen {
                    return self.error(FormulaProblem::ExpectedClose(self.peek().found()));
                }
                self.next();
                self.depth -= 1;
                Ok(inner)
            }
            (Token::Name(name), _) if *self.peek() == Token::LParen => {
                let func = match name.to_ascii_lowercase().as_str() {
                    "min" => Func::Min,
                    "max" => Func::Max,
                    "abs" => Func::Abs,
                    "sqrt" => Func::Sqrt,
                    "ln" => Func::Ln,
                    _ => {
                        return Err(FormulaError {
                            column,
                            problem: FormulaProblem::UnknownFunction(name),
                        });
                    }
                };
                self.next();
                self.deeper(column)?;
                let mut args = vec![self.comparison()?];
                while *self.peek() == Token::Comma {
                    self.next();
                    args.push(self.comparison()?);
                }
                if *self.peek() != Token::RParen {
                    return self.error(FormulaProblem::ExpectedCloseOrComma(self.peek().found()));
                }
                self.next();
                self.depth -= 1;
                let span = Span {
                    from: column,
                    to: self.column(),
                };
                let arity_ok = match func {
                    Func::Min | Func::Max => args.len() >= 2,
                    _ => args.len() == 1,
                };
                if !arity_ok {
                    return Err(FormulaError {
                        column,
                        problem: FormulaProblem::Arity {
                            name,
                            several: matches!(func, Func::Min | Func::Max),
                        },
                    });
                }
                Ok(Node::Call(func, args, span))
            }
            (Token::Name(name), _) => {
                let index = self.names.iter().position(|n| *n == name).or_else(|| {
                    self.names
                        .iter()
                        .position(|n| n.to_lowercase() == name.to_lowercase())
                });
                match index {
                    Some(i) => {
                        if !self.used.contains(&i) {
                            self.used.push(i);
                        }
                        Ok(Node::Var(i))
                    }
                    None => Err(FormulaError {
                        column,
                        problem: unknown_name(name, self.names),
                    }),
                }
            }
            (token, _) => Err(FormulaError {
                column,
                problem: FormulaProblem::ExpectedOperand(token.found()),
            }),
        }
    }
}

fn unknown_name(name: String, names: &[String]) -> FormulaProblem {
    let suggestion = names
        .iter()
        .map(|n| {
            (
                strsim::levenshtein(&n.to_lowercase(), &name.to_lowercase()),
                n,
            )
        })
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.clone());
    FormulaProblem::UnknownName {
        name,
        suggestion,
        names: names.to_vec(),
    }
}

impl Formula {
    /// Parses `text`, resolving names against `names` (exactly, else ignoring case).
    ///
    /// # Examples
    /// ```
    /// use campaign_planner::domain::formula::Formula;
    ///
    /// let names = vec!["registered".to_owned(), "voters".to_owned()];
    /// let f = Formula::parse("(registered - voters) / registered", &names).unwrap();
    /// assert_eq!(f.eval(&[1000.0, 600.0]), 0.4);
    /// let err = Formula::parse("registered - votrs", &names).unwrap_err();
    /// assert_eq!(err.column, 14);
    /// ```
    pub fn parse(text: &str, names: &[String]) -> Result<Self, FormulaError> {
        let length = text.chars().count();
        if length > MAX_FORMULA_CHARS {
            return Err(FormulaError {
                column: MAX_FORMULA_CHARS + 1,
                problem: FormulaProblem::TooLong { length },
            });
        }
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens,
            at: 0,
            names,
            used: Vec::new(),
            depth: 0,
        };
        if *parser.peek() == Token::End {
            return parser.error(FormulaProblem::Empty);
        }
        let root = parser.comparison()?;
        if *parser.peek() != Token::End {
            return parser.error(FormulaProblem::Trailing(parser.peek().found()));
        }
        Ok(Self {
            root,
            text: text.to_owned(),
            used: parser.used,
            names: names.to_vec(),
        })
    }

    /// Why the formula gives no score with these inputs: the first operation that fails, or
    /// `None` when it gives a score.
    ///
    /// # Examples
    /// ```
    /// use campaign_planner::domain::formula::Formula;
    ///
    /// let names = vec!["valid".to_owned()];
    /// let f = Formula::parse("valid / (valid - valid)", &names).unwrap();
    /// let why = f.failure(&[100.0]).unwrap().to_string();
    /// assert_eq!(why, "division by zero at column 9: (valid - valid) is 0");
    /// ```
    #[must_use]
    pub fn failure(&self, values: &[f64]) -> Option<Failure> {
        checked(&self.root, values, self).err()
    }

    /// The formula's text between two 1-based columns.
    fn piece(&self, span: Span) -> String {
        self.text
            .chars()
            .skip(span.from.saturating_sub(1))
            .take(span.to.saturating_sub(span.from))
            .collect::<String>()
            .trim()
            .to_owned()
    }

    /// Evaluates with `values[i]` for the i-th name; any missing input or impossible operation
    /// (division by zero, square root of a negative) gives NaN, which means "no score".
    #[must_use]
    pub fn eval(&self, values: &[f64]) -> f64 {
        let v = eval(&self.root, values);
        if v.is_finite() { v } else { f64::NAN }
    }

    /// Evaluates over whole columns at once: `columns[i]` holds the i-th name's value for every
    /// row (an empty column means "unknown" everywhere). Gives what [`Formula::eval`] would
    /// give row by row, much faster.
    #[must_use]
    pub fn eval_columns(&self, columns: &[&[f64]], rows: usize) -> Vec<f64> {
        let mut out = eval_column(&self.root, columns, rows);
        for v in &mut out {
            if !v.is_finite() {
                *v = f64::NAN;
            }
        }
        out
    }

    /// The positions of the names the formula uses, in order of first use.
    #[must_use]
    pub fn used(&self) -> &[usize] {
        &self.used
    }

    /// The formula as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // Exact values are expected here.
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        [
            "registered",
            "voters",
            "valid",
            "ours",
            "Ensemble pour la France",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }

    fn eval_text(text: &str) -> f64 {
        Formula::parse(text, &names())
            .unwrap()
            .eval(&[1000.0, 600.0, 580.0, 232.0, 100.0])
    }

    #[test]
    fn arithmetic_follows_the_usual_precedence() {
        assert_eq!(eval_text("(registered - voters) * ours / valid"), 160.0);
        assert_eq!(eval_text("2 + 3 * 4 ^ 2"), 50.0);
        assert_eq!(eval_text("-2 ^ 2"), -4.0);
        assert_eq!(eval_text("max(ours, 300, 1) - min(1, 2)"), 299.0);
        assert_eq!(eval_text("[Ensemble pour la France] / 100"), 1.0);
        assert_eq!(eval_text("ours / valid >= 0.4"), 1.0);
        assert_eq!(eval_text("1.5e3 + .5"), 1500.5);
    }

    #[test]
    fn names_are_matched_ignoring_case() {
        assert_eq!(eval_text("REGISTERED"), 1000.0);
    }

    #[test]
    fn impossible_operations_give_no_score() {
        assert!(eval_text("ours / (valid - valid)").is_nan());
        assert!(eval_text("sqrt(0 - 1)").is_nan());
    }

    #[test]
    fn an_unknown_name_is_pointed_at_with_a_suggestion() {
        let err = Formula::parse("registered - votrs", &names()).unwrap_err();
        assert_eq!(err.column, 14);
        assert!(
            err.problem.to_string().contains("did you mean voters"),
            "{}",
            err.problem
        );
    }

    #[test]
    fn syntax_errors_point_at_the_bad_token() {
        let cases = [
            ("ours * * 2", 8, "expected a number"),
            ("(ours + 1", 10, "expected ')'"),
            ("ours 2", 6, "unexpected number 2"),
            ("ours $ 2", 6, "unexpected character '$'"),
            ("", 1, "empty"),
            ("exec(1)", 1, "unknown function"),
            ("abs(1, 2)", 1, "one argument"),
            ("[Open list", 1, "no ']'"),
        ];
        for (text, column, words) in cases {
            let err = Formula::parse(text, &names()).unwrap_err();
            assert_eq!(err.column, column, "{text}: {err}");
            assert!(err.problem.to_string().contains(words), "{text}: {err}");
        }
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn column_evaluation_matches_row_evaluation() {
        let f = Formula::parse(
            "max(ours - 2, 0) / valid + sqrt(registered) * (voters > 1)",
            &names(),
        )
        .unwrap();
        let columns: [&[f64]; 5] = [
            &[4.0, 9.0, f64::NAN],
            &[1.0, 2.0, 3.0],
            &[2.0, 0.0, 1.0],
            &[3.0, 1.0, 5.0],
            &[],
        ];
        let by_column = f.eval_columns(&columns, 3);
        for row in 0..3 {
            let values: Vec<f64> = columns
                .iter()
                .map(|c| c.get(row).copied().unwrap_or(f64::NAN))
                .collect();
            let one = f.eval(&values);
            assert!(
                one == by_column[row] || (one.is_nan() && by_column[row].is_nan()),
                "row {row}"
            );
        }
    }

    #[test]
    fn formulas_too_long_or_too_deep_are_refused_not_run() {
        let terms = vec!["ours"; 40_000].join(" + ");
        let err = Formula::parse(&terms, &names()).unwrap_err();
        assert!(err.problem.to_string().contains("too long"), "{err}");
        let minus = format!("{}ours", "-".repeat(100_000));
        assert!(Formula::parse(&minus, &names()).is_err());
        let nested = |n: usize| format!("{}ours{}", "(".repeat(n), ")".repeat(n));
        assert!(Formula::parse(&nested(MAX_FORMULA_DEPTH), &names()).is_ok());
        let err = Formula::parse(&nested(MAX_FORMULA_DEPTH + 1), &names()).unwrap_err();
        assert!(
            err.problem.to_string().contains("nests too deeply"),
            "{err}"
        );
        assert_eq!(err.column, MAX_FORMULA_DEPTH + 1);
        let signs = format!("{}ours", "- ".repeat(MAX_FORMULA_DEPTH + 1));
        assert!(Formula::parse(&signs, &names()).is_err());
        let sqrts = format!("{}ours{}", "sqrt(".repeat(70), ")".repeat(70));
        assert!(Formula::parse(&sqrts, &names()).is_err());
        // A sum near the length limit evaluates (left-deep, 140 levels).
        let long = vec!["ours"; 140].join(" + ");
        assert!(long.len() <= MAX_FORMULA_CHARS);
        let f = Formula::parse(&long, &names()).unwrap();
        assert_eq!(f.eval(&[0.0, 0.0, 0.0, 2.0, 0.0]), 280.0);
    }

    #[test]
    fn the_first_failing_operation_is_named_with_its_text() {
        let values = [1000.0, 600.0, 580.0, 232.0, f64::NAN];
        let why = |text: &str| {
            Formula::parse(text, &names())
                .unwrap()
                .failure(&values)
                .map(|f| f.to_string())
        };
        assert_eq!(
            why("ours / (valid - valid)").as_deref(),
            Some("division by zero at column 8: (valid - valid) is 0")
        );
        assert_eq!(
            why("1 + sqrt(voters - registered)").as_deref(),
            Some("sqrt(voters - registered) has no value at column 5")
        );
        assert_eq!(
            why("[Ensemble pour la France] * 2").as_deref(),
            Some("Ensemble pour la France is unknown")
        );
        assert_eq!(why("ours / valid"), None);
    }

    #[test]
    fn an_overflow_is_no_score_even_inside_min_and_max_and_says_where() {
        let values = [1e308, 1e308, 1e308, 1e308, 0.0];
        let f = Formula::parse("max(ours - ours - ours - ours, 0)", &names()).unwrap();
        assert!(f.eval(&values).is_nan(), "-inf is not turned into 0 by max");
        assert!(f.failure(&values).is_some());
        let by_column = f.eval_columns(&[&[1e308], &[1e308], &[1e308], &[1e308], &[0.0]], 1);
        assert!(by_column[0].is_nan());
        let f = Formula::parse("min(1, ours * valid * 2)", &names()).unwrap();
        assert!(f.eval(&values).is_nan());
        // IEEE's NaN ^ 0 = 1 would score a precinct whose figure is missing.
        let f = Formula::parse("ours ^ 0 + 1 ^ ours", &names()).unwrap();
        let missing = [1.0, 1.0, 1.0, f64::NAN, 1.0];
        assert!(f.eval(&missing).is_nan());
        assert!(f.failure(&missing).is_some());
    }

    #[test]
    fn a_number_too_large_is_refused_where_it_is() {
        let err = Formula::parse("ours * 1e309", &names()).unwrap_err();
        assert_eq!(err.column, 8);
        assert_eq!(
            err.problem.localized(crate::domain::numbers::Lang::En),
            "1e309 is too large a number"
        );
    }

    #[test]
    fn the_names_used_are_listed() {
        let f = Formula::parse("ours / valid * ours", &names()).unwrap();
        assert_eq!(f.used(), &[3, 2]);
    }
}
