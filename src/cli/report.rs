//! `report`: field reports typed from the command line (a sheet's door codes by its print code,
//! a session's totals, the campaign's field settings) and `progress`: where the campaign stands.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use super::turfs::{find_team, find_turf};
use crate::domain::date::Date;
use crate::domain::field::progress::{By, ProgressSettings, progress};
use crate::domain::field::{Outcome, RowEntry, SessionReport, TimeOfDay, parse_codes};
use crate::domain::numbers::{Lang, percent};
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

    fn report(&self, date: Date, counted: (u32, u32)) -> anyhow::Result<SessionReport> {
        let time = |t: &Option<String>| -> anyhow::Result<Option<TimeOfDay>> {
            t.as_deref()
                .map(TimeOfDay::parse)
                .transpose()
                .map_err(anyhow::Error::from)
        };
        Ok(SessionReport {
            date,
            start: time(&self.start)?,
            end: time(&self.end)?,
            canvassers: self.canvassers,
            knocked: self.knocked.unwrap_or(counted.0),
            opened: self.opened.unwrap_or(counted.1),
            quality: self.quality,
            opponent_seen: self.opponent,
            notes: self.notes.clone(),
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
            let mut rows = campaign.sheet_state(&found.uuid)?.rows;
            let typed = match (&codes, &csv) {
                (Some(c), _) => parse_codes(c)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| (i + 1, o, None))
                    .collect(),
                (None, Some(path)) => read_csv(path)?,
                (None, None) => {
                    anyhow::bail!("give the codes with --codes \"AAOR…\" or --csv FILE")
                }
            };
            for (rank, outcome, note) in typed {
                let Some(row) = rows.get_mut(rank.wrapping_sub(1)) else {
                    anyhow::bail!(
                        "row {rank}: the sheet {} has {} rows",
                        found.code,
                        printed.len()
                    );
                };
                row.outcome = outcome.map(Outcome::letter);
                if let Some(n) = note {
                    row.note = n;
                }
            }
            let date = date.unwrap_or(today);
            let counted = count(&rows);
            let report = session
                .given()
                .then(|| session.report(date, counted))
                .transpose()?;
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
        }
        ReportCommand::Session {
            date,
            turf,
            team,
            print,
            uuid,
            session,
        } => {
            let print = match print {
                Some(code) => Some(campaign.print_by_code(&code)?.ok_or_else(|| {
                    anyhow::anyhow!("no walk sheet with the code {code:?} in {}", file.display())
                })?),
                None => None,
            };
            let turf = match (&turf, &print) {
                (Some(name), _) => Some(find_turf(&campaign, name)?.uuid.to_string()),
                (None, Some(p)) => Some(p.turf_uuid.clone()),
                (None, None) => None,
            };
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
            let report = session.report(date, (0, 0))?;
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
            println!(
                "{} session {uuid} of {date}",
                if new { "recorded" } else { "updated" }
            );
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

type CsvRow = (usize, Option<Outcome>, Option<String>);

/// `rank,code[,note]` rows; a first line that is not a rank is a header.
fn read_csv(path: &Path) -> anyhow::Result<Vec<CsvRow>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{} could not be read: {e}", path.display()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.splitn(3, [',', ';']).map(str::trim).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let Ok(rank) = cells[0].parse::<usize>() else {
            if i == 0 {
                continue;
            }
            anyhow::bail!(
                "{} line {}: {:?} is not a row number",
                path.display(),
                i + 1,
                cells[0]
            );
        };
        let code = cells.get(1).copied().unwrap_or("");
        let outcome = match code {
            "" | "." | "-" => None,
            c => {
                let mut chars = c.chars();
                match (chars.next().and_then(Outcome::from_letter), chars.next()) {
                    (Some(o), None) => Some(o),
                    _ => anyhow::bail!(
                        "{} line {}: {code:?} is not a door code: use A, O, R, P, I, D or X",
                        path.display(),
                        i + 1
                    ),
                }
            }
        };
        rows.push((rank, outcome, cells.get(2).map(|n| (*n).to_owned())));
    }
    Ok(rows)
}

/// `progress`: where the campaign stands, with a breakdown.
pub(super) fn progress_command(
    file: &Path,
    by: ByArg,
    json: bool,
    stale_days: i64,
    lang: Lang,
) -> anyhow::Result<()> {
    let campaign = Campaign::open_read_only(file)?;
    let today = Date::today();
    let facts = campaign.field_facts()?;
    let settings = ProgressSettings {
        today,
        election: campaign.campaign_days(today).election,
        stale_days,
        priority_top: 2,
    };
    let p = progress(&facts, &settings, by.into());
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(());
    }
    let pc = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| percent(x, lang));
    let n = |x: f64| crate::domain::numbers::number(x, 0, lang);
    println!(
        "coverage {} ({} of {} doors in assigned turfs knocked)",
        pc(p.coverage),
        n(p.knocked),
        p.doors_assigned
    );
    println!(
        "priority coverage {} (the top two classes)",
        pc(p.priority_coverage)
    );
    println!(
        "contact rate {} ({} opened)",
        pc(p.contact_rate),
        n(p.opened)
    );
    match p.doors_per_canvasser_hour {
        Some(r) => println!(
            "doors per canvasser-hour {} ({} canvasser-hours)",
            crate::domain::numbers::number(r, 1, lang),
            crate::domain::numbers::number(p.canvasser_hours, 1, lang)
        ),
        None => println!("doors per canvasser-hour – (no session gives its times)"),
    }
    match &p.pace {
        Some(pace) => println!(
            "pace: {} doors left in {} days: {} a day needed, {} a day over the last 7 days",
            n(pace.to_knock),
            pace.days_left,
            pace.needed_per_day.map_or_else(|| "–".to_owned(), n),
            crate::domain::numbers::number(pace.last_7_days_per_day, 1, lang)
        ),
        None => {
            println!("pace: – (set election day: report FILE settings --election-day YYYY-MM-DD)");
        }
    }
    println!(
        "sessions {}; quality {}; opponent seen in {} precincts",
        p.sessions,
        p.quality.map_or_else(
            || "–".to_owned(),
            |q| crate::domain::numbers::number(q, 1, lang)
        ),
        p.opponent_by_precinct.len()
    );
    for s in &p.stale {
        let team = s
            .team
            .as_ref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        match (s.last_report, s.days) {
            (Some(_), Some(d)) => println!("no report for {d} days: {}{team}", s.turf),
            (None, Some(d)) => println!(
                "no report since it was assigned {d} days ago: {}{team}",
                s.turf
            ),
            _ => println!("no report yet: {}{team}", s.turf),
        }
    }
    println!();
    println!(
        "{:?}\tdoors\tknocked\topened\tcoverage\tcontact\tsessions",
        p.by
    );
    for r in &p.rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.key,
            r.doors,
            n(r.knocked),
            n(r.opened),
            pc(r.coverage),
            pc(r.contact_rate),
            r.sessions
        );
    }
    Ok(())
}
