//! The formula's tokens, each with the column it starts at.

use super::{FormulaError, FormulaProblem, Found};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Token {
    Number(f64),
    Name(String),
    Op(char),
    Le,
    Ge,
    LParen,
    RParen,
    Comma,
    End,
}

impl Token {
    /// The token as an error says it was found.
    pub(super) fn found(&self) -> Found {
        match self {
            Self::Number(n) => Found::Number(*n),
            Self::Name(n) => Found::Name(n.clone()),
            Self::Op('+') => Found::Symbol("+"),
            Self::Op('-') => Found::Symbol("-"),
            Self::Op('*') => Found::Symbol("*"),
            Self::Op('/') => Found::Symbol("/"),
            Self::Op('^') => Found::Symbol("^"),
            Self::Op('<') => Found::Symbol("<"),
            Self::Op(_) => Found::Symbol(">"),
            Self::Le => Found::Symbol("<="),
            Self::Ge => Found::Symbol(">="),
            Self::LParen => Found::Symbol("("),
            Self::RParen => Found::Symbol(")"),
            Self::Comma => Found::Symbol(","),
            Self::End => Found::End,
        }
    }
}

pub(super) fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, FormulaError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let save = i;
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                if i < chars.len() && chars[i].is_ascii_digit() {
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                } else {
                    i = save;
                }
            }
            let literal: String = chars[start..i].iter().collect();
            let n: f64 = literal.parse().map_err(|_| FormulaError {
                column,
                problem: FormulaProblem::NotANumber(literal.clone()),
            })?;
            if !n.is_finite() {
                return Err(FormulaError {
                    column,
                    problem: FormulaProblem::TooLarge(literal),
                });
            }
            tokens.push((Token::Number(n), column));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push((Token::Name(chars[start..i].iter().collect()), column));
            continue;
        }
        if c == '[' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == ']')
                .ok_or(FormulaError {
                    column,
                    problem: FormulaProblem::UnclosedBracket,
                })?;
            let name: String = chars[i + 1..i + 1 + end].iter().collect();
            tokens.push((Token::Name(name.trim().to_owned()), column));
            i += end + 2;
            continue;
        }
        let token = match c {
            '<' | '>' if chars.get(i + 1) == Some(&'=') => {
                i += 1;
                if c == '<' { Token::Le } else { Token::Ge }
            }
            '+' | '-' | '*' | '/' | '^' | '<' | '>' => Token::Op(c),
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            other => {
                return Err(FormulaError {
                    column,
                    problem: FormulaProblem::UnexpectedCharacter(other),
                });
            }
        };
        tokens.push((token, column));
        i += 1;
    }
    tokens.push((Token::End, chars.len() + 1));
    Ok(tokens)
}
