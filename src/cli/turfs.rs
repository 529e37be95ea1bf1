//! `turf`: cut precincts into turfs, edit them, list them; the name lookups every command
//! shares.

use clap::Subcommand;

use super::MembershipArg;
use crate::domain::colour::Colour;
use crate::domain::selection::{PrecinctIndex, parse_lasso};
use crate::domain::turf::{Team, Turf};
use crate::store::Campaign;

/// Turf commands.
#[derive(Debug, Subcommand)]
pub enum TurfCommand {
    /// Make a turf of the precincts in a lasso, or of precincts named by code.
    Create {
        /// The turf's name.
        #[arg(long)]
        name: String,
        /// A lasso: "lon lat, lon lat, …" (3 points or more).
        #[arg(
            long,
            conflicts_with = "precincts",
            required_unless_present = "precincts",
            allow_hyphen_values = true
        )]
        lasso: Option<String>,
        /// Precinct codes, comma-separated.
        #[arg(long, value_delimiter = ',')]
        precincts: Option<Vec<String>>,
        /// How a precinct counts as inside the lasso.
        #[arg(long, value_enum, default_value = "representative")]
        membership: MembershipArg,
        /// Move precincts that are in another turf (else they are refused).
        #[arg(long = "move")]
        take: bool,
    },
    /// Add precincts to a turf (those in another turf are refused unless --move).
    Add {
        /// The turf's name.
        turf: String,
        /// Precinct codes, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        precincts: Vec<String>,
        /// Move precincts that are in another turf (else they are refused).
        #[arg(long = "move")]
        take: bool,
    },
    /// Take precincts out of a turf (a turf left empty is deleted).
    Remove {
        /// The turf's name.
        turf: String,
        /// Precinct codes, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        precincts: Vec<String>,
    },
    /// Merge a turf into another: its precincts and doors join INTO, and it is deleted.
    Merge {
        /// The turf that stays.
        into: String,
        /// The turf merged into it.
        from: String,
    },
    /// Cut precincts (all, or those named) into turfs of about TARGET doors.
    Autocut {
        /// Doors per turf.
        #[arg(long)]
        target: i64,
        /// Only these precincts (codes, comma-separated).
        #[arg(long, value_delimiter = ',')]
        within: Option<Vec<String>>,
        /// The new turfs' names start with this.
        #[arg(long, default_value = "Auto")]
        prefix: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Split a turf along a line: its precincts left of the line form a new turf.
    Split {
        /// The turf's name.
        turf: String,
        /// The line: "lon lat, lon lat, …".
        #[arg(long, allow_hyphen_values = true)]
        line: String,
        /// The new turf's name.
        #[arg(long)]
        name: String,
    },
    /// Rename and/or recolour a turf.
    Rename {
        /// The turf's name.
        turf: String,
        /// Its new name (the same to only recolour it).
        new_name: String,
        /// Its colour, `#rrggbb`.
        #[arg(long)]
        colour: Option<Colour>,
    },
    /// Delete a turf (it is tombstoned: merges with other copies of the file see it).
    Delete {
        /// The turf's name.
        turf: String,
    },
    /// List the turfs with their figures.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a turf's doors in walking order (rank, street, number, side, households), from
    /// its meeting point, along the campaign's streets when it has them.
    Walk {
        /// The turf's name.
        turf: String,
        /// How each street is walked.
        #[arg(long, value_enum, default_value_t = WalkModeArg::UpAndBack)]
        mode: WalkModeArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set where a turf's walk starts ("LON LAT"), or clear it (the walk then starts at the door
    /// nearest the turf's centre).
    MeetingPoint {
        /// The turf's name.
        turf: String,
        /// The point: "LON LAT" (or "LON,LAT"), longitude first; "-73.56 45.5" works as it is.
        #[arg(
            conflicts_with = "clear",
            required_unless_present = "clear",
            allow_hyphen_values = true
        )]
        at: Option<String>,
        /// Clear the meeting point.
        #[arg(long)]
        clear: bool,
    },
}

/// How a street is walked, on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WalkModeArg {
    /// Up one side and back down the other.
    UpAndBack,
    /// Both sides together, crossing back and forth.
    BothSides,
    /// Street by street in name order, numbers ascending (an address list).
    NumberOrder,
}

/// Whether a name given on the command line means a stored one: names are unique in any case
/// and without surrounding spaces, so they are looked up the same way.
fn same_name(stored: &str, given: &str) -> bool {
    crate::domain::name::name_key(stored) == crate::domain::name::name_key(given)
}

/// The names of the live turfs.
fn live_turf_names(campaign: &Campaign) -> anyhow::Result<Vec<String>> {
    Ok(campaign.turfs()?.into_iter().map(|t| t.name).collect())
}

/// Says which of the turfs `before` a move of precincts left empty, and so deleted (the store
/// deletes a turf left without members).
fn say_emptied(campaign: &Campaign, before: &[String]) -> anyhow::Result<()> {
    let after = live_turf_names(campaign)?;
    let gone: Vec<&str> = before
        .iter()
        .filter(|n| !after.contains(n))
        .map(String::as_str)
        .collect();
    if !gone.is_empty() {
        println!(
            "{} left without precincts and deleted: {}",
            if gone.len() == 1 {
                "1 turf was"
            } else {
                "turfs were"
            },
            gone.join(", ")
        );
    }
    Ok(())
}

/// The turf a name given on the command line means.
pub(super) fn find_turf(campaign: &Campaign, name: &str) -> anyhow::Result<Turf> {
    campaign
        .turfs()?
        .into_iter()
        .find(|t| same_name(&t.name, name))
        .ok_or_else(|| anyhow::anyhow!("no turf named {name:?} in {}", campaign.path().display()))
}

/// The team a name given on the command line means.
pub(super) fn find_team(campaign: &Campaign, name: &str) -> anyhow::Result<Team> {
    campaign
        .teams()?
        .into_iter()
        .find(|t| same_name(&t.name, name))
        .ok_or_else(|| anyhow::anyhow!("no team named {name:?} in {}", campaign.path().display()))
}

/// Runs a turf command.
pub(super) fn run(file: &std::path::Path, action: TurfCommand) -> anyhow::Result<()> {
    match action {
        TurfCommand::Create {
            name,
            lasso,
            precincts,
            membership,
            take,
        } => {
            let mut campaign = Campaign::open(file)?;
            let codes: Vec<String> = match (lasso, precincts) {
                (Some(text), _) => {
                    let lasso = parse_lasso(&text).map_err(|e| anyhow::anyhow!("--lasso: {e}"))?;
                    let stored = campaign.precincts()?;
                    let geometries: Vec<_> = stored.iter().map(|p| p.geometry.clone()).collect();
                    let index = PrecinctIndex::new(&geometries);
                    let chosen = index.select(&geometries, &lasso, membership.into());
                    if chosen.is_empty() {
                        anyhow::bail!("the lasso holds no precinct");
                    }
                    chosen.into_iter().map(|i| stored[i].code.clone()).collect()
                }
                (None, Some(codes)) => codes.into_iter().map(|c| c.trim().to_owned()).collect(),
                (None, None) => anyhow::bail!("give --lasso or --precincts"),
            };
            let before = live_turf_names(&campaign)?;
            let t = campaign.create_turf(&name, &codes, take)?;
            say_emptied(&campaign, &before)?;
            println!(
                "created turf {:?}: {} precincts, {} doors{}, {} registered, {:.1} km²",
                t.name,
                t.stats.precincts,
                t.stats.doors,
                if t.stats.doors_estimated {
                    " (estimated)"
                } else {
                    ""
                },
                t.stats.registered,
                t.stats.area_km2
            );
        }
        TurfCommand::Autocut {
            target,
            within,
            prefix,
            json,
        } => {
            if target < 3 {
                anyhow::bail!("--target must be at least 3 doors");
            }
            let mut campaign = Campaign::open(file)?;
            let report = campaign.autocut(target, within.as_deref(), &prefix)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if report.doors_only {
                println!(
                    "the campaign has no precinct outlines: cut its door points by position into \
                     {} compact turfs of {}–{} doors ({} doors in all)",
                    report.turfs, report.smallest, report.largest, report.doors
                );
            } else {
                println!(
                    "cut {} precincts into {} turfs of {}–{} doors ({} doors in all{}){}",
                    report.precincts,
                    report.turfs,
                    report.smallest,
                    report.largest,
                    report.doors,
                    if report.estimated {
                        format!(
                            ", estimated from registered voters at {} per household where no \
                             door points were imported",
                            report.voters_per_household
                        )
                    } else {
                        String::new()
                    },
                    if report.already_in_turfs.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; {} precincts already in turfs left as they are",
                            report.already_in_turfs.len()
                        )
                    }
                );
                if report.doors_outside > 0 {
                    println!(
                        "{} door points lie in no precinct and were not cut (make turfs of them \
                         with a lasso in the app, or import precincts that cover them)",
                        report.doors_outside
                    );
                }
            }
        }
        TurfCommand::Split { turf, line, name } => {
            let mut campaign = Campaign::open(file)?;
            let points = crate::domain::selection::parse_points(&line)
                .map_err(|e| anyhow::anyhow!("--line: {e}"))?;
            let uuid = find_turf(&campaign, &turf)?.uuid;
            campaign.split_turf(&uuid, &points, &name)?;
            println!("split {turf:?}: its precincts left of the line are now turf {name:?}");
        }
        TurfCommand::Rename {
            turf,
            new_name,
            colour,
        } => {
            let mut campaign = Campaign::open(file)?;
            let current = find_turf(&campaign, &turf)?;
            // A colour stored by an older version that cannot be read is dropped, not kept.
            let colour = colour.or_else(|| current.colour.and_then(|c| Colour::parse(&c).ok()));
            campaign.update_turf(&current.uuid, &new_name, colour)?;
            println!(
                "turf {:?} is now {:?}{}",
                current.name,
                new_name.trim(),
                colour.map(|c| format!(" ({c})")).unwrap_or_default()
            );
        }
        TurfCommand::Delete { turf } => {
            let mut campaign = Campaign::open(file)?;
            let uuid = find_turf(&campaign, &turf)?.uuid;
            campaign.delete_turf(&uuid)?;
            println!("deleted turf {turf:?}");
        }
        TurfCommand::Add {
            turf,
            precincts,
            take,
        } => {
            let mut campaign = Campaign::open(file)?;
            let target = find_turf(&campaign, &turf)?;
            let codes = codes_given(&precincts)?;
            let (already, codes): (Vec<String>, Vec<String>) = codes
                .into_iter()
                .partition(|c| target.precincts.contains(c));
            if !codes.is_empty() {
                // Precincts of another turf are refused by the store unless --move.
                let before = live_turf_names(&campaign)?;
                campaign.add_to_turf(&target.uuid, &codes, take)?;
                say_emptied(&campaign, &before)?;
            }
            println!(
                "added {} to turf {turf:?}{}",
                precincts_word(codes.len()),
                if already.is_empty() {
                    String::new()
                } else {
                    format!(" ({} in it already)", already.join(", "))
                }
            );
        }
        TurfCommand::Remove { turf, precincts } => {
            let mut campaign = Campaign::open(file)?;
            let target = find_turf(&campaign, &turf)?;
            let codes = codes_given(&precincts)?;
            let outside: Vec<&str> = codes
                .iter()
                .filter(|c| !target.precincts.contains(c))
                .map(String::as_str)
                .collect();
            if !outside.is_empty() {
                anyhow::bail!("not in turf {turf:?}: {}", outside.join(", "));
            }
            campaign.remove_from_turf(&target.uuid, &codes)?;
            println!("took {} out of turf {turf:?}", precincts_word(codes.len()));
        }
        TurfCommand::Merge { into, from } => {
            let mut campaign = Campaign::open(file)?;
            let (a, b) = (
                find_turf(&campaign, &into)?.uuid,
                find_turf(&campaign, &from)?.uuid,
            );
            if a == b {
                anyhow::bail!("a turf cannot be merged into itself");
            }
            campaign.merge_turfs(&a, &b)?;
            println!("merged turf {from:?} into {into:?}");
        }
        TurfCommand::Walk { turf, mode, json } => super::walk::walk(file, &turf, mode, json)?,
        TurfCommand::MeetingPoint { turf, at, clear } => {
            super::walk::meeting_point(file, &turf, at.as_deref(), clear)?;
        }
        TurfCommand::List { json } => {
            let campaign = Campaign::open_read_only(file)?;
            let turfs = campaign.turfs()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&turfs)?);
            } else if turfs.is_empty() {
                println!(
                    "no turfs yet: make them with `turf create`, `turf autocut`, or the app's \
                     lasso"
                );
            } else {
                for t in &turfs {
                    println!(
                        "{:<24} {:>4} precincts {:>7} doors{} {:>8} registered  team: {}  ({})  [{}]",
                        t.name,
                        t.stats.precincts,
                        t.stats.doors,
                        if t.stats.doors_estimated { "*" } else { " " },
                        t.stats.registered,
                        t.team.as_deref().unwrap_or("–"),
                        t.status,
                        t.precincts.join(", ")
                    );
                }
                if turfs.iter().any(|t| t.stats.doors_estimated) {
                    println!("* doors estimated from registered voters");
                }
            }
        }
    }
    Ok(())
}

/// The codes of `--precincts a,b,,c`: trimmed, empty ones dropped, each once.
fn codes_given(given: &[String]) -> anyhow::Result<Vec<String>> {
    let mut codes: Vec<String> = Vec::with_capacity(given.len());
    for c in given.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if !codes.iter().any(|k| k == c) {
            codes.push(c.to_owned());
        }
    }
    if codes.is_empty() {
        anyhow::bail!("--precincts names no precinct code");
    }
    Ok(codes)
}

/// "1 precinct", "3 precincts".
fn precincts_word(n: usize) -> String {
    if n == 1 {
        "1 precinct".to_owned()
    } else {
        format!("{n} precincts")
    }
}
