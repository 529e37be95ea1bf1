//! Colours as the campaign file writes them (`#rrggbb`), checked once when they come in.

use std::fmt;
use std::str::FromStr;

/// A colour: red, green and blue bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

/// A text that is not a colour.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a colour: write it #rrggbb (or #rgb) in hexadecimal, e.g. #1b9e77")]
pub struct ColourError(pub String);

impl Colour {
    /// Parses `#rrggbb` or `#rgb` (any case, surrounding spaces ignored).
    ///
    /// # Examples
    /// ```
    /// use campaign_planner::domain::colour::Colour;
    /// assert_eq!(Colour::parse("#1B9E77").unwrap().to_string(), "#1b9e77");
    /// assert_eq!(Colour::parse("#f00").unwrap().to_string(), "#ff0000");
    /// assert!(Colour::parse("pink").is_err());
    /// assert!(Colour::parse("#zzzzzz").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, ColourError> {
        let error = || ColourError(text.trim().to_owned());
        let hex = text.trim().strip_prefix('#').ok_or_else(error)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(error());
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).map_err(|_| error());
        match hex.len() {
            6 => {
                let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| error());
                Ok(Self([byte(0)?, byte(2)?, byte(4)?]))
            }
            3 => Ok(Self([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17])),
            _ => Err(error()),
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::classify::to_hex(self.0))
    }
}

impl FromStr for Colour {
    type Err = ColourError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
