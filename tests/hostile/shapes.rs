//! The precinct importers under hostile inputs: GeoJSON, Shapefile triplets, GeoPackage.

use std::fmt::Write as _;
use std::path::Path;

use campaign_planner::io::{ImportOptions, import_precincts};
use campaign_planner::progress::ignore;
use campaign_planner::store::Campaign;
use rand::Rng as _;
use rand::rngs::StdRng;

use super::runner::{Content, Input, Target};
use super::{fixture_bytes, specials, write_seed};

/// The precinct importers, one format each.
pub struct Shapes {
    /// Which format's seeds and crafted inputs.
    pub format: ShapeFormat,
}

/// The formats precinct shapes come in.
#[derive(Clone, Copy, Debug)]
pub enum ShapeFormat {
    /// GeoJSON feature collections.
    GeoJson,
    /// Shapefile triplets (with their `.prj`).
    Shapefile,
    /// GeoPackages from other tools.
    GeoPackage,
}

impl Target for Shapes {
    fn name(&self) -> &'static str {
        match self.format {
            ShapeFormat::GeoJson => "geojson",
            ShapeFormat::Shapefile => "shapefile",
            ShapeFormat::GeoPackage => "geopackage",
        }
    }

    fn seeds(&self) -> Vec<Input> {
        match self.format {
            ShapeFormat::GeoJson => geojson_seeds(),
            ShapeFormat::Shapefile => shapefile_seeds(),
            ShapeFormat::GeoPackage => geopackage_seeds(),
        }
    }

    fn crafted(&self, seeds: &[Input]) -> Vec<(usize, Input)> {
        match self.format {
            ShapeFormat::GeoJson => geojson_crafted(seeds),
            ShapeFormat::Shapefile => shapefile_crafted(seeds),
            ShapeFormat::GeoPackage => geopackage_crafted(seeds),
        }
    }

    fn text(&self) -> bool {
        matches!(self.format, ShapeFormat::GeoJson)
    }

    fn mutate(&self, seeds: &[Input], seed: usize, rng: &mut StdRng) -> Option<Input> {
        match self.format {
            ShapeFormat::Shapefile => shapefile_mutate(seeds, seed, rng),
            _ => None,
        }
    }

    /// A campaign with the seed's precincts and a turf on the first (so an import that drops
    /// it is refused, as a user's would be).
    fn campaign(&self, seed: usize, seeds: &[Input], path: &Path) -> bool {
        let seed = &seeds[seed];
        let main = write_seed(seed, path);
        let mut campaign = Campaign::create(path, "Hostile").expect("a new campaign");
        import_precincts(&mut campaign, &main, &ImportOptions::default(), &mut ignore)
            .unwrap_or_else(|e| panic!("the seed {} imports: {e}", seed.main));
        let codes = campaign.precinct_codes().expect("codes");
        campaign
            .create_turf("T", &codes[..1], false)
            .expect("a turf");
        true
    }

    /// Imports precinct shapes as `import` does (no `--replace`).
    fn import(&self, _: usize, campaign: Option<&mut Campaign>, main: &Path) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        import_precincts(campaign, main, &ImportOptions::default(), &mut ignore)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn check(&self, _: usize, campaign: Option<&Campaign>, _: &Path) -> Result<(), String> {
        let campaign = campaign.ok_or("no campaign")?;
        let codes = campaign.precinct_codes().map_err(|e| e.to_string())?;
        if codes.is_empty() || codes.iter().any(|c| c.trim().is_empty()) {
            return Err(format!("imported, but the codes are {codes:?}"));
        }
        Ok(())
    }
}

/// The first `n` features of a GeoJSON file.
fn first_features(name: &str, n: usize) -> Vec<u8> {
    let mut fc: serde_json::Value = serde_json::from_slice(&fixture_bytes(name)).expect("json");
    fc["features"].as_array_mut().expect("features").truncate(n);
    serde_json::to_vec(&fc).expect("json")
}

fn feature_collection(features: &str) -> Vec<u8> {
    format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#).into_bytes()
}

/// The features of `seed` (a FeatureCollection) and `extra`: an import that removes nothing.
fn beside_seed(seed: &[u8], extra: &str) -> Vec<u8> {
    let fc: serde_json::Value = serde_json::from_slice(seed).expect("json");
    let features: Vec<String> = fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| serde_json::to_string(f).expect("json"))
        .collect();
    feature_collection(&format!("{},{extra}", features.join(",")))
}

fn square(code: &str, x: f64, y: f64, size: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code_bv":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
        x + size,
        x + size,
        y + size,
        y + size
    )
}

fn polygon(code: &str, ring: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code_bv":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
    )
}

fn geojson_seeds() -> Vec<Input> {
    vec![
        Input::one(
            "bureaux.geojson",
            fixture_bytes("fr/bureaux.geojson"),
            "seed",
        ),
        Input::one(
            "counties.geojson",
            fixture_bytes("us/counties.geojson"),
            "seed",
        ),
        Input::one(
            "montreal-3.geojson",
            first_features("montreal-districts.geojson", 3),
            "seed",
        ),
    ]
}

fn geojson_crafted(seeds: &[Input]) -> Vec<(usize, Input)> {
    let name = "crafted.geojson";
    let one = |bytes: Vec<u8>, what: &str| (0, Input::one(name, bytes, what));
    let seed = seeds[0].bytes(&seeds[0].main).unwrap_or_default();
    let mut v = vec![
        one(Vec::new(), "empty"),
        one(b"{}".to_vec(), "an empty object"),
        one(b"[]".to_vec(), "an array"),
        one(b"null".to_vec(), "null"),
        one(b"{\"type\":\"FeatureCollection\"}".to_vec(), "no features"),
        one(feature_collection(""), "zero features"),
        one("[".repeat(1_000_000).into_bytes(), "deep: a million ["),
        one(
            "{\"a\":".repeat(200_000).into_bytes(),
            "deep: 200,000 objects",
        ),
        one(
            feature_collection(&square("1", f64::NAN, 45.0, 0.01)),
            "NaN coordinates",
        ),
        one(
            feature_collection(&polygon("1", "[[1e309,45],[-73,45],[-73,46],[1e309,45]]")),
            "1e309 coordinates",
        ),
        one(
            feature_collection(&square("1", 500.0, 45.0, 0.01)),
            "longitude 500",
        ),
        one(
            feature_collection(&polygon("1", "[[-73,45],[-72,45]]")),
            "a ring of two points",
        ),
        one(
            beside_seed(seed, &polygon("1", "[[-73,45],[-72,45],[-72,46],[-73,46]]")),
            "an open ring",
        ),
        one(
            feature_collection(&polygon("1", "[[-73,45],[-73,45],[-73,45],[-73,45]]")),
            "zero area",
        ),
        one(
            beside_seed(
                seed,
                &polygon("1", "[[-73,45],[-72,46],[-72,45],[-73,46],[-73,45]]"),
            ),
            "a bow tie",
        ),
        one(
            feature_collection(&format!(
                "{},{}",
                square("1", -73.0, 45.0, 0.01),
                square("1", -73.1, 45.0, 0.01)
            )),
            "a code twice",
        ),
        one(
            feature_collection(r#"{"type":"Feature","properties":{"code":"1"},"geometry":null}"#),
            "a null geometry",
        ),
        one(
            feature_collection(
                r#"{"type":"Feature","properties":{"code":"1"},"geometry":{"type":"Point","coordinates":[-73,45]}}"#,
            ),
            "points only",
        ),
        one(
            beside_seed(
                seed,
                &format!(
                    r#"{{"type":"Feature","properties":{{"code_bv":"{}"}},"geometry":{{"type":"Polygon","coordinates":[[[-73,45],[-72,45],[-72,46],[-73,45]]]}}}}"#,
                    "x".repeat(5_000_000)
                ),
            ),
            "a code of 5 MB",
        ),
    ];
    // A polygon of 500,000 points (a circle), then 20,000 small squares: big, valid.
    let mut ring = String::from("[");
    for k in 0..500_000 {
        let a = f64::from(k) / 500_000.0 * std::f64::consts::TAU;
        let _ = write!(
            ring,
            "[{},{}],",
            -73.6 + 0.1 * a.cos(),
            45.5 + 0.1 * a.sin()
        );
    }
    let _ = write!(ring, "[{},{}]]", -73.5, 45.5);
    v.push(one(
        beside_seed(seed, &polygon("1", &ring)),
        "500,000 points",
    ));
    let squares: Vec<String> = (0..20_000)
        .map(|k| {
            square(
                &k.to_string(),
                -74.0 + f64::from(k % 200) * 0.002,
                45.0 + f64::from(k / 200) * 0.002,
                0.001,
            )
        })
        .collect();
    v.push(one(
        beside_seed(seed, &squares.join(",")),
        "20,000 features",
    ));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            String::from_utf8_lossy(seed)
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    v.push(one(utf16, "UTF-16"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(seed);
    v.push(one(bom, "a BOM"));
    v.extend(
        specials(&seeds[0], &seeds[0].main)
            .into_iter()
            .map(|i| (0, i)),
    );
    v
}

/// The first `n` records of a fixture Shapefile, as a smaller Shapefile: the `.shp` records
/// (offsets from the `.shx`), the index, the `.dbf` records, the `.prj` as it is.
fn shapefile_subset(stem: &str, n: usize) -> Input {
    let shp = fixture_bytes(&format!("shapefiles/{stem}.shp"));
    let shx = fixture_bytes(&format!("shapefiles/{stem}.shx"));
    let dbf = fixture_bytes(&format!("shapefiles/{stem}.dbf"));
    let prj = fixture_bytes(&format!("shapefiles/{stem}.prj"));
    let be = |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"));
    let end = |k: usize| {
        let at = 100 + 8 * k;
        (be(&shx, at) as usize + 4 + be(&shx, at + 4) as usize) * 2
    };
    let shp_len = end(n - 1);
    let mut new_shp = shp[..shp_len].to_vec();
    new_shp[24..28].copy_from_slice(&((shp_len / 2) as u32).to_be_bytes());
    let index_len = 100 + 8 * n;
    let mut index = shx[..index_len].to_vec();
    index[24..28].copy_from_slice(&((index_len / 2) as u32).to_be_bytes());
    let header = u16::from_le_bytes([dbf[8], dbf[9]]) as usize;
    let record = u16::from_le_bytes([dbf[10], dbf[11]]) as usize;
    let mut new_dbf = dbf[..header + n * record].to_vec();
    new_dbf[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    new_dbf.push(0x1A);
    Input {
        files: vec![
            (format!("{stem}.shp"), Content::Bytes(new_shp)),
            (format!("{stem}.shx"), Content::Bytes(index)),
            (format!("{stem}.dbf"), Content::Bytes(new_dbf)),
            (format!("{stem}.prj"), Content::Bytes(prj)),
        ],
        main: format!("{stem}.shp"),
        what: "seed".to_owned(),
    }
}

/// The sidecar `ext` of `input`'s Shapefile (`"shx"`, `"dbf"`, `"prj"`).
fn sidecar(input: &Input, ext: &str) -> String {
    input.main.replace(".shp", &format!(".{ext}"))
}

fn shapefile_seeds() -> Vec<Input> {
    vec![
        shapefile_subset("montreal-mtm8", 3),
        shapefile_subset("king-county-nad83", 3),
        shapefile_subset("montreal-lambert93", 58),
    ]
}

fn shapefile_crafted(seeds: &[Input]) -> Vec<(usize, Input)> {
    let s = &seeds[0];
    let mut v = Vec::new();
    for ext in ["shp", "shx", "dbf", "prj"] {
        let name = if ext == "shp" {
            s.main.clone()
        } else {
            sidecar(s, ext)
        };
        v.extend(specials(s, &name).into_iter().map(|i| (0, i)));
        if ext != "shp" {
            v.push((0, s.with(&name, None, &format!("no .{ext}"))));
            // The other seed's sidecar: another file's counts, fields, system.
            let other = seeds[1].bytes(&sidecar(&seeds[1], ext)).unwrap_or_default();
            v.push((
                0,
                s.with(
                    &name,
                    Some(Content::Bytes(other.to_vec())),
                    &format!("another file's .{ext}"),
                ),
            ));
        }
    }
    let shp = s.bytes(&s.main).unwrap_or_default();
    v.push((
        0,
        s.with(
            &s.main,
            Some(Content::Bytes(shp[..100].to_vec())),
            "a header alone",
        ),
    ));
    let mut long = shp.to_vec();
    long[24..28].copy_from_slice(&0x7FFF_FFFF_u32.to_be_bytes());
    v.push((
        0,
        s.with(&s.main, Some(Content::Bytes(long)), "a length of 4 GB"),
    ));
    let mut many = shp.to_vec();
    // The first record's point count (after its header, type, box and part count).
    many[100 + 8 + 4 + 32 + 4..100 + 8 + 4 + 32 + 8]
        .copy_from_slice(&0x7FFF_FFFF_u32.to_le_bytes());
    v.push((
        0,
        s.with(&s.main, Some(Content::Bytes(many)), "2^31 points"),
    ));
    for (prj, what) in [
        (b"".to_vec(), "an empty .prj"),
        (b"PROJCS[\"nothing\"]".to_vec(), "an unknown .prj"),
        (b"GEOGCS[".repeat(100_000), "a deep .prj"),
        (vec![0xFF; 1000], "a binary .prj"),
    ] {
        v.push((
            0,
            s.with(&sidecar(s, "prj"), Some(Content::Bytes(prj)), what),
        ));
    }
    v
}

fn shapefile_mutate(seeds: &[Input], seed: usize, rng: &mut StdRng) -> Option<Input> {
    let s = &seeds[seed];
    let ext = ["shx", "dbf", "prj"][rng.random_range(0..3)];
    let name = sidecar(s, ext);
    if rng.random_bool(0.3) {
        return Some(s.with(&name, None, &format!("no .{ext}")));
    }
    let other = &seeds[(seed + rng.random_range(1..seeds.len())) % seeds.len()];
    let bytes = other.bytes(&sidecar(other, ext))?.to_vec();
    Some(s.with(
        &name,
        Some(Content::Bytes(bytes)),
        &format!("another file's .{ext}"),
    ))
}

/// `bytes` (a SQLite file) changed by `sql`.
fn sqlite_variant(bytes: &[u8], sql: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("v.gpkg");
    std::fs::write(&path, bytes).expect("written");
    {
        let conn = rusqlite::Connection::open(&path).expect("opens");
        // GDAL's R-tree triggers call its own SQL functions (ST_IsEmpty): set them aside.
        let triggers: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("triggers");
        for t in triggers {
            conn.execute_batch(&format!("DROP TRIGGER \"{t}\""))
                .expect("dropped");
        }
        // Other programs write what foreign keys would refuse.
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .expect("pragma");
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    std::fs::read(&path).expect("read")
}

fn geopackage_seeds() -> Vec<Input> {
    let full = fixture_bytes("montreal-mtm8.gpkg");
    let table = {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("t.gpkg");
        std::fs::write(&path, &full).expect("written");
        let conn = rusqlite::Connection::open(&path).expect("opens");
        conn.query_row(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'",
            [],
            |r| r.get::<_, String>(0),
        )
        .expect("a features table")
    };
    let small = sqlite_variant(
        &full,
        &format!("DELETE FROM \"{table}\" WHERE fid > 3; VACUUM;"),
    );
    vec![
        Input::one("montreal-3.gpkg", small, "seed"),
        Input::one("montreal-mtm8.gpkg", full, "seed"),
    ]
}

fn geopackage_crafted(seeds: &[Input]) -> Vec<(usize, Input)> {
    let s = &seeds[0];
    let bytes = s.bytes(&s.main).unwrap_or_default().to_vec();
    let variant = |sql: &str, what: &str| {
        (
            0,
            s.with(
                &s.main,
                Some(Content::Bytes(sqlite_variant(&bytes, sql))),
                what,
            ),
        )
    };
    let mut v = vec![
        variant(
            "UPDATE \"montreal-districts\" SET geom = randomblob(100)",
            "random blobs",
        ),
        variant(
            "UPDATE \"montreal-districts\" SET geom = zeroblob(8)",
            "zero blobs",
        ),
        variant(
            "UPDATE \"montreal-districts\" SET geom = X'4750'",
            "two-byte blobs",
        ),
        variant(
            "UPDATE \"montreal-districts\" SET geom = 'POINT(1 2)'",
            "text geometries",
        ),
        variant(
            "UPDATE \"montreal-districts\" SET geom = NULL",
            "null geometries",
        ),
        variant(
            "UPDATE gpkg_geometry_columns SET srs_id = 99999",
            "an unknown system",
        ),
        variant(
            "UPDATE gpkg_spatial_ref_sys SET definition = 'garbage', organization = 'x', \
             organization_coordsys_id = 0 WHERE srs_id = 2950",
            "a garbage system",
        ),
        variant("DELETE FROM gpkg_contents", "no contents"),
        variant(
            "UPDATE gpkg_contents SET table_name = 'missing'",
            "contents naming a missing table",
        ),
        variant(
            "CREATE TABLE other AS SELECT * FROM \"montreal-districts\"; \
             INSERT INTO gpkg_contents (table_name, data_type, srs_id) \
             VALUES ('other', 'features', 2950); \
             INSERT INTO gpkg_geometry_columns VALUES ('other', 'geom', 'POLYGON', 2950, 0, 0)",
            "two layers",
        ),
        variant("DROP TABLE gpkg_spatial_ref_sys", "no systems table"),
        variant("PRAGMA user_version = 99999999", "a strange version"),
    ];
    // A hot journal beside it: opening must not replay it into the user's file.
    let mut journal = vec![0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7];
    journal.extend(std::iter::repeat_n(0xAB, 4096));
    for (suffix, bytes, what) in [
        ("-journal", journal, "a hot journal beside it"),
        ("-wal", vec![0x37; 4096], "a WAL file beside it"),
    ] {
        let mut files = s.files.clone();
        files.push((format!("{}{suffix}", s.main), Content::Bytes(bytes)));
        v.push((
            0,
            Input {
                files,
                main: s.main.clone(),
                what: what.to_owned(),
            },
        ));
    }
    // A column name that is not UTF-8 (the schema's text patched in place).
    let mut latin = bytes.clone();
    if let Some(at) = latin.windows(10).position(|w| w == b"\"district\"") {
        latin[at + 6] = 0xFF;
    }
    v.push((
        0,
        s.with(
            &s.main,
            Some(Content::Bytes(latin)),
            "a column name not in UTF-8",
        ),
    ));
    let mut header = b"SQLite format 3\0".to_vec();
    header.extend(std::iter::repeat_n(0x55, 4080));
    v.push((
        0,
        Input::one("fake.gpkg", header, "a SQLite header then garbage"),
    ));
    v.push((0, Input::one("empty.gpkg", Vec::new(), "empty")));
    v.extend(specials(s, &s.main).into_iter().map(|i| (0, i)));
    v
}
