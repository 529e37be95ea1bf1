//! Evaluating a parsed formula: one precinct at a time (with the reason a score is missing)
//! or a whole column at once.

use super::{Failure, Formula, Func, Node};

/// A binary operation (comparisons give 1 or 0, NaN when an operand is unknown). A result
/// beyond the largest number (an overflow) is unknown too, as [`Formula::failure`] says, so a
/// later `min` or comparison never turns it back into a score.
pub(super) fn binary(op: char, a: f64, b: f64) -> f64 {
    // IEEE has NaN ^ 0 = 1 and 1 ^ NaN = 1: an unknown stays unknown here.
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    let v = raw_binary(op, a, b);
    if v.is_finite() { v } else { f64::NAN }
}

pub(super) fn raw_binary(op: char, a: f64, b: f64) -> f64 {
    let truth = |t: bool| {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            f64::from(u8::from(t))
        }
    };
    match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => a / b,
        '^' => a.powf(b),
        '<' => truth(a < b),
        '>' => truth(a > b),
        'l' => truth(a <= b),
        'g' => truth(a >= b),
        _ => f64::NAN,
    }
}

/// A function call over its evaluated arguments (an unknown argument makes the result
/// unknown).
pub(super) fn call(func: Func, mut args: impl Iterator<Item = f64>) -> f64 {
    let strict = |m: f64, v: f64, pick: fn(f64, f64) -> f64| {
        if v.is_nan() || m.is_nan() {
            f64::NAN
        } else {
            pick(m, v)
        }
    };
    let v = match func {
        Func::Min => args.fold(f64::INFINITY, |m, v| strict(m, v, f64::min)),
        Func::Max => args.fold(f64::NEG_INFINITY, |m, v| strict(m, v, f64::max)),
        Func::Abs => args.next().map_or(f64::NAN, f64::abs),
        Func::Sqrt => args.next().map_or(f64::NAN, f64::sqrt),
        Func::Ln => args.next().map_or(f64::NAN, f64::ln),
    };
    if v.is_finite() { v } else { f64::NAN }
}

pub(super) fn eval(node: &Node, values: &[f64]) -> f64 {
    match node {
        Node::Const(c) => *c,
        Node::Var(i) => values.get(*i).copied().unwrap_or(f64::NAN),
        Node::Neg(inner) => -eval(inner, values),
        Node::Bin(op, a, b, _) => binary(*op, eval(a, values), eval(b, values)),
        Node::Call(func, args, _) => call(*func, args.iter().map(|a| eval(a, values))),
    }
}

/// Evaluates like [`eval`], stopping at the first operation that gives no number.
pub(super) fn checked(node: &Node, values: &[f64], formula: &Formula) -> Result<f64, Failure> {
    match node {
        Node::Const(c) => Ok(*c),
        Node::Var(i) => {
            let v = values.get(*i).copied().unwrap_or(f64::NAN);
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Failure::Missing {
                    name: formula.names.get(*i).cloned().unwrap_or_default(),
                })
            }
        }
        Node::Neg(inner) => checked(inner, values, formula).map(|v| -v),
        Node::Bin(op, a, b, span) => {
            let (x, y) = (checked(a, values, formula)?, checked(b, values, formula)?);
            let v = binary(*op, x, y);
            if v.is_finite() {
                Ok(v)
            } else if *op == '/' && y == 0.0 {
                Err(Failure::DivisionByZero {
                    column: span.from,
                    divisor: formula.piece(*span),
                })
            } else {
                Err(Failure::NoValue {
                    column: span.from,
                    call: format!("{op} {}", formula.piece(*span)),
                })
            }
        }
        Node::Call(func, args, span) => {
            let mut evaluated = Vec::with_capacity(args.len());
            for a in args {
                evaluated.push(checked(a, values, formula)?);
            }
            let v = call(*func, evaluated.into_iter());
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Failure::NoValue {
                    column: span.from,
                    call: formula.piece(*span),
                })
            }
        }
    }
}

pub(super) fn eval_column(node: &Node, columns: &[&[f64]], rows: usize) -> Vec<f64> {
    match node {
        Node::Const(c) => vec![*c; rows],
        Node::Var(i) => match columns.get(*i) {
            Some(column) if column.len() == rows => column.to_vec(),
            _ => vec![f64::NAN; rows],
        },
        Node::Neg(inner) => {
            let mut v = eval_column(inner, columns, rows);
            for x in &mut v {
                *x = -*x;
            }
            v
        }
        Node::Bin(op, a, b, _) => {
            let mut left = eval_column(a, columns, rows);
            let right = eval_column(b, columns, rows);
            for (l, &r) in left.iter_mut().zip(&right) {
                *l = binary(*op, *l, r);
            }
            left
        }
        Node::Call(func, args, _) => {
            let evaluated: Vec<Vec<f64>> =
                args.iter().map(|a| eval_column(a, columns, rows)).collect();
            (0..rows)
                .map(|i| call(*func, evaluated.iter().map(|c| c[i])))
                .collect()
        }
    }
}
