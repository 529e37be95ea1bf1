//! `progress`: where the campaign stands (coverage, contact rate, pace, quality, stale
//! turfs) and a breakdown by team, turf, precinct or day, as text in English or French or as
//! JSON.

use std::path::Path;

use super::report::ByArg;
use crate::domain::date::Date;
use crate::domain::field::progress::{By, ProgressSettings, progress};
use crate::domain::numbers::{Lang, percent};
use crate::store::Campaign;

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
    print_progress(&p, lang);
    Ok(())
}

/// `progress` as text, in English or French.
#[allow(clippy::too_many_lines)] // One line per figure, each in two languages.
fn print_progress(p: &crate::domain::field::progress::Progress, lang: Lang) {
    let fr = lang == Lang::Fr;
    let w = |en: &'static str, french: &'static str| if fr { french } else { en };
    let pc = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| percent(x, lang));
    let n = |x: f64| crate::domain::numbers::number(x, 0, lang);
    let n1 = |x: f64| crate::domain::numbers::number(x, 1, lang);
    let plural = |count: usize, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    println!(
        "{} {} ({} / {} {})",
        w("coverage", "couverture"),
        pc(p.coverage),
        n(p.knocked),
        p.doors_assigned,
        w(
            "doors in assigned turfs knocked",
            "portes frappées dans les secteurs attribués"
        )
    );
    if !p.classes.is_empty() {
        println!(
            "{} {}",
            w(
                "priority coverage (the top two classes)",
                "couverture prioritaire (les deux classes du haut)"
            ),
            pc(p.priority_coverage)
        );
    }
    println!(
        "{} {} ({} {})",
        w("contact rate", "taux d’ouverture"),
        pc(p.contact_rate),
        n(p.opened),
        w("opened", "ouvertes")
    );
    match p.doors_per_canvasser_hour {
        Some(r) => println!(
            "{} {} ({} {})",
            w("doors per canvasser-hour", "portes par heure-militant"),
            n1(r),
            n1(p.canvasser_hours),
            w("canvasser-hours", "heures-militant")
        ),
        None => println!(
            "{}",
            w(
                "doors per canvasser-hour – (no session gives its times)",
                "portes par heure-militant – (aucune sortie ne donne ses horaires)"
            )
        ),
    }
    match &p.pace {
        Some(pace) => println!(
            "{}",
            if fr {
                format!(
                    "rythme : {} portes restantes en {} jours : {} par jour nécessaires, {} par jour sur les 7 derniers jours",
                    n(pace.to_knock),
                    pace.days_left,
                    pace.needed_per_day.map_or_else(|| "–".to_owned(), n1),
                    n1(pace.last_7_days_per_day)
                )
            } else {
                format!(
                    "pace: {} doors left in {} days: {} a day needed, {} a day over the last 7 days",
                    n(pace.to_knock),
                    pace.days_left,
                    pace.needed_per_day.map_or_else(|| "–".to_owned(), n1),
                    n1(pace.last_7_days_per_day)
                )
            }
        ),
        None => println!(
            "{}",
            w(
                "pace: – (set election day: report FILE settings --election-day YYYY-MM-DD)",
                "rythme : – (jour du scrutin : report FICHIER settings --election-day AAAA-MM-JJ)"
            )
        ),
    }
    let precincts = p.opponent_by_precinct.len();
    println!(
        "{}; {} {}; {} {}",
        if fr {
            plural(p.sessions as usize, "sortie", "sorties")
        } else {
            plural(p.sessions as usize, "session", "sessions")
        },
        w("quality", "qualité"),
        p.quality.map_or_else(|| "–".to_owned(), n1),
        w("opponent seen in", "adversaire vu dans"),
        if fr {
            plural(precincts, "bureau", "bureaux")
        } else {
            plural(precincts, "precinct", "precincts")
        }
    );
    for s in &p.stale {
        let team = s
            .team
            .as_ref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let days = |d: i64| match (d, fr) {
            (0, false) => "today".to_owned(),
            (0, true) => "aujourd’hui".to_owned(),
            (1, false) => "1 day ago".to_owned(),
            (1, true) => "il y a 1 jour".to_owned(),
            (d, false) => format!("{d} days ago"),
            (d, true) => format!("il y a {d} jours"),
        };
        match (s.last_report, s.days, fr) {
            (Some(_), Some(d), false) => println!("last report {}: {}{team}", days(d), s.turf),
            (Some(_), Some(d), true) => {
                println!("dernier compte rendu {} : {}{team}", days(d), s.turf);
            }
            (None, Some(d), false) => {
                println!(
                    "no report since it was assigned {}: {}{team}",
                    days(d),
                    s.turf
                );
            }
            (None, Some(d), true) => println!(
                "aucun compte rendu depuis son attribution {} : {}{team}",
                days(d),
                s.turf
            ),
            (_, None, false) => println!("no report yet: {}{team}", s.turf),
            (_, None, true) => println!("aucun compte rendu : {}{team}", s.turf),
        }
    }
    println!();
    let by = match (p.by, fr) {
        (By::Team, false) => "team",
        (By::Team, true) => "équipe",
        (By::Turf, false) => "turf",
        (By::Turf, true) => "secteur",
        (By::Precinct, false) => "precinct",
        (By::Precinct, true) => "bureau",
        (By::Day, false) => "day",
        (By::Day, true) => "jour",
    };
    if p.by == By::Day {
        // Days have no doors of their own: every knock of the day.
        println!(
            "{by}	{}",
            w(
                "knocked\topened\tcontact\tsessions",
                "frappées\touvertes\touverture\tsorties"
            )
        );
        for r in &p.rows {
            println!(
                "{}\t{}\t{}\t{}\t{}",
                r.key,
                n(r.knocked),
                n(r.opened),
                pc(r.contact_rate),
                r.sessions
            );
        }
        return;
    }
    println!(
        "{by}\t{}",
        w(
            "doors\tknocked\topened\tcoverage\tcontact\tsessions",
            "portes\tfrappées\touvertes\tcouverture\touverture\tsorties"
        )
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
}
