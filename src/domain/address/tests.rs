//! The address reader checked on a table of French, Finnish and English cases and on the
//! Helsinki address points.

use super::*;

/// (text, number, suffix, street, unit, postcode, locality).
type Case = (
    &'static str,
    Option<u32>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const CASES: &[Case] = &[
    // French.
    (
        "12 bis rue de la Paix",
        Some(12),
        Some("bis"),
        Some("rue de la Paix"),
        None,
        None,
        None,
    ),
    (
        "12bis, rue de la Paix",
        Some(12),
        Some("bis"),
        Some("rue de la Paix"),
        None,
        None,
        None,
    ),
    (
        "12 BIS Rue de la Paix",
        Some(12),
        Some("BIS"),
        Some("Rue de la Paix"),
        None,
        None,
        None,
    ),
    (
        "3 ter boulevard Voltaire",
        Some(3),
        Some("ter"),
        Some("boulevard Voltaire"),
        None,
        None,
        None,
    ),
    (
        "18 quater impasse des Lilas",
        Some(18),
        Some("quater"),
        Some("impasse des Lilas"),
        None,
        None,
        None,
    ),
    (
        "45, avenue des Champs-Élysées",
        Some(45),
        None,
        Some("avenue des Champs-Élysées"),
        None,
        None,
        None,
    ),
    (
        "1 place Bellecour, 69002 Lyon",
        Some(1),
        None,
        Some("place Bellecour"),
        None,
        Some("69002"),
        Some("Lyon"),
    ),
    (
        "7 rue du Faubourg Saint-Antoine, 75011 Paris",
        Some(7),
        None,
        Some("rue du Faubourg Saint-Antoine"),
        None,
        Some("75011"),
        Some("Paris"),
    ),
    (
        "2A chemin des Vignes",
        Some(2),
        Some("A"),
        Some("chemin des Vignes"),
        None,
        None,
        None,
    ),
    (
        "12 B avenue Jean Jaurès",
        Some(12),
        Some("B"),
        Some("avenue Jean Jaurès"),
        None,
        None,
        None,
    ),
    (
        "102 rue de Rivoli, Paris",
        Some(102),
        None,
        Some("rue de Rivoli"),
        None,
        None,
        Some("Paris"),
    ),
    (
        "place de la République",
        None,
        None,
        Some("place de la République"),
        None,
        None,
        None,
    ),
    (
        "5 allée des Tilleuls, appartement 12",
        Some(5),
        None,
        Some("allée des Tilleuls"),
        Some("appartement 12"),
        None,
        None,
    ),
    (
        "14 rue Pasteur bât. B",
        Some(14),
        None,
        Some("rue Pasteur"),
        Some("bât. B"),
        None,
        None,
    ),
    (
        "9 avenue Foch escalier 2",
        Some(9),
        None,
        Some("avenue Foch"),
        Some("escalier 2"),
        None,
        None,
    ),
    (
        "33 cours Mirabeau, 13100 Aix-en-Provence",
        Some(33),
        None,
        Some("cours Mirabeau"),
        None,
        Some("13100"),
        Some("Aix-en-Provence"),
    ),
    (
        "4 quai des Orfèvres",
        Some(4),
        None,
        Some("quai des Orfèvres"),
        None,
        None,
        None,
    ),
    (
        "10t rue Victor Hugo",
        Some(10),
        Some("t"),
        Some("rue Victor Hugo"),
        None,
        None,
        None,
    ),
    (
        "8 bis, avenue de la Gare, 31000 Toulouse",
        Some(8),
        Some("bis"),
        Some("avenue de la Gare"),
        None,
        Some("31000"),
        Some("Toulouse"),
    ),
    (
        "  6   rue   des   Écoles  ",
        Some(6),
        None,
        Some("rue des Écoles"),
        None,
        None,
        None,
    ),
    (
        "21 route de Lyon",
        Some(21),
        None,
        Some("route de Lyon"),
        None,
        None,
        None,
    ),
    (
        "11 rue du 8 Mai 1945",
        Some(11),
        None,
        Some("rue du 8 Mai 1945"),
        None,
        None,
        None,
    ),
    (
        "lieu-dit Les Granges",
        None,
        None,
        Some("lieu-dit Les Granges"),
        None,
        None,
        None,
    ),
    (
        "27 rue Nationale étage 3",
        Some(27),
        None,
        Some("rue Nationale"),
        Some("étage 3"),
        None,
        None,
    ),
    (
        "1 rue de la Mairie, 59000 Lille",
        Some(1),
        None,
        Some("rue de la Mairie"),
        None,
        Some("59000"),
        Some("Lille"),
    ),
    // Finnish.
    (
        "Mannerheimintie 12 A 5",
        Some(12),
        None,
        Some("Mannerheimintie"),
        Some("A 5"),
        None,
        None,
    ),
    (
        "Mannerheimintie 12",
        Some(12),
        None,
        Some("Mannerheimintie"),
        None,
        None,
        None,
    ),
    (
        "Aleksanterinkatu 52 B 7",
        Some(52),
        None,
        Some("Aleksanterinkatu"),
        Some("B 7"),
        None,
        None,
    ),
    (
        "Kalevankatu 3b",
        Some(3),
        Some("b"),
        Some("Kalevankatu"),
        None,
        None,
        None,
    ),
    (
        "Fredrikinkatu 48 A 12, 00100 Helsinki",
        Some(48),
        None,
        Some("Fredrikinkatu"),
        Some("A 12"),
        Some("00100"),
        Some("Helsinki"),
    ),
    (
        "Runeberginkatu 5 as. 3",
        Some(5),
        None,
        Some("Runeberginkatu"),
        Some("as. 3"),
        None,
        None,
    ),
    (
        "Hämeentie 19",
        Some(19),
        None,
        Some("Hämeentie"),
        None,
        None,
        None,
    ),
    (
        "Itämerenkatu 1, 00180 Helsinki",
        Some(1),
        None,
        Some("Itämerenkatu"),
        None,
        Some("00180"),
        Some("Helsinki"),
    ),
    (
        "Pohjoisesplanadi 11-13",
        Some(11),
        Some("-13"),
        Some("Pohjoisesplanadi"),
        None,
        None,
        None,
    ),
    (
        "Töölönkatu 4 C",
        Some(4),
        None,
        Some("Töölönkatu"),
        Some("C"),
        None,
        None,
    ),
    (
        "Lapinlahdenkatu 16",
        Some(16),
        None,
        Some("Lapinlahdenkatu"),
        None,
        None,
        None,
    ),
    (
        "Bulevardi 2-4 B 10",
        Some(2),
        Some("-4"),
        Some("Bulevardi"),
        Some("B 10"),
        None,
        None,
    ),
    (
        "Kauppatori",
        None,
        None,
        Some("Kauppatori"),
        None,
        None,
        None,
    ),
    (
        "Mechelininkatu 1a, Helsinki",
        Some(1),
        Some("a"),
        Some("Mechelininkatu"),
        None,
        None,
        Some("Helsinki"),
    ),
    (
        "Annankatu 31-33 C 48",
        Some(31),
        Some("-33"),
        Some("Annankatu"),
        Some("C 48"),
        None,
        None,
    ),
    // English.
    (
        "1600 Pennsylvania Ave NW Apt 2",
        Some(1600),
        None,
        Some("Pennsylvania Ave NW"),
        Some("Apt 2"),
        None,
        None,
    ),
    (
        "221B Baker Street",
        Some(221),
        Some("B"),
        Some("Baker Street"),
        None,
        None,
        None,
    ),
    (
        "10 Downing Street",
        Some(10),
        None,
        Some("Downing Street"),
        None,
        None,
        None,
    ),
    (
        "350 Fifth Avenue, Suite 3300",
        Some(350),
        None,
        Some("Fifth Avenue"),
        Some("Suite 3300"),
        None,
        None,
    ),
    (
        "1 Infinite Loop, Cupertino, CA 95014",
        Some(1),
        None,
        Some("Infinite Loop"),
        None,
        Some("95014"),
        Some("Cupertino"),
    ),
    (
        "Flat 3, 12 High Street",
        Some(12),
        None,
        Some("High Street"),
        Some("Flat 3"),
        None,
        None,
    ),
    (
        "123 Main St #4",
        Some(123),
        None,
        Some("Main St"),
        Some("#4"),
        None,
        None,
    ),
    (
        "45-47 King Street",
        Some(45),
        Some("-47"),
        Some("King Street"),
        None,
        None,
        None,
    ),
    (
        "742 Evergreen Terrace",
        Some(742),
        None,
        Some("Evergreen Terrace"),
        None,
        None,
        None,
    ),
    (
        "500 Pine St Unit 12, Seattle, WA 98101",
        Some(500),
        None,
        Some("Pine St"),
        Some("Unit 12"),
        Some("98101"),
        Some("Seattle"),
    ),
    (
        "2 E 42nd St",
        Some(2),
        None,
        Some("E 42nd St"),
        None,
        None,
        None,
    ),
    (
        "88 Colin P Kelly Jr St",
        Some(88),
        None,
        Some("Colin P Kelly Jr St"),
        None,
        None,
        None,
    ),
    (
        "1000 5th Ave",
        Some(1000),
        None,
        Some("5th Ave"),
        None,
        None,
        None,
    ),
    (
        "30 Rockefeller Plaza Fl 5",
        Some(30),
        None,
        Some("Rockefeller Plaza"),
        Some("Fl 5"),
        None,
        None,
    ),
    (
        "77 Massachusetts Ave Room 10-250",
        Some(77),
        None,
        Some("Massachusetts Ave"),
        Some("Room 10-250"),
        None,
        None,
    ),
    ("", None, None, None, None, None, None),
];

#[test]
fn at_least_99_percent_of_real_looking_french_finnish_and_english_addresses_read_right() {
    let mut wrong = Vec::new();
    for &(text, number, suffix, street, unit, postcode, locality) in CASES {
        let want = Address {
            housenumber: number,
            suffix: suffix.map(str::to_owned),
            street: street.map(str::to_owned),
            unit: unit.map(str::to_owned),
            postcode: postcode.map(str::to_owned),
            locality: locality.map(str::to_owned),
        };
        let got = parse(text);
        if got != want {
            wrong.push(format!("{text:?}: got {got:?}"));
        }
    }
    assert!(CASES.len() >= 50, "{} cases", CASES.len());
    assert!(
        wrong.len() * 100 <= CASES.len(),
        "{} of {} read wrong:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_helsinki_address_points_written_out_are_read_back_into_their_parts() {
    // OpenStreetMap's own parts (© OpenStreetMap contributors, ODbL), written as one
    // string the way a letter or a spreadsheet would, then read back.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/helsinki-address-points.geojson"
    ))
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (mut checked, mut wrong) = (0, Vec::new());
    for f in json["features"].as_array().unwrap() {
        let p = &f["properties"];
        let (Some(street), Some(number)) =
            (p["addr_street"].as_str(), p["addr_housenumber"].as_str())
        else {
            continue;
        };
        let mut line = format!("{street} {number}");
        if let (Some(code), Some(city)) = (p["addr_postcode"].as_str(), p["addr_city"].as_str()) {
            line = format!("{line}, {code} {city}");
        }
        let got = parse(&line);
        let leading: Option<u32> = number
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok();
        checked += 1;
        if got.street.as_deref() != Some(street)
            || got.housenumber != leading
            || got.postcode.as_deref()
                != p["addr_postcode"]
                    .as_str()
                    .filter(|_| p["addr_city"].is_string())
        {
            wrong.push(format!("{line:?}: {got:?}"));
        }
    }
    assert!(checked > 1000, "{checked} addresses");
    assert!(
        wrong.len() * 100 <= checked,
        "{} of {checked} read wrong:\n{}",
        wrong.len(),
        wrong
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
