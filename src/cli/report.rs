//! `report`: field reports typed from the command line (a sheet's door codes by its print code,
//! a session's totals, the campaign's field settings) and `progress`: where the campaign stands.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use super::turfs::{find_team, find_turf};
use crate::domain::date::Date;
use crate::domain::field::progress::By;
use crate::domain::field::{Outcome, RowEntry, SessionReport, TimeOfDay, parse_codes};
use crate::store::{Campaign, NewSession};

/// Report commands.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Enter a printed walk sheet's door codes, found by the code printed on it.
    Enter {
        /// The sheet's code (e.g. T012-7HK; any case, 0 for O and 1 for I accepted).
        print: String,
        /// One code per printed row, in the printed order: A absent, O talked, R refused,
        /// P come back, I inaccessible, D moved/vacant, X do not knock; "." leaves a row blank.
        #[arg(long, conflicts_with = "csv")]
        codes: Option<String>,
        /// A CSV file of `rank,code[,note]` rows (a header line is allowed).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// The day the sheet was walked (default: today).
        #[arg(long)]
        date: Option<Date>,
        /// The session's header, recorded with the sheet when any of it is given.
        #[command(flatten)]
        session: SessionArgs,
    },
    /// Record a session's totals (for teams that bring back counts only).
    Session {
        /// The day.
        #[arg(long)]
        date: Date,
        /// The turf walked.
        #[arg(long)]
        turf: Option<String>,
        /// The team (default: the turf's).
        #[arg(long)]
        team: Option<String>,
        /// The sheet's code, when the session walked a printed sheet.
        #[arg(long)]
        print: Option<String>,
        /// The session's uuid: a session recorded again with the same uuid is updated, not
        /// doubled.
        #[arg(long)]
        uuid: Option<String>,
        /// Its figures.
        #[command(flatten)]
        session: SessionArgs,
    },
    /// List the sessions (newest first), with the counted totals beside the typed ones.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The campaign's field settings: its start, election day (for the pace), support levels.
    Settings {
        /// The first day field work may be dated.
        #[arg(long)]
        start: Option<Date>,
        /// Election day.
        #[arg(long)]
        election_day: Option<Date>,
        /// Record support levels (1–5) on door visits.
        #[arg(long, value_enum)]
        support: Option<OnOff>,
    },
}

/// On or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

/// A session's figures and header.
#[derive(Debug, Args, Default)]
pub struct SessionArgs {
    /// Doors knocked (for a sheet: default the codes A, O, R, P counted).
    #[arg(long)]
    knocked: Option<u32>,
    /// Doors opened (for a sheet: default the codes O, R, P counted).
    #[arg(long)]
    opened: Option<u32>,
    /// Quality of the exchange, 1–5.
    #[arg(long)]
    quality: Option<u8>,
    /// The opponent's canvassers were seen.
    #[arg(long)]
    opponent: bool,
    /// Start time (17:30).
    #[arg(long)]
    start: Option<String>,
    /// End time.
    #[arg(long)]
    end: Option<String>,
    /// How many canvassers went.
    #[arg(long)]
    canvassers: Option<u32>,
    /// Notes.
    #[arg(long, default_value = "")]
    notes: String,
}

impl SessionArgs {
    fn given(&self) -> bool {
        self.knocked.is_some()
            || self.opened.is_some()
            || self.quality.is_some()
            || self.opponent
            || self.start.is_some()
            || self.end.is_some()
            || self.canvassers.is_some()
            || !self.notes.is_empty()
    }

    /// The session these options give, over `before` (what was recorded): an option not
    /// given keeps its value; counts never given follow the codes (`counted`).
    fn report(
        &self,
        date: Date,
        counted: (u32, u32),
        before: Option<&SessionReport>,
    ) -> anyhow::Result<SessionReport> {
        let time = |t: &Option<String>, option: &str| -> anyhow::Result<Option<TimeOfDay>> {
            t.as_deref()
                .map(TimeOfDay::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("{option}: {e}; nothing was changed"))
        };
        let start = time(&self.start, "--start")?.or(before.and_then(|b| b.start));
        let end = time(&self.end, "--end")?.or(before.and_then(|b| b.end));
        Ok(SessionReport {
            date,
            start,
            end,
            canvassers: self.canvassers.or(before.and_then(|b| b.canvassers)),
            knocked: self.knocked.unwrap_or(counted.0),
            opened: self.opened.unwrap_or(counted.1),
            quality: self.quality.or(before.and_then(|b| b.quality)),
            opponent_seen: self.opponent || before.is_some_and(|b| b.opponent_seen),
            notes: if self.notes.is_empty() {
                before.map(|b| b.notes.clone()).unwrap_or_default()
            } else {
                self.notes.clone()
            },
        })
    }
}

/// What a breakdown of `progress` is by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// Teams.
    Team,
    /// Turfs.
    Turf,
    /// Precincts.
    Precinct,
    /// Days.
    Day,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> Self {
        match b {
            ByArg::Team => Self::Team,
            ByArg::Turf => Self::Turf,
            ByArg::Precinct => Self::Precinct,
            ByArg::Day => Self::Day,
        }
    }
}

/// Runs a report command.
pub(super) fn run(file: &Path, action: ReportCommand) -> anyhow::Result<()> {
    let mut campaign = Campaign::open(file)?;
    let today = Date::today();
    match action {
        ReportCommand::Enter {
            print,
            codes,
            csv,
            date,
            session,
        } => {
            let found = campaign.print_by_code(&print)?.ok_or_else(|| {
                anyhow::anyhow!(
                    "no walk sheet with the code {print:?} in {} (the code is printed at the foot of every page, e.g. T012-7HK)",
                    file.display()
                )
            })?;
            let printed = campaign.print_rows(&found.uuid)?;
            let state = campaign.sheet_state(&found.uuid)?;
            let counted_before = count(&state.rows);
            let before = state.session.as_ref().map(|s| s.report.clone());
            let mut rows = state.rows;
            let typed: Vec<CsvRow> = match (&codes, &csv) {
                (Some(c), _) => parse_codes_with_leaflets(c)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, (o, leaflet))| (i + 1, o, leaflet, None))
                    .collect(),
                (None, Some(path)) => read_csv(path)?,
                (None, None) => {
                    anyhow::bail!("give the codes with --codes \"AAOR…\" or --csv FILE")
                }
            };
            if typed.is_empty() {
                anyhow::bail!("no code given: one code per printed row, e.g. --codes \"AAOR\"");
            }
            let given = typed.len();
            for (rank, outcome, leaflet, note) in typed {
                let Some(row) = rows.get_mut(rank.wrapping_sub(1)) else {
                    anyhow::bail!(
                        "row {rank}: the sheet {} has {} rows; nothing was changed",
                        found.code,
                        printed.len()
                    );
                };
                row.outcome = outcome.map(Outcome::letter);
                row.leaflet = leaflet;
                if let Some(n) = note {
                    row.note = n;
                }
            }
            let date = date.unwrap_or(today);
            let counted = count(&rows);
            // Counts that were never typed (they matched the codes) follow the codes.
            let before = before.map(|mut b| {
                if (b.knocked, b.opened) == counted_before {
                    (b.knocked, b.opened) = counted;
                }
                b
            });
            // A sheet typed is an outing: it always has its session (its counts the codes',
            // unless the paper's box says otherwise).
            let report = if session.given() {
                Some(session.report(date, counted, before.as_ref())?)
            } else {
                Some(match before {
                    Some(b) => SessionReport { date, ..b },
                    None => session.report(date, counted, None)?,
                })
            };
            let written = campaign.enter_sheet(&found.uuid, date, &rows, report.as_ref(), today)?;
            println!(
                "entered sheet {} ({}{}) dated {date}: {} new, {} updated, {} unchanged, {} cleared; {} knocked, {} opened of {} rows",
                found.code,
                found.turf,
                found.team.map(|t| format!(", {t}")).unwrap_or_default(),
                written.new,
                written.updated,
                written.unchanged,
                written.cleared,
                counted.0,
                counted.1,
                printed.len()
            );
            if given < printed.len() && codes.is_some() {
                println!(
                    "{given} of the {} rows given; rows {}–{} kept their codes (the whole sheet is dated {date})",
                    printed.len(),
                    given + 1,
                    printed.len()
                );
            }
            if let Some(r) = &report
                && (r.knocked, r.opened) != counted
            {
                println!(
                    "the session's box says {} knocked, {} opened; the rows, {} and {}",
                    r.knocked, r.opened, counted.0, counted.1
                );
            }
        }
        ReportCommand::Session {
            date,
            turf,
            team,
            print,
            uuid,
            session,
        } => {
            if let Some(u) = &uuid
                && uuid::Uuid::parse_str(u).is_err()
            {
                anyhow::bail!(
                    "--uuid {u:?} is not a UUID (e.g. 5b0e4a3c-1d2e-4f60-8a7b-9c0d1e2f3a4b)"
                );
            }
            let print = match print {
                Some(code) => Some(campaign.print_by_code(&code)?.ok_or_else(|| {
                    anyhow::anyhow!("no walk sheet with the code {code:?} in {}", file.display())
                })?),
                None => None,
            };
            let turf = match (&turf, &print) {
                (Some(name), Some(p)) => {
                    let t = find_turf(&campaign, name)?;
                    if t.uuid.as_str() != p.turf_uuid {
                        anyhow::bail!(
                            "the sheet {} is of the turf {:?}, not {:?}; nothing was changed",
                            p.code,
                            p.turf,
                            t.name
                        );
                    }
                    t.uuid.to_string()
                }
                (Some(name), None) => find_turf(&campaign, name)?.uuid.to_string(),
                (None, Some(p)) => p.turf_uuid.clone(),
                (None, None) => {
                    anyhow::bail!("which turf did the session walk? give --turf (or --print)")
                }
            };
            let turf = Some(turf);
            let team = match &team {
                Some(name) => Some(find_team(&campaign, name)?.uuid.to_string()),
                None => match &turf {
                    Some(t) => campaign
                        .turf_assignment(&crate::domain::turf::TurfId(t.clone()))?
                        .0
                        .map(|a| a.to_string()),
                    None => None,
                },
            };
            if session.knocked.is_none() {
                anyhow::bail!("give the doors knocked with --knocked (and --opened)");
            }
            let report = session.report(date, (0, 0), None)?;
            let before = match &uuid {
                Some(u) => campaign.sessions()?.into_iter().find(|s| &s.uuid == u),
                None => None,
            };
            let (uuid, new) = campaign.record_session(
                &NewSession {
                    uuid,
                    turf,
                    team,
                    print: print.map(|p| p.uuid),
                    report,
                },
                today,
            )?;
            let after = campaign.sessions()?.into_iter().find(|s| s.uuid == uuid);
            let about = |s: &crate::store::StoredSession| {
                format!(
                    "{} of {}{}: {} knocked, {} opened",
                    s.report.date,
                    s.turf.clone().unwrap_or_default(),
                    s.team
                        .as_ref()
                        .map(|t| format!(" ({t})"))
                        .unwrap_or_default(),
                    s.report.knocked,
                    s.report.opened
                )
            };
            println!(
                "{} session {uuid}: {}",
                if new { "recorded" } else { "updated" },
                after.as_ref().map(about).unwrap_or_default()
            );
            if let Some(b) = before
                && after.as_ref().is_some_and(|a| about(a) != about(&b))
            {
                println!("it was: {}", about(&b));
            }
        }
        ReportCommand::List { json } => {
            let sessions = campaign.sessions()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&sessions)?);
                return Ok(());
            }
            println!("date\tturf\tteam\tsheet\tknocked\topened\tquality\topponent\tcounted");
            for s in sessions {
                let r = &s.report;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.date,
                    s.turf.clone().unwrap_or_default(),
                    s.team.clone().unwrap_or_default(),
                    s.print.clone().unwrap_or_default(),
                    r.knocked,
                    r.opened,
                    r.quality.map(|q| q.to_string()).unwrap_or_default(),
                    if r.opponent_seen { "yes" } else { "no" },
                    match s.counted {
                        Some((k, o)) if s.totals_disagree() => {
                            format!("{k} knocked, {o} opened: differs by more than 10 %")
                        }
                        Some((k, o)) => format!("{k} knocked, {o} opened"),
                        None => String::new(),
                    }
                );
            }
        }
        ReportCommand::Settings {
            start,
            election_day,
            support,
        } => {
            let days = campaign.campaign_days(today);
            if start.is_some() || election_day.is_some() {
                campaign.set_campaign_days(start.or(days.start), election_day.or(days.election))?;
            }
            if let Some(s) = support {
                campaign.set_records_support(s == OnOff::On)?;
            }
            let days = campaign.campaign_days(today);
            let or_unset =
                |d: Option<Date>| d.map_or_else(|| "not set".to_owned(), |d| d.to_string());
            println!(
                "campaign start: {}\nelection day: {}\nsupport levels: {}",
                or_unset(days.start),
                or_unset(days.election),
                if campaign.records_support() {
                    "recorded"
                } else {
                    "not recorded"
                }
            );
        }
    }
    Ok(())
}

fn count(rows: &[RowEntry]) -> (u32, u32) {
    let codes = rows
        .iter()
        .filter_map(|r| r.outcome.and_then(Outcome::from_letter));
    codes.fold((0, 0), |(k, o), c| {
        (k + u32::from(c.knocked()), o + u32::from(c.opened()))
    })
}

/// A row typed: its rank, code, leaflet and note.
type CsvRow = (usize, Option<Outcome>, bool, Option<String>);

/// Reads `--codes`: one code per row, an `L` right after a code marks a leaflet left there.
fn parse_codes_with_leaflets(text: &str) -> anyhow::Result<Vec<(Option<Outcome>, bool)>> {
    let mut rows: Vec<(Option<Outcome>, bool)> = Vec::new();
    for (i, c) in text.chars().filter(|c| !c.is_whitespace()).enumerate() {
        if c.eq_ignore_ascii_case(&'l') {
            match rows.last_mut() {
                Some(last) if !last.1 => last.1 = true,
                _ => anyhow::bail!(
                    "character {}: L (a leaflet) comes right after its row's code, e.g. \"AL\"",
                    i + 1
                ),
            }
            continue;
        }
        let code = parse_codes(&c.to_string()).map_err(|_| {
            anyhow::anyhow!(
                "{c:?} (row {}) is not a door code: use A, O, R, P, I, D or X (L after a code for a leaflet); nothing was changed",
                rows.len() + 1
            )
        })?;
        rows.push((code.first().copied().flatten(), false));
    }
    Ok(rows)
}

/// `rank,code[,note]` rows (a code may carry an `L` for a leaflet); a first line that is not a
/// rank is a header. Every bad line is said, up to ten, and nothing is entered.
fn read_csv(path: &Path) -> anyhow::Result<Vec<CsvRow>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{} could not be read: {e}", path.display()))?;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let cells: Vec<&str> = line.splitn(3, [',', ';']).map(str::trim).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let Ok(rank) = cells[0].parse::<usize>() else {
            if i > 0 {
                problems.push(format!(
                    "line {}: {:?} is not a row number",
                    i + 1,
                    cells[0]
                ));
            }
            continue;
        };
        if let Some(first) = seen.insert(rank, i + 1) {
            problems.push(format!(
                "line {}: row {rank} was already given on line {first}",
                i + 1
            ));
            continue;
        }
        let code = cells.get(1).copied().unwrap_or("");
        let (letter, leaflet) = match code.strip_suffix(['L', 'l']) {
            Some(rest) if !rest.is_empty() => (rest, true),
            _ => (code, false),
        };
        let outcome = match letter {
            "" | "." | "-" => None,
            c => {
                let mut chars = c.chars();
                if let (Some(o), None) = (chars.next().and_then(Outcome::from_letter), chars.next())
                {
                    Some(o)
                } else {
                    problems.push(format!(
                        "line {}: {code:?} is not a door code: use A, O, R, P, I, D or X",
                        i + 1
                    ));
                    continue;
                }
            }
        };
        rows.push((
            rank,
            outcome,
            leaflet,
            cells.get(2).map(|n| (*n).to_owned()),
        ));
    }
    if !problems.is_empty() {
        let more = problems.len().saturating_sub(10);
        problems.truncate(10);
        anyhow::bail!(
            "{}: {}{}; nothing was entered",
            path.display(),
            problems.join("; "),
            if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            }
        );
    }
    Ok(rows)
}
