//! Print codes: the short code on every page of a printed walk sheet ("T012-7QK"), by which the
//! sheet's results are typed back. It survives handwriting: the letters after the dash leave
//! out every character that reads as another (0 O Q D, 1 I L, 2 Z, 5 S, 8 B, U V), and a code
//! read back is matched in any case, with the digits' look-alikes read as digits.

/// The characters of a code's random part: no two of them are easily confused by hand.
pub const ALPHABET: &[u8] = b"ACEFGHJKMNPRTWXY34679";

/// A print's code: its number in the campaign and three characters drawn from [`ALPHABET`]
/// with `draw` (which returns any `u32`; the caller seeds or randomises it).
#[must_use]
pub fn make(number: u32, mut draw: impl FnMut() -> u32) -> String {
    let mut code = format!("T{number:03}-");
    for _ in 0..3 {
        let k = draw() as usize % ALPHABET.len();
        code.push(char::from(ALPHABET[k]));
    }
    code
}

/// A code as typed or read from a sheet, written the way codes are stored: upper case, no
/// spaces; in the number, the letters that look like digits read as those digits ("TO12" is
/// "T012"); the dash may be left out. `None` when it cannot be a code.
#[must_use]
pub fn normalise(typed: &str) -> Option<String> {
    let text: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let rest = text.strip_prefix('T')?;
    let (number, random) = match rest.split_once(['-', '–', '_', '.']) {
        Some((n, r)) => (n.to_owned(), r.to_owned()),
        None if rest.chars().count() > 3 => {
            let split = rest.chars().count() - 3;
            (
                rest.chars().take(split).collect(),
                rest.chars().skip(split).collect(),
            )
        }
        None => return None,
    };
    let digits: String = number
        .chars()
        .map(|c| match c {
            'O' | 'Q' | 'D' => '0',
            'I' | 'L' => '1',
            'Z' => '2',
            'S' => '5',
            'B' => '8',
            other => other,
        })
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    if random.chars().count() != 3 || !random.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    Some(format!("T{n:03}-{random}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_its_number_and_three_unambiguous_characters() {
        let mut k = 0;
        let code = make(12, || {
            k += 7;
            k
        });
        assert_eq!(code.len(), 8);
        assert!(code.starts_with("T012-"));
        assert!(code[5..].bytes().all(|b| ALPHABET.contains(&b)));
        assert_eq!(make(1234, || 0), "T1234-AAA");
        for confusing in b"0OQD1IL2Z5S8BUV" {
            assert!(!ALPHABET.contains(confusing), "{}", char::from(*confusing));
        }
    }

    #[test]
    fn a_code_read_back_by_hand_is_the_same_code() {
        assert_eq!(normalise("T012-7QK"), None, "Q is not in a code's letters");
        assert_eq!(normalise("t012-7hk").as_deref(), Some("T012-7HK"));
        assert_eq!(normalise("TO12 7HK").as_deref(), Some("T012-7HK"));
        assert_eq!(normalise("TO127HK").as_deref(), Some("T012-7HK"));
        assert_eq!(normalise(" t O1Z-7hk ").as_deref(), Some("T012-7HK"));
        assert_eq!(normalise("T12-7HK").as_deref(), Some("T012-7HK"));
        assert_eq!(normalise("X012-7HK"), None);
        assert_eq!(normalise("T012-7H"), None);
        assert_eq!(normalise("T-7HK"), None);
    }
}
