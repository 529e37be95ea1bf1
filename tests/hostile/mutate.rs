//! Ways to spoil a file, as a disk, a download, a spreadsheet or a hostile sender would:
//! truncations, bit flips, bytes and numbers replaced, ranges cut or repeated, tokens that
//! parsers trip on (NaN, inf, 1e309, quotes, separators, NUL, broken UTF-8).

use rand::Rng as _;
use rand::rngs::StdRng;

/// What a text format's parser may trip on, inserted or put in place of a number.
const TOKENS: &[&[u8]] = &[
    b"NaN",
    b"nan",
    b"inf",
    b"-inf",
    b"Infinity",
    b"1e309",
    b"-1e309",
    b"1e308",
    b"-1",
    b"-0",
    b"0.5",
    b"1,5",
    b"1 234",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"99999999999999999999999999999",
    b"1e-320",
    b"0x10",
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"\0",
    b"\xEF\xBB\xBF",
    b"\xC3\xA9",
    b"\xFF\xFE",
    b"\xC3",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b"[[[[[[[[",
    b"]]]]",
    b"}}}}",
    b"=cmd|' /C calc'!A0",
    b"'",
    b"e",
    b".",
    b"+",
    b"-",
    b"\\u0000",
    b"\\ud800",
    b"\"type\":\"Point\"",
    b"\"coordinates\":[]",
    b"\"geometry\":null",
];

/// Numbers a parser must refuse or take as they are.
const NUMBERS: &[&[u8]] = &[
    b"NaN",
    b"inf",
    b"-inf",
    b"1e309",
    b"-1e309",
    b"1e308",
    b"-1",
    b"-0",
    b"0",
    b"0.5",
    b"1,5",
    b"1 234",
    b"9223372036854775807",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"4294967296",
    b"99999999999999999999999999999",
    b"1e-320",
    b"",
    b"n.d.",
];

/// Single bytes that mean something to a parser.
const BYTES: &[u8] = &[
    0x00, 0xFF, 0x7F, 0x80, b'"', b',', b';', b'\n', b'\r', b'-', b'9', b'.', b'[', b'{', b'e',
];

/// 32-bit values that break counts, lengths and offsets.
const INTS: &[i32] = &[0, -1, 1, i32::MAX, i32::MIN, 0x7FFF, 0x10000, 100_000_000];

/// Spoils `data` with one to three operations; returns the new bytes and what was done. `text`
/// favours the operations that text formats meet.
pub fn spoil(data: &[u8], rng: &mut StdRng, text: bool) -> (Vec<u8>, String) {
    let mut out = data.to_vec();
    let mut done = Vec::new();
    let steps = match rng.random_range(0..10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    for _ in 0..steps {
        done.push(step(&mut out, rng, text));
    }
    (out, done.join(" + "))
}

fn step(out: &mut Vec<u8>, rng: &mut StdRng, text: bool) -> &'static str {
    if out.is_empty() {
        out.extend_from_slice(pick(rng, TOKENS));
        return "token inserted";
    }
    let len = out.len();
    let at = rng.random_range(0..len);
    let kind = if text {
        rng.random_range(0..9)
    } else {
        // Binary formats meet flips, integers and truncations more than tokens.
        [0, 1, 1, 2, 3, 4, 7, 7, 8][rng.random_range(0..9)]
    };
    match kind {
        0 => {
            out.truncate(at);
            "truncated"
        }
        1 => {
            for _ in 0..rng.random_range(1..=8) {
                let i = rng.random_range(0..len);
                out[i] ^= 1 << rng.random_range(0..8);
            }
            "bits flipped"
        }
        2 => {
            out[at] = BYTES[rng.random_range(0..BYTES.len())];
            "byte replaced"
        }
        3 => {
            let end = (at + rng.random_range(1..=64.min(len))).min(len);
            out.drain(at..end);
            "range cut"
        }
        4 => {
            let end = (at + rng.random_range(1..=256.min(len))).min(len);
            let piece = out[at..end].to_vec();
            let times = rng.random_range(1..=20);
            for _ in 0..times {
                out.splice(end..end, piece.iter().copied());
            }
            "range repeated"
        }
        5 => {
            let token = pick(rng, TOKENS);
            out.splice(at..at, token.iter().copied());
            "token inserted"
        }
        6 => {
            replace_number(out, at, rng);
            "number replaced"
        }
        7 => {
            let at = at & !3;
            if at + 4 <= out.len() {
                let v = INTS[rng.random_range(0..INTS.len())];
                let bytes = if rng.random_bool(0.5) {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                };
                out[at..at + 4].copy_from_slice(&bytes);
            }
            "integer replaced"
        }
        _ => {
            duplicate_line(out, at, rng);
            "line repeated"
        }
    }
}

fn pick(rng: &mut StdRng, from: &[&'static [u8]]) -> &'static [u8] {
    from[rng.random_range(0..from.len())]
}

/// Puts a hostile number in place of the run of digits at or after `at`.
fn replace_number(out: &mut Vec<u8>, at: usize, rng: &mut StdRng) {
    let Some(start) = out[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|i| at + i)
    else {
        return;
    };
    let mut start = start;
    while start > 0 && matches!(out[start - 1], b'0'..=b'9' | b'.' | b'-') {
        start -= 1;
    }
    let mut end = start;
    while end < out.len() && matches!(out[end], b'0'..=b'9' | b'.' | b'-' | b'e' | b'E' | b'+') {
        end += 1;
    }
    let number = pick(rng, NUMBERS);
    out.splice(start..end, number.iter().copied());
}

/// Repeats the line holding `at` (a doubled row, a doubled key), or swaps it with the next.
fn duplicate_line(out: &mut Vec<u8>, at: usize, rng: &mut StdRng) {
    let start = out[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = out[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(out.len(), |i| at + i + 1);
    let line = out[start..end].to_vec();
    if rng.random_bool(0.7) {
        out.splice(end..end, line);
    } else {
        out.drain(start..end);
        let next_end = out[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(out.len(), |i| start + i + 1);
        out.splice(next_end..next_end, line);
    }
}
