//! Walk sheets read back with poppler (`pdfinfo`, `pdffonts`, `pdftotext`; Debian:
//! poppler-utils, which the test command installs): codes on every page, doors in walk order,
//! French intact, fonts embedded as subsets.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::process::Command;

use common::{cli_err, cli_ok, eglise, s};

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|_| panic!("{tool} (poppler-utils) must be installed: run `bash .ci/run`"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_turf_s_sheet_holds_its_code_on_every_page_its_doors_in_walk_order_and_french_intact() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    let out = dir.path().join("feuilles");
    let said = cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "église",
        "--out",
        s(&out),
        "--lang",
        "fr",
    ]);
    let pdf = out.join("Église.pdf");
    assert!(
        said.contains("Église.pdf") && said.contains("(2 pages)"),
        "{said}"
    );
    let code = said.split_whitespace().last().unwrap().to_owned();
    assert!(code.starts_with("T001-"), "{said}");
    assert!(poppler("pdfinfo", &[s(&pdf)]).contains("Pages:           2"));
    // Both fonts embedded, as subsets.
    let fonts = poppler("pdffonts", &[s(&pdf)]);
    let embedded = fonts
        .lines()
        .filter(|l| l.contains("DejaVuSansCondensed") && l.contains("yes yes yes"))
        .count();
    assert_eq!(embedded, 2, "{fonts}");
    let text = poppler("pdftotext", &["-layout", s(&pdf), "-"]);
    for (k, page) in text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        assert!(page.contains(&code), "page {}: {page}", k + 1);
        assert!(
            page.contains(&format!("page {}/2", k + 1)),
            "page {}",
            k + 1
        );
    }
    for words in [
        "Rue de l’Église",
        "côté impair",
        "côté pair",
        "Équipe Cœur (3 militants)",
        "0101 École Jules-Ferry",
        "Municipales — Saint-Œuf",
        "12 portes",
    ] {
        assert!(text.contains(words), "{words:?} missing:\n{text}");
    }
    // The list: the odd side up, then the even side back (3 bis among them).
    let list = text.split('\u{c}').nth(1).unwrap();
    let numbers: Vec<String> = list
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let rank: usize = w.next()?.parse().ok()?;
            Some((
                rank,
                w.next()?.to_owned(),
                w.next().unwrap_or("").to_owned(),
            ))
        })
        .filter(|(rank, _, _)| *rank <= 12)
        .map(|(_, n, s)| if s == "bis" { format!("{n} {s}") } else { n })
        .collect();
    assert_eq!(
        numbers,
        [
            "1", "3 bis", "5", "7", "9", "11", "12", "10", "8", "6", "4", "2"
        ],
        "{list}"
    );
    // Printed again: a new code, the old one kept.
    let again = cli_ok(&[
        "sheets",
        s(&file),
        "--team",
        "ÉQUIPE CŒUR",
        "--out",
        s(&out),
    ]);
    assert!(
        again.contains("Équipe-Cœur.pdf") && again.contains("T002-"),
        "{again}"
    );
    assert!(!out.join("Équipe-Cœur.pdf.partial").exists());
}

#[test]
fn sheets_of_unknown_turfs_or_unwritable_folders_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    let err = cli_err(&[
        "sheets",
        s(&file),
        "--turf",
        "Nulle part",
        "--out",
        s(dir.path()),
    ]);
    assert!(err.contains("no turf named \"Nulle part\""), "{err}");
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"x").unwrap();
    let err = cli_err(&["sheets", s(&file), "--all", "--out", s(&blocked)]);
    assert!(err.contains("a-file"), "{err}");
    // Nothing was recorded for prints that made no file.
    let c = campaign_planner::store::Campaign::open_read_only(&file).unwrap();
    assert_eq!(c.read_table("prints").unwrap().rows.len(), 0);
}

#[test]
fn a_team_s_pdf_has_contents_and_bookmarks_and_a_big_building_is_one_row_with_tallies() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    // A second turf of the team: a building of 40 flats, alone in its own precinct.
    let area = dir.path().join("bureau2.geojson");
    std::fs::write(
        &area,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"0102","nom":"Gymnase"},"geometry":{"type":"Polygon","coordinates":[[[2.32,48.80],[2.34,48.80],[2.34,48.82],[2.32,48.82],[2.32,48.80]]]}}]}"#,
    )
    .unwrap();
    let building = dir.path().join("tour.csv");
    std::fs::write(
        &building,
        "lon;lat;numero;nom_voie;logements\n2.33;48.81;40;Avenue du Parc;40\n",
    )
    .unwrap();
    cli_ok(&["doors", s(&file), "import", s(&building)]);
    // Both precincts: the shapes file of the first, then of both, names kept.
    let both = dir.path().join("bureaux.geojson");
    let first = std::fs::read_to_string(dir.path().join("bureau.geojson")).unwrap();
    let second = std::fs::read_to_string(&area).unwrap();
    let features = |t: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(t).unwrap()["features"][0].clone()
    };
    std::fs::write(
        &both,
        serde_json::json!({"type": "FeatureCollection", "features": [features(&first), features(&second)]}).to_string(),
    )
    .unwrap();
    cli_ok(&["import", s(&file), s(&both), "--name-field", "nom"]);
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Tour",
        "--precincts",
        "0102",
    ]);
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe Cœur",
        "Tour",
        "--date",
        "2026-12-06",
    ]);
    let out = dir.path().join("out");
    let said = cli_ok(&[
        "sheets",
        s(&file),
        "--team",
        "Équipe Cœur",
        "--out",
        s(&out),
    ]);
    let pdf = out.join("Équipe-Cœur.pdf");
    assert!(
        said.contains("(5 pages)"),
        "contents, 2 pages of Église, 2 of Tour: {said}"
    );
    let text = poppler("pdftotext", &["-layout", s(&pdf), "-"]);
    let contents = text.split('\u{c}').next().unwrap();
    assert!(
        contents.contains("Contents") && contents.contains("Église") && contents.contains("Tour"),
        "{contents}"
    );
    // Église from page 2, in assignment order; Tour from page 4.
    assert!(
        contents.contains("page 2") && contents.contains("page 4"),
        "{contents}"
    );
    // The building of 40 households: one row, with tallies.
    let tower = text.lines().find(|l| l.contains("knocked ___")).unwrap();
    let cells: Vec<&str> = tower.split_whitespace().collect();
    assert_eq!(
        &cells[..3],
        &["1", "40", "40"],
        "rank, number, households: {tower}"
    );
    assert!(tower.contains("opened ___"), "{tower}");
    // Bookmarks: the document has an outline.
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.windows(9).any(|w| w == b"/Outlines"),
        "the PDF has an outline"
    );
}

#[test]
fn an_mbtiles_map_is_drawn_under_the_turf_with_its_attribution_and_a_coarse_one_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::montreal_campaign(dir.path());
    cli_ok(&[
        "turf",
        s(&file),
        "create",
        "--name",
        "Ouest",
        "--precincts",
        "101,102",
    ]);
    let out = dir.path().join("out");
    let tiles = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/basemap-world-z0-4-montreal-z5-6.mbtiles");
    let run = common::cli(&[
        "sheets",
        s(&file),
        "--turf",
        "Ouest",
        "--out",
        s(&out),
        "--mbtiles",
        s(&tiles),
    ]);
    assert!(run.status.success());
    let warned = String::from_utf8_lossy(&run.stderr);
    assert!(warned.contains("largest zoom is 6, below 15"), "{warned}");
    let pdf = out.join("Ouest.pdf");
    let images = poppler("pdfimages", &["-list", s(&pdf)]);
    assert!(images.lines().count() > 2, "a tile is drawn: {images}");
    let text = poppler("pdftotext", &[s(&pdf), "-"]);
    assert!(
        text.contains("OpenStreetMap"),
        "the tiles' attribution: {text}"
    );
    // Not an MBTiles file: refused by name.
    let err = cli_err(&[
        "sheets",
        s(&file),
        "--turf",
        "Ouest",
        "--out",
        s(&out),
        "--mbtiles",
        s(&file.with_file_name("nope.mbtiles")),
    ]);
    assert!(err.contains("nope.mbtiles"), "{err}");
}

#[test]
fn the_campaign_s_script_is_written_once_and_printed_on_every_later_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    let script = dir.path().join("script.txt");
    std::fs::write(
        &script,
        "Bonjour ! Nous passons pour la liste « Cœur de ville ».",
    )
    .unwrap();
    let out = dir.path().join("out");
    let said = cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "Église",
        "--out",
        s(&out),
        "--lang",
        "fr",
        "--script",
        s(&script),
    ]);
    assert!(said.contains("script is now"), "{said}");
    // Printed again without it: the campaign's script.
    cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "Église",
        "--out",
        s(&out),
        "--lang",
        "fr",
    ]);
    let text = poppler("pdftotext", &[s(&out.join("Église.pdf")), "-"]);
    assert!(
        text.contains("Bonjour !") && text.contains("« Cœur de ville »"),
        "{text}"
    );

    // Too long for its box: refused, the script kept.
    std::fs::write(&script, "mot ".repeat(200)).unwrap();
    let err = cli_err(&[
        "sheets",
        s(&file),
        "--turf",
        "Église",
        "--out",
        s(&out),
        "--script",
        s(&script),
    ]);
    assert!(err.contains("holds 600"), "{err}");
}

#[test]
fn the_whole_campaign_prints_in_one_pdf_and_every_team_in_one_pdf_each() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    cli_ok(&["team", s(&file), "create", "Équipe Sud"]);
    let out = dir.path().join("out");
    let all = cli_ok(&["sheets", s(&file), "--all", "--out", s(&out)]);
    assert!(
        all.contains("Municipales-Saint-Œuf.pdf") && all.contains("T001-"),
        "{all}"
    );
    let each = cli_ok(&["sheets", s(&file), "--teams", "--out", s(&out)]);
    // One PDF: the only team with turfs (a team without turfs prints nothing).
    assert!(
        each.contains("Équipe-Cœur.pdf") && !each.contains("Sud"),
        "{each}"
    );
    // Assigned on a second day: still printed once.
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe Cœur",
        "Église",
        "--date",
        "2026-12-07",
    ]);
    let again = cli_ok(&[
        "sheets",
        s(&file),
        "--team",
        "Équipe Cœur",
        "--out",
        s(&out),
    ]);
    assert!(
        again.contains("(2 pages)") && again.matches("Église T").count() == 1,
        "{again}"
    );
    let err = cli_err(&["sheets", s(&file), "--all", "--teams", "--out", s(&out)]);
    assert!(err.contains("cannot be used with"), "{err}");
}

/// The text each glyph of the PDF stands for, read from the fonts' `ToUnicode` maps (the
/// streams inflated here, so the check needs no PDF library): `(glyph, text)` pairs in hex.
fn to_unicode_pairs(pdf: &[u8]) -> Vec<(String, String)> {
    use std::io::Read as _;
    let mut pairs = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&pdf[at..], b"stream") {
        let mut start = at + found + b"stream".len();
        at = start;
        if pdf[start..].starts_with(b"\r\n") {
            start += 2;
        } else if pdf[start..].starts_with(b"\n") {
            start += 1;
        } else {
            continue; // "endstream", or the word inside a dictionary
        }
        let Some(len) = find(&pdf[start..], b"endstream") else {
            break;
        };
        let mut text = String::new();
        if flate2::read::ZlibDecoder::new(&pdf[start..start + len])
            .read_to_string(&mut text)
            .is_err()
            || !text.contains("beginbfchar")
        {
            continue;
        }
        for line in text.lines() {
            let hex: Vec<&str> = line
                .split(['<', '>'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if let [glyph, unicode] = hex[..] {
                pairs.push((glyph.to_owned(), unicode.to_uppercase()));
            }
        }
    }
    pairs
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn non_breaking_spaces_print_as_their_own_glyph_and_extract_as_u00a0_with_their_words_kept_together()
 {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    let script = dir.path().join("script.txt");
    // French typography: a no-break space before "!" and ":" and inside the quotes.
    std::fs::write(
        &script,
        "Bonjour\u{a0}! Votre avis compte\u{a0}: «\u{a0}Cœur\u{a0}de\u{a0}ville\u{a0}».",
    )
    .unwrap();
    let out = dir.path().join("out");
    cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "Église",
        "--out",
        s(&out),
        "--lang",
        "fr",
        "--script",
        s(&script),
    ]);
    let pdf = out.join("Église.pdf");
    // In the PDF: a glyph whose text is U+00A0 (not U+0020), so a reader copying the text gets
    // the no-break space back.
    let pairs = to_unicode_pairs(&std::fs::read(&pdf).unwrap());
    assert!(
        pairs.iter().any(|(_, u)| u == "00A0"),
        "no glyph extracts as U+00A0: {pairs:?}"
    );
    let space: Vec<_> = pairs.iter().filter(|(_, u)| u == "0020").collect();
    let nbsp: Vec<_> = pairs.iter().filter(|(_, u)| u == "00A0").collect();
    assert!(
        nbsp.iter().all(|(g, _)| space.iter().all(|(s, _)| s != g)),
        "the no-break space shares the plain space's glyph: {pairs:?}"
    );
    // pdftotext writes U+00A0 as a space, but the words it joins stay on one line.
    let text = poppler("pdftotext", &[s(&pdf), "-"]);
    assert!(
        text.contains("Bonjour !") && text.contains("« Cœur de ville »"),
        "{text}"
    );
}

#[test]
fn a_revisit_s_sheet_leaves_out_doors_never_to_knock_again_and_says_what_happened_last_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = eglise(dir.path());
    let out = dir.path().join("out");
    let said = cli_ok(&["sheets", s(&file), "--turf", "Église", "--out", s(&out)]);
    let code = said.split_whitespace().last().unwrap().to_owned();
    // Row 1: do not knock; row 2: refused.
    cli_ok(&["report", s(&file), "enter", &code, "--codes", "XR"]);
    cli_ok(&["sheets", s(&file), "--turf", "Église", "--out", s(&out)]);
    let text = poppler("pdftotext", &["-layout", s(&out.join("Église.pdf")), "-"]);
    assert!(text.contains("11 doors"), "{text}");
    assert!(
        text.contains("Doors left out (their last visit said do not knock): 1"),
        "{text}"
    );
    assert!(text.contains("last: R"), "{text}");
    assert!(!text.contains("last: X"), "{text}");
}
