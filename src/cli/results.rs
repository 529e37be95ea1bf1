//! `results`: import an election's results (or several, split by a column) and print the
//! join report; warnings go to stderr so the report stays clean when piped.

use std::path::PathBuf;

use clap::Args;

use super::LayoutArg;
use crate::domain::date::Date;
use crate::io::csv_results::{ColumnMapping, Layout, ResultsImport, import_results};
use crate::store::{Campaign, ElectionMeta};

/// The options of `results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The campaign file.
    file: PathBuf,
    /// The results CSV.
    csv: PathBuf,
    /// The election's name.
    #[arg(long)]
    election: String,
    /// The election's date, YYYY-MM-DD.
    #[arg(long)]
    date: Option<Date>,
    /// The round (1 or 2).
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=2))]
    round: Option<i64>,
    /// The column holding precinct codes (guessed from the campaign's codes).
    #[arg(long)]
    key: Option<String>,
    /// The layout: wide (a column per list) or long (a row per list).
    #[arg(long, value_enum)]
    format: Option<LayoutArg>,
    /// The registered-voters column (inscrits).
    #[arg(long)]
    registered: Option<String>,
    /// The voters column (votants).
    #[arg(long)]
    voters: Option<String>,
    /// The valid-votes column (exprimés).
    #[arg(long)]
    valid: Option<String>,
    /// Wide layout: the list columns, comma-separated.
    #[arg(long, value_delimiter = ',')]
    lists: Option<Vec<String>>,
    /// Long layout: the list or candidate column.
    #[arg(long = "list-column")]
    list_column: Option<String>,
    /// Long layout: the votes column.
    #[arg(long = "votes-column")]
    votes_column: Option<String>,
    /// Store unreadable count cells ("n.d.", "NA") as missing values, counted in the report,
    /// instead of refusing the file.
    #[arg(long = "missing-as-empty")]
    missing_as_empty: bool,
    /// Import one election per value of this column (e.g. `year`), named "ELECTION VALUE".
    #[arg(long = "split-by")]
    split_by: Option<String>,
    /// Import only the rows where COLUMN holds VALUE (repeat for several conditions).
    #[arg(long = "where", value_name = "COLUMN=VALUE", value_parser = parse_condition)]
    filters: Vec<(String, String)>,
    /// A workbook's sheet to read (.xlsx, .xls, .ods; default: its first sheet).
    #[arg(long)]
    sheet: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `results`.
pub fn run(args: ResultsArgs) -> anyhow::Result<()> {
    let mut campaign = Campaign::open(&args.file)?;
    let mapping = ColumnMapping {
        layout: args.format.map(Layout::from),
        key: args.key,
        registered: args.registered,
        voters: args.voters,
        valid: args.valid,
        lists: args.lists,
        list_column: args.list_column,
        votes_column: args.votes_column,
        missing_as_empty: args.missing_as_empty,
        split_by: args.split_by,
        filters: args.filters,
        sheet: args.sheet,
    };
    let meta = ElectionMeta {
        name: args.election,
        date: args.date,
        round: args.round,
    };
    let report = import_results(&mut campaign, &args.csv, &meta, &mapping)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
        for w in &report.read.warnings {
            super::say!("warning: {w}");
        }
    }
    Ok(())
}

/// `COLUMN=VALUE` of `--where`.
fn parse_condition(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((c, v)) if !c.trim().is_empty() => Ok((c.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("{text:?}: write COLUMN=VALUE, e.g. mode=TOTAL")),
    }
}

/// Up to ten codes, then "…".
fn sample(codes: &[String]) -> String {
    let mut s: Vec<&str> = codes.iter().take(10).map(String::as_str).collect();
    if codes.len() > 10 {
        s.push("…");
    }
    s.join(", ")
}

fn print_report(report: &ResultsImport) {
    let r = &report.read;
    println!(
        "{} rows read ({}{}, {} layout{}{}{})",
        r.rows_read,
        r.encoding,
        // A workbook has cells, not a delimiter.
        if r.encoding.starts_with("a workbook") {
            String::new()
        } else {
            format!(", delimiter {:?}", r.delimiter)
        },
        match r.layout {
            Layout::Wide => "wide",
            Layout::Long => "long",
            Layout::Blocks => "ministry per-bureau (a block per candidate)",
        },
        if r.blank_lines > 0 {
            format!(", {} blank lines skipped", r.blank_lines)
        } else {
            String::new()
        },
        if r.title_lines > 0 {
            format!(", {} title lines above the header skipped", r.title_lines)
        } else {
            String::new()
        },
        if r.rows_filtered_out > 0 {
            format!(", {} rows left out by --where", r.rows_filtered_out)
        } else {
            String::new()
        }
    );
    println!(
        "columns: key {:?}; registered {}; voters {}; valid {}; {} {}",
        r.key,
        r.registered.as_deref().unwrap_or("(none)"),
        r.voters.as_deref().unwrap_or("(none)"),
        r.valid
            .as_deref()
            .unwrap_or("(none: the sum of the lists is used)"),
        match r.layout {
            Layout::Wide | Layout::Blocks => "lists:",
            Layout::Long => "list and votes columns:",
        },
        r.list_columns.join(", ")
    );
    if !r.ignored_columns.is_empty() {
        let mut named: Vec<String> = r
            .ignored_columns
            .iter()
            .map(|c| format!("{} ({})", c.name, c.reason))
            .collect();
        if r.ignored_count > named.len() {
            named.push(format!("… and {} more", r.ignored_count - named.len()));
        }
        println!("ignored columns: {}", named.join(", "));
    }
    if let Some(column) = &r.split_by {
        println!(
            "split by column {column:?} into {} elections",
            report.elections.len()
        );
    }
    for e in &report.elections {
        let j = &e.join;
        println!(
            "election {:?}{}: {} lists ({}); {} precincts matched{}; {} rows with no precinct; \
             {} precincts with no results",
            e.election.name,
            if e.written.replaced {
                " (replaced)"
            } else {
                ""
            },
            e.lists.len(),
            sample(&e.lists),
            j.matched,
            if j.matched_ignoring_zeros > 0 {
                format!(
                    " ({} ignoring leading zeros, case or a trailing .0)",
                    j.matched_ignoring_zeros
                )
            } else {
                String::new()
            },
            j.unmatched_rows.len(),
            j.precincts_without_results.len()
        );
        if !j.unmatched_rows.is_empty() {
            println!(
                "  rows with no precinct (kept): {}",
                sample(&j.unmatched_rows)
            );
        }
        if !j.precincts_without_results.is_empty() {
            println!(
                "  precincts with no results: {}",
                sample(&j.precincts_without_results)
            );
        }
    }
}
