//! Ministry results benchmark (issue 15): a whole-France per-bureau file in the ministry's
//! layout (70,000 bureaux across 100 departments, 12 candidates each, ~100 MB, Latin-1),
//! generated in code, then read filtered to one department (`--where "Code du
//! département=75"`) as the import reads it: streaming, the filter applied row by row.
//! Reports the file's size, the time, the rows kept and the process's peak memory.
//!
//! `cargo bench --bench ministry`. Target: under 20 s, memory bounded (not the file's size
//! several times over).
#![allow(clippy::unwrap_used)] // A benchmark fails loudly by design.

mod common;
use common::peak_mb;

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use campaign_planner::io::csv_results::{ColumnMapping, read_results};

const BUREAUX: usize = 70_000;
const DEPARTMENTS: usize = 100;
const CANDIDATES: usize = 12;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resultats-par-bureau-france.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut header = String::from(
        "Code du département;Libellé du département;Code de la circonscription;Libellé de la circonscription;\
         Code de la commune;Libellé de la commune;Code du b.vote;Inscrits;Abstentions;% Abs/Ins;Votants;\
         % Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot;\
         N°Panneau;Sexe;Nom;Prénom;Voix;% Voix/Ins;% Voix/Exp",
    );
    header.push_str("\r\n");
    out.write_all(&encoding_rs::WINDOWS_1252.encode(&header).0)
        .unwrap();
    let mut kept_expected = 0;
    let mut codes = Vec::new();
    for b in 0..BUREAUX {
        let dep = 1 + b % DEPARTMENTS;
        let commune = 1 + (b / DEPARTMENTS) % 400;
        let bureau = 1 + b / (DEPARTMENTS * 400);
        let ins = 800 + (b * 7) % 900;
        let mut votes = Vec::with_capacity(CANDIDATES);
        for c in 0..CANDIDATES {
            votes.push(5 + (b * 13 + c * 31) % 60);
        }
        let exp: usize = votes.iter().sum();
        let vot = exp + 15;
        let mut row = format!(
            "{dep:02};Département numéro {dep} de la République;01;1ère circonscription du département;{commune:03};Commune de la vallée et des collines numéro {commune};{bureau:04};\
             {ins};{};12,34;{vot};56,78;10;1,00;1,25;5;0,50;0,63;{exp};78,50;98,13",
            ins - vot
        );
        for (c, v) in votes.iter().enumerate() {
            let _ = write!(
                row,
                ";{};{};CANDIDATE-NOMDEFAMILLE{c};Prénom-Composé{c};{v};12,34;45,67",
                c + 1,
                if c % 2 == 0 { "M" } else { "F" }
            );
        }
        row.push_str("\r\n");
        out.write_all(&encoding_rs::WINDOWS_1252.encode(&row).0)
            .unwrap();
        if dep == 75 {
            kept_expected += 1;
            codes.push(format!("75{commune:03}_{bureau:04}"));
        }
    }
    drop(out);
    let size = std::fs::metadata(&path).unwrap().len();
    let mapping = ColumnMapping {
        filters: vec![("Code du département".to_owned(), "75".to_owned())],
        ..ColumnMapping::default()
    };
    let before = peak_mb();
    let t = Instant::now();
    let table = read_results(&path, &mapping, &codes).unwrap();
    let took = t.elapsed();
    let rows = table.elections[0].rows.len();
    assert_eq!(rows, kept_expected);
    println!(
        "a whole-France per-bureau file ({BUREAUX} bureaux × {CANDIDATES} candidates, {:.0} MB) \
         read filtered to one department: {:.2} s, {rows} bureaux kept, {} lists (target < 20 s); \
         peak memory {:.0} MB (before reading: {before:.0} MB)",
        size as f64 / 1e6,
        took.as_secs_f64(),
        table.elections[0].lists.len(),
        peak_mb()
    );
}
