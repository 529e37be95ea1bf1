//! The results and doors importers under hostile inputs: results CSV (wide, long, French),
//! doors CSV, GeoJSON and `.osm.pbf`.

use std::fmt::Write as _;
use std::path::Path;

use campaign_planner::io::csv_results::{ColumnMapping, import_results};
use campaign_planner::io::doors::read_doors;
use campaign_planner::io::{ImportOptions, import_precincts};
use campaign_planner::progress::ignore;
use campaign_planner::store::{Campaign, ElectionMeta};

use super::runner::{Input, Target};
use super::{fixture, fixture_bytes, specials, write_seed};

/// Results files, each with the shapes its campaign is made of and the options it needs.
pub struct Results;

const RESULTS: &[(&str, &str)] = &[
    ("fr/resultats-2020-t1.csv", "fr/bureaux.geojson"),
    ("us/county-wide-2016.csv", "us/counties.geojson"),
    ("us/countypres-long.csv", "us/counties.geojson"),
    ("montreal-results-2013.csv", "montreal-districts.geojson"),
];

fn mapping(seed: usize) -> ColumnMapping {
    if seed == 2 {
        ColumnMapping {
            split_by: Some("year".to_owned()),
            filters: vec![("mode".to_owned(), "TOTAL".to_owned())],
            ..ColumnMapping::default()
        }
    } else {
        ColumnMapping::default()
    }
}

fn election() -> ElectionMeta {
    ElectionMeta {
        name: "Hostile".to_owned(),
        date: None,
        round: None,
    }
}

/// A table of `rows` lines of `width` cells.
fn table(header: &str, row: &str, rows: usize) -> Vec<u8> {
    let mut s = String::with_capacity(header.len() + rows * (row.len() + 1));
    s.push_str(header);
    s.push('\n');
    for _ in 0..rows {
        s.push_str(row);
        s.push('\n');
    }
    s.into_bytes()
}

/// The crafted inputs every table importer meets: sizes, encodings, binary files, quotes.
fn crafted_tables(seed: &Input, header: &str, row: &str) -> Vec<Input> {
    let name = "crafted.csv";
    let one = |bytes: Vec<u8>, what: &str| Input::one(name, bytes, what);
    let text = seed.bytes(&seed.main).unwrap_or_default();
    let mut wide = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    wide.push('\n');
    wide.push_str(&"1,".repeat(99_999));
    wide.push_str("1\n");
    let mut long_cell = format!("{header}\n");
    long_cell.push_str(&"9".repeat(10_000_000));
    long_cell.push('\n');
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            String::from_utf8_lossy(text)
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let mut quote = format!("{header}\n\"{row}\n");
    quote.push_str(row);
    quote.push('\n');
    let mut v = vec![
        one(Vec::new(), "empty"),
        one(b"\xEF\xBB\xBF".to_vec(), "a BOM alone"),
        one(format!("{header}\n").into_bytes(), "a header alone"),
        one(format!("{row}\n").into_bytes(), "no header"),
        one(wide.into_bytes(), "100,000 columns"),
        one(long_cell.into_bytes(), "a cell of 10 MB"),
        one(table(header, row, 200_000), "200,000 rows"),
        one(quote.into_bytes(), "an unbalanced quote"),
        one(utf16, "UTF-16"),
        one(
            text.iter()
                .map(|&b| if b == b',' { 0 } else { b })
                .collect(),
            "NUL bytes",
        ),
        one(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "a PNG"),
        one(b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(), "a zip"),
        one(b"\x1f\x8b\x08\0\0\0\0\0".to_vec(), "a gzip"),
    ];
    for bad in [
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "-1",
        "1.5",
        "1e308",
        "99999999999999999999",
    ] {
        let mut s = String::from_utf8_lossy(text).into_owned();
        // Every count of the file's second line becomes `bad`.
        if let Some(second) = s.lines().nth(1).map(str::to_owned) {
            let spoiled: String = second
                .split([',', ';'])
                .map(|c| {
                    if c.chars().all(|ch| ch.is_ascii_digit() || ch == ' ') && !c.is_empty() {
                        bad.to_owned()
                    } else {
                        c.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(if second.contains(';') { ";" } else { "," });
            s = s.replacen(&second, &spoiled, 1);
        }
        v.push(Input {
            what: format!("counts of {bad}"),
            ..Input::one(&seed.main, s.into_bytes(), "")
        });
    }
    v.extend(specials(seed, &seed.main));
    v
}

impl Target for Results {
    fn name(&self) -> &'static str {
        "results-csv"
    }

    fn seeds(&self) -> Vec<Input> {
        RESULTS
            .iter()
            .map(|(file, _)| {
                let name = file.rsplit('/').next().unwrap_or(file);
                Input::one(name, fixture_bytes(file), "seed")
            })
            .collect()
    }

    fn crafted(&self, seeds: &[Input]) -> Vec<(usize, Input)> {
        let mut v: Vec<(usize, Input)> = crafted_tables(
            &seeds[1],
            "fips,county,dem_2016,rep_2016,total_2016",
            "53033,King,718322,200287,1001700",
        )
        .into_iter()
        .map(|i| (1, i))
        .collect();
        // A code the campaign lacks, twice: kept rows under one code, so a duplicate.
        let mut twice = seeds[1].bytes(&seeds[1].main).unwrap_or_default().to_vec();
        twice.extend_from_slice(b"99999,Nowhere,1,1,2,0.5,0\n99999,Nowhere,1,1,2,0.5,0\n");
        v.push((
            1,
            Input::one(&seeds[1].main, twice, "an unknown code twice"),
        ));
        v
    }

    fn text(&self) -> bool {
        true
    }

    fn campaign(&self, seed: usize, seeds: &[Input], path: &Path) -> bool {
        let mut campaign = Campaign::create(path, "Hostile").expect("a new campaign");
        import_precincts(
            &mut campaign,
            &fixture(RESULTS[seed].1),
            &ImportOptions::default(),
            &mut ignore,
        )
        .expect("shapes");
        // The seed's election is there already: a refused import must leave it whole.
        let main = write_seed(&seeds[seed], path);
        import_results(&mut campaign, &main, &election(), &mapping(seed))
            .unwrap_or_else(|e| panic!("the seed {} imports: {e}", seeds[seed].main));
        true
    }

    fn import(
        &self,
        seed: usize,
        campaign: Option<&mut Campaign>,
        main: &Path,
    ) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        import_results(campaign, main, &election(), &mapping(seed))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn check(&self, _: usize, campaign: Option<&Campaign>, _: &Path) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        let data = campaign.scoring_data().map_err(|e| e.to_string())?;
        let mut problems = String::new();
        for e in &data.elections {
            for p in 0..data.codes.len() {
                let lists: Vec<f64> = e.votes.iter().map(|l| l[p]).collect();
                let all = [e.registered[p], e.voters[p], e.valid[p]];
                let bad = |v: f64| !v.is_nan() && (!v.is_finite() || v < 0.0 || v.fract() != 0.0);
                if lists.iter().chain(&all).any(|&v| bad(v)) {
                    let _ = write!(
                        problems,
                        "{} {}: impossible numbers; ",
                        e.name, data.codes[p]
                    );
                }
                let sum: f64 = lists.iter().filter(|v| !v.is_nan()).sum();
                // A few votes over is accepted as rounding, with a warning (at most 3, or
                // 0.5 % of the smaller figure), as real files have it.
                let le = |a: f64, b: f64| {
                    a.is_nan() || b.is_nan() || a <= b + 3_f64.max((b / 200.0).floor())
                };
                if !(le(sum, e.valid[p])
                    && le(e.valid[p], e.voters[p])
                    && le(e.voters[p], e.registered[p]))
                {
                    let _ = write!(
                        problems,
                        "{} {}: lists {sum} valid {} voters {} registered {}; ",
                        e.name, data.codes[p], e.valid[p], e.voters[p], e.registered[p]
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("imported, but {problems}"))
        }
    }
}

/// Doors from a CSV, GeoJSON or `.osm.pbf` file.
pub struct Doors {
    /// Which format's seeds.
    pub format: DoorFormat,
}

/// The door file formats.
#[derive(Clone, Copy, Debug)]
pub enum DoorFormat {
    /// Longitude, latitude, address, households.
    Csv,
    /// Point features.
    GeoJson,
    /// An OpenStreetMap extract.
    Pbf,
}

/// The first `n` Helsinki address points: (lon, lat, address).
fn helsinki(n: usize) -> Vec<(f64, f64, String)> {
    let fc: serde_json::Value =
        serde_json::from_slice(&fixture_bytes("helsinki-address-points.geojson")).expect("json");
    fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .take(n)
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let p = &f["properties"];
            (
                c[0].as_f64().expect("lon"),
                c[1].as_f64().expect("lat"),
                format!(
                    "{} {}",
                    p["addr_street"].as_str().unwrap_or_default(),
                    p["addr_housenumber"].as_str().unwrap_or_default()
                ),
            )
        })
        .collect()
}

fn doors_csv(french: bool) -> Vec<u8> {
    let mut s = String::from(if french {
        "longitude;latitude;adresse;logements\n"
    } else {
        "lon,lat,address,households\n"
    });
    for (k, (x, y, a)) in helsinki(40).into_iter().enumerate() {
        if french {
            let _ = writeln!(
                s,
                "{};{};{a};{}",
                x.to_string().replace('.', ","),
                y.to_string().replace('.', ","),
                k % 4 + 1
            );
        } else {
            let _ = writeln!(s, "{x},{y},\"{a}\",{}", k % 4 + 1);
        }
    }
    s.into_bytes()
}

fn door_feature(x: &str, y: &str, households: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"address":"Kaivokatu 1","households":{households}}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
    )
}

fn doors_geojson(features: &[String]) -> Vec<u8> {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
    .into_bytes()
}

impl Target for Doors {
    fn name(&self) -> &'static str {
        match self.format {
            DoorFormat::Csv => "doors-csv",
            DoorFormat::GeoJson => "doors-geojson",
            DoorFormat::Pbf => "doors-pbf",
        }
    }

    fn seeds(&self) -> Vec<Input> {
        match self.format {
            DoorFormat::Csv => vec![
                Input::one("doors.csv", doors_csv(false), "seed"),
                Input::one("portes.csv", doors_csv(true), "seed"),
            ],
            DoorFormat::GeoJson => {
                let features: Vec<String> = helsinki(40)
                    .into_iter()
                    .enumerate()
                    .map(|(k, (x, y, _))| {
                        door_feature(&x.to_string(), &y.to_string(), &(k % 3 + 1).to_string())
                    })
                    .collect();
                vec![Input::one(
                    "doors.geojson",
                    doors_geojson(&features),
                    "seed",
                )]
            }
            DoorFormat::Pbf => vec![
                Input::one(
                    "small.osm.pbf",
                    fixture_bytes("helsinki-addresses-small.osm.pbf"),
                    "seed",
                ),
                Input::one(
                    "small-raw.osm.pbf",
                    fixture_bytes("helsinki-addresses-small-raw.osm.pbf"),
                    "seed",
                ),
            ],
        }
    }

    fn crafted(&self, seeds: &[Input]) -> Vec<(usize, Input)> {
        let s = &seeds[0];
        let v: Vec<Input> = match self.format {
            DoorFormat::Csv => {
                let mut v = crafted_tables(s, "lon,lat,households", "24.94,60.17,2");
                for bad in ["1e308", "-2", "0", "10001", "1.5", "NaN", "inf"] {
                    v.push(Input::one(
                        "households.csv",
                        format!("lon,lat,households\n24.94,60.17,{bad}\n").into_bytes(),
                        &format!("households {bad}"),
                    ));
                }
                for (x, y) in [
                    ("1e309", "60"),
                    ("24.9", "95"),
                    ("NaN", "60"),
                    ("-inf", "0"),
                ] {
                    v.push(Input::one(
                        "where.csv",
                        format!("lon,lat\n{x},{y}\n").into_bytes(),
                        &format!("a door at {x}, {y}"),
                    ));
                }
                v.push(Input::one(
                    "nolat.csv",
                    b"lon,address\n24.9,a\n".to_vec(),
                    "no latitude",
                ));
                v
            }
            DoorFormat::GeoJson => {
                let name = "crafted.geojson";
                let mut v = vec![
                    Input::one(name, Vec::new(), "empty"),
                    Input::one(name, "[".repeat(1_000_000).into_bytes(), "deep: a million ["),
                    Input::one(name, doors_geojson(&[]), "zero features"),
                    Input::one(
                        name,
                        doors_geojson(
                            &(0..200_000)
                                .map(|k| {
                                    door_feature(
                                        &format!("{}", 24.9 + f64::from(k % 500) * 1e-4),
                                        &format!("{}", 60.1 + f64::from(k / 500) * 1e-4),
                                        "1",
                                    )
                                })
                                .collect::<Vec<_>>(),
                        ),
                        "200,000 doors",
                    ),
                    Input::one(
                        name,
                        doors_geojson(&[r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[24,60],[25,60],[25,61],[24,60]]]}}"#.to_owned()]),
                        "a polygon",
                    ),
                ];
                for bad in [
                    "1e308", "-2", "0", "10001", "1.5", "\"many\"", "null", "1e309",
                ] {
                    v.push(Input::one(
                        name,
                        doors_geojson(&[door_feature("24.94", "60.17", bad)]),
                        &format!("households {bad}"),
                    ));
                }
                for (x, y) in [
                    ("1e309", "60"),
                    ("24.9", "95"),
                    ("-1e400", "0"),
                    ("\"24\"", "60"),
                ] {
                    v.push(Input::one(
                        name,
                        doors_geojson(&[door_feature(x, y, "1")]),
                        &format!("a door at {x}, {y}"),
                    ));
                }
                v.extend(specials(s, &s.main));
                v
            }
            DoorFormat::Pbf => {
                let name = "crafted.osm.pbf";
                let seed = s.bytes(&s.main).unwrap_or_default();
                let mut huge_header = seed.to_vec();
                huge_header[..4].copy_from_slice(&0x7FFF_FFFF_u32.to_be_bytes());
                let mut v = vec![
                    Input::one(name, Vec::new(), "empty"),
                    Input::one(name, seed[..4].to_vec(), "a length alone"),
                    Input::one(name, huge_header, "a header of 2 GB"),
                    Input::one(name, vec![0; 100_000], "zeros"),
                    Input::one(name, seed.repeat(50), "the seed 50 times"),
                ];
                v.extend(specials(s, &s.main));
                v
            }
        };
        v.into_iter().map(|i| (0, i)).collect()
    }

    fn text(&self) -> bool {
        !matches!(self.format, DoorFormat::Pbf)
    }

    fn campaign(&self, _: usize, _: &[Input], path: &Path) -> bool {
        let mut campaign = Campaign::create(path, "Hostile").expect("a new campaign");
        import_precincts(
            &mut campaign,
            &fixture("fr/bureaux.geojson"),
            &ImportOptions::default(),
            &mut ignore,
        )
        .expect("shapes");
        true
    }

    fn import(&self, _: usize, campaign: Option<&mut Campaign>, main: &Path) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        let doors = read_doors(main).map_err(|e| e.to_string())?;
        let source = main
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        campaign
            .import_doors(&doors, &source, true)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn check(&self, _: usize, campaign: Option<&Campaign>, _: &Path) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        let doors = campaign.doors().map_err(|e| e.to_string())?;
        for d in &doors {
            let (x, y) = (d.point.x(), d.point.y());
            if !(1..=10_000).contains(&d.households)
                || !x.is_finite()
                || !y.is_finite()
                || x.abs() > 180.0
                || y.abs() > 90.0
            {
                return Err(format!(
                    "imported, but a door at {x}, {y} has {} households",
                    d.households
                ));
            }
        }
        Ok(())
    }
}
