//! `team`: create, rename, delete and list teams, and assign turfs to them.

use clap::Subcommand;

use super::turfs::find_team;
use crate::domain::colour::Colour;
use crate::domain::date::Date;
use crate::store::Campaign;

/// Team commands.
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// List the teams with their turfs and assignments.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create a team.
    Create {
        /// The team's name.
        name: String,
        /// Its colour, `#rrggbb`.
        #[arg(long)]
        colour: Option<Colour>,
        /// How many canvassers.
        #[arg(long)]
        size: Option<i64>,
    },
    /// Rename (and recolour) a team.
    Rename {
        /// The team's name.
        team: String,
        /// Its new name.
        new_name: String,
        /// Its colour, `#rrggbb`.
        #[arg(long)]
        colour: Option<Colour>,
    },
    /// Delete a team; its turfs lose their team.
    Delete {
        /// The team's name.
        team: String,
    },
    /// Assign a turf to a team on a date.
    Assign {
        /// The team's name.
        team: String,
        /// The turf's name.
        turf: String,
        /// The date, YYYY-MM-DD.
        #[arg(long)]
        date: Date,
        /// planned, in progress or done.
        #[arg(long, default_value = "planned")]
        status: crate::domain::turf::TurfStatus,
    },
}

/// Runs a team command.
pub(super) fn run(file: &std::path::Path, action: TeamCommand) -> anyhow::Result<()> {
    if let TeamCommand::List { json } = action {
        return list_teams(file, json);
    }
    let mut campaign = Campaign::open(file)?;
    match action {
        TeamCommand::List { .. } => {}
        TeamCommand::Create { name, colour, size } => {
            campaign.create_team(&name, colour, size)?;
            println!("created team {name:?}");
        }
        TeamCommand::Rename {
            team,
            new_name,
            colour,
        } => {
            let t = find_team(&campaign, &team)?;
            let colour = colour.or_else(|| t.colour.and_then(|c| Colour::parse(&c).ok()));
            campaign.update_team(&t.uuid, &new_name, colour)?;
            println!("renamed team {:?} to {:?}", t.name, new_name.trim());
        }
        TeamCommand::Delete { team } => {
            let t = find_team(&campaign, &team)?;
            campaign.delete_team(&t.uuid)?;
            println!("deleted team {:?}", t.name);
        }
        TeamCommand::Assign {
            team,
            turf,
            date,
            status,
        } => {
            campaign.assign(&team, &turf, date, status)?;
            println!("assigned turf {turf:?} to team {team:?} on {date} ({status})");
        }
    }
    Ok(())
}

/// One team, with its turfs and assignments, for `team list`.
#[derive(serde::Serialize)]
struct TeamJson {
    name: String,
    colour: Option<String>,
    size: Option<i64>,
    turfs: Vec<String>,
    assignments: Vec<AssignmentJson>,
}

/// A turf given to the team for a day.
#[derive(serde::Serialize)]
struct AssignmentJson {
    turf: String,
    date: Date,
    status: crate::domain::turf::TurfStatus,
}

/// `team list`: every team, its colour, size and turfs.
fn list_teams(file: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let campaign = Campaign::open_read_only(file)?;
    let turfs = campaign.turfs()?;
    let assignments = campaign.assignments()?;
    let teams: Vec<TeamJson> = campaign
        .teams()?
        .into_iter()
        .map(|t| TeamJson {
            turfs: turfs
                .iter()
                .filter(|turf| turf.team.as_deref() == Some(t.name.as_str()))
                .map(|turf| turf.name.clone())
                .collect(),
            assignments: assignments
                .iter()
                .filter(|a| a.team == t.uuid)
                .filter_map(|a| {
                    let turf = turfs.iter().find(|turf| turf.uuid == a.turf)?;
                    Some(AssignmentJson {
                        turf: turf.name.clone(),
                        date: a.date,
                        status: a.status,
                    })
                })
                .collect(),
            name: t.name,
            colour: t.colour,
            size: t.size,
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&teams)?);
        return Ok(());
    }
    for t in &teams {
        println!(
            "{:<24} {:<8} {:>3} canvassers  turfs: {}{}",
            t.name,
            t.colour.as_deref().unwrap_or("–"),
            t.size.map_or("–".to_owned(), |s| s.to_string()),
            if t.turfs.is_empty() {
                "–".to_owned()
            } else {
                t.turfs.join(", ")
            },
            if t.assignments.is_empty() {
                String::new()
            } else {
                let days: Vec<String> = t
                    .assignments
                    .iter()
                    .map(|a| format!("{} on {} ({})", a.turf, a.date, a.status))
                    .collect();
                format!("  assigned: {}", days.join(", "))
            }
        );
    }
    Ok(())
}
