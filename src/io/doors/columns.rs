//! Which columns (CSV) or properties (GeoJSON) of a door file hold what: guessed from their
//! names (English, French, Finnish, OpenStreetMap's `addr:*`, the French national address
//! file's `numero`, `rep`, `nom_voie`, `code_postal`), or named by the user.

use std::path::Path;

use crate::domain::address::{self, Address};
use crate::io::ImportError;

/// The columns the user names when the guess is wrong (`--street-column` and the like). A name
/// given must be in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DoorColumns {
    /// The whole address on one line.
    pub address: Option<String>,
    /// The street name.
    pub street: Option<String>,
    /// The house number ("12", "12bis").
    pub number: Option<String>,
    /// The house number's suffix ("bis", "A").
    pub suffix: Option<String>,
    /// The flat or unit.
    pub unit: Option<String>,
    /// The postcode.
    pub postcode: Option<String>,
    /// The source's own identifier.
    pub id: Option<String>,
    /// The households at the address.
    pub households: Option<String>,
}

const HOUSEHOLDS: &[&str] = &[
    "households",
    "household",
    "menages",
    "ménages",
    "nb_menages",
    "foyers",
    "nb_foyers",
    "logements",
    "nb_logements",
    "dwellings",
    "units",
    "building:flats",
    "building_flats",
];
const ADDRESS: &[&str] = &[
    "address",
    "adresse",
    "addr",
    "full_address",
    "osoite",
    "libelle",
];
const STREET: &[&str] = &[
    "street",
    "street_name",
    "streetname",
    "nom_voie",
    "voie",
    "rue",
    "nom_rue",
    "addr:street",
    "addr_street",
    "katu",
    "kadunnimi",
];
const NUMBER: &[&str] = &[
    "housenumber",
    "house_number",
    "number",
    "numero",
    "numéro",
    "num",
    "addr:housenumber",
    "addr_housenumber",
    "talonumero",
    "numero_voie",
];
const SUFFIX: &[&str] = &[
    "rep",
    "suffix",
    "suffixe",
    "housenumber_suffix",
    "indice_repetition",
    "btq",
];
const UNIT: &[&str] = &[
    "unit",
    "apt",
    "apartment",
    "appartement",
    "flat",
    "addr:unit",
    "addr_unit",
    "porte",
];
const POSTCODE: &[&str] = &[
    "postcode",
    "postal_code",
    "code_postal",
    "cp",
    "zip",
    "zipcode",
    "zip_code",
    "addr:postcode",
    "addr_postcode",
    "postinumero",
];
const ID: &[&str] = &["id", "osm_id", "source_id", "uid", "cle_interop"];
/// Longitude names, most specific first: the French address file has both Lambert-93 `x` and
/// `lon`, and `lon` is the one wanted.
pub(super) const LON: &[&str] = &["lon", "lng", "long", "longitude", "x"];
/// Latitude names, most specific first.
pub(super) const LAT: &[&str] = &["lat", "latitude", "y"];

/// The names of the columns that hold each part, as found in the file.
#[derive(Clone, Debug, Default)]
pub(super) struct Found {
    pub address: Option<String>,
    pub street: Option<String>,
    pub number: Option<String>,
    pub suffix: Option<String>,
    pub unit: Option<String>,
    pub postcode: Option<String>,
    pub id: Option<String>,
    pub households: Option<String>,
}

/// The first of `names` (in their order) that is a column, in the file's spelling.
pub(super) fn guess(columns: &[String], names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        columns
            .iter()
            .find(|c| c.trim().eq_ignore_ascii_case(n))
            .cloned()
    })
}

/// Finds each part's column: the user's name when given (refused when the file has no such
/// column), else the guess.
pub(super) fn find(
    path: &Path,
    columns: &[String],
    chosen: &DoorColumns,
) -> Result<Found, ImportError> {
    let pick = |flag: &str, given: &Option<String>, names: &[&str]| match given {
        Some(name) => columns
            .iter()
            .find(|c| c.trim().eq_ignore_ascii_case(name.trim()))
            .cloned()
            .map(Some)
            .ok_or_else(|| ImportError::Field {
                path: path.to_path_buf(),
                detail: format!(
                    "no column {name:?} (given with --{flag}-column); columns: {}",
                    columns.join(", ")
                ),
            }),
        None => Ok(guess(columns, names)),
    };
    Ok(Found {
        address: pick("address", &chosen.address, ADDRESS)?,
        street: pick("street", &chosen.street, STREET)?,
        number: pick("number", &chosen.number, NUMBER)?,
        suffix: pick("suffix", &chosen.suffix, SUFFIX)?,
        unit: pick("unit", &chosen.unit, UNIT)?,
        postcode: pick("postcode", &chosen.postcode, POSTCODE)?,
        id: pick("id", &chosen.id, ID)?,
        households: pick("households", &chosen.households, HOUSEHOLDS)?,
    })
}

impl Found {
    /// A record's address line and parts, from the cells `cell` gives for a column name. A
    /// house number column that does not start with a number ("A12") stays in the address
    /// line only.
    pub(super) fn parts(&self, cell: impl Fn(&str) -> Option<String>) -> (String, Address) {
        let get = |c: &Option<String>| {
            c.as_deref()
                .and_then(&cell)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let line = get(&self.address).unwrap_or_default();
        let number_text = get(&self.number);
        // "12", "12bis", or "7 B, sisäpiha" (a number, then what the building says of it).
        let (mut unit_after, mut number_alone) = (None, number_text.clone());
        if let Some(text) = &number_text
            && address::house_number(text).is_none()
            && let Some((head, rest)) = text.split_once(',')
            && address::house_number(head.trim()).is_some()
        {
            number_alone = Some(head.trim().to_owned());
            unit_after = Some(rest.trim().to_owned()).filter(|r| !r.is_empty());
        }
        let (housenumber, mut suffix) = match number_alone.as_deref().map(address::house_number) {
            Some(Some((n, s))) => (Some(n), s),
            _ => (None, None),
        };
        if let Some(s) = get(&self.suffix) {
            suffix = Some(s);
        }
        let street = get(&self.street);
        let parts = Address {
            housenumber,
            suffix,
            street: street.clone(),
            unit: get(&self.unit).or(unit_after),
            postcode: get(&self.postcode),
            locality: None,
        };
        // A number the parser could not read is kept in the line the door shows.
        let line = match (line.is_empty(), number_text, housenumber) {
            (true, Some(n), None) => [n, street.unwrap_or_default()].join(" ").trim().to_owned(),
            _ => line,
        };
        (line, parts)
    }

    /// A record's own identifier.
    pub(super) fn id(&self, cell: impl Fn(&str) -> Option<String>) -> Option<String> {
        self.id
            .as_deref()
            .and_then(cell)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_french_address_file_layout_is_read_without_flags() {
        let columns = cols(&[
            "id",
            "id_fantoir",
            "numero",
            "rep",
            "nom_voie",
            "code_postal",
            "code_insee",
            "nom_commune",
            "x",
            "y",
            "lon",
            "lat",
        ]);
        let found = find(Path::new("ban.csv"), &columns, &DoorColumns::default()).unwrap();
        assert_eq!(found.number.as_deref(), Some("numero"));
        assert_eq!(found.suffix.as_deref(), Some("rep"));
        assert_eq!(found.street.as_deref(), Some("nom_voie"));
        assert_eq!(found.postcode.as_deref(), Some("code_postal"));
        assert_eq!(guess(&columns, LON).as_deref(), Some("lon"));
        let row = |c: &str| match c {
            "numero" => Some("12".to_owned()),
            "rep" => Some("bis".to_owned()),
            "nom_voie" => Some("Rue de la Paix".to_owned()),
            "code_postal" => Some("75002".to_owned()),
            _ => None,
        };
        let (_, parts) = found.parts(row);
        assert_eq!(parts.housenumber, Some(12));
        assert_eq!(parts.suffix.as_deref(), Some("bis"));
        assert_eq!(parts.line(), "12 bis Rue de la Paix");
    }

    #[test]
    fn a_column_named_by_the_user_and_missing_is_refused_with_the_columns_listed() {
        let chosen = DoorColumns {
            street: Some("strete".into()),
            ..DoorColumns::default()
        };
        let e = find(
            Path::new("d.csv"),
            &cols(&["lon", "lat", "street"]),
            &chosen,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("strete") && e.contains("--street-column") && e.contains("lon, lat, street"),
            "{e}"
        );
    }
}
