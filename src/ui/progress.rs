//! The progress panel: where the campaign stands (coverage, contact rate, pace, quality,
//! stale turfs), three charts (cumulative knocks against the target line, visits per day by
//! code, knocks per team), the sessions, and the field settings.

use egui::RichText;
use egui_plot::{Bar, BarChart, Legend, Line, LineStyle, Plot, PlotPoint, Text};

use crate::domain::date::Date;
use crate::domain::field::Outcome;
use crate::domain::field::progress::Progress;
use crate::domain::numbers::{Lang, number, percent};
use crate::state::{Action, Forms, Session, Shown};
use crate::ui::WARN;
use crate::ui::i18n_field::{FieldTr, ft};

/// A colour per door code, told apart by their letters too (on bars and in the legend).
const CODE_COLOURS: [egui::Color32; 7] = [
    egui::Color32::from_rgb(170, 170, 170),
    egui::Color32::from_rgb(33, 145, 140),
    egui::Color32::from_rgb(200, 80, 60),
    egui::Color32::from_rgb(240, 180, 40),
    egui::Color32::from_rgb(120, 90, 170),
    egui::Color32::from_rgb(110, 80, 50),
    egui::Color32::from_rgb(20, 20, 20),
];

/// Draws the progress panel.
pub fn progress(ui: &mut egui::Ui, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some(session) = shown.session else {
        return actions;
    };
    let lang = shown.persisted.lang;
    let t = ft(lang);
    ui.heading(t.progress);
    let mut coverage = shown.view.colour_by_coverage;
    if ui.checkbox(&mut coverage, t.colour_by_coverage).changed() {
        actions.push(Action::SetColourByCoverage(coverage));
    }
    let Some(p) = &session.field.progress else {
        return actions;
    };
    if p.sessions == 0 && p.days.is_empty() {
        ui.label(RichText::new(t.no_reports).italics());
    }
    figures(ui, t, p, lang);
    ui.separator();
    charts(ui, t, p, session, lang);
    ui.separator();
    actions.extend(sessions(ui, t, session));
    ui.separator();
    actions.extend(settings(ui, t, session, forms));
    actions
}

fn figures(ui: &mut egui::Ui, t: &FieldTr, p: &Progress, lang: Lang) {
    let pc = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), |x| percent(x, lang));
    // Each figure on its own line, wrapped to the panel's width.
    let row = |ui: &mut egui::Ui, name: &str, value: String, strong: bool| {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{name}:"));
            ui.label(if strong {
                RichText::new(value).strong()
            } else {
                RichText::new(value)
            });
        });
    };
    row(
        ui,
        t.coverage,
        format!(
            "{}  ({} / {})",
            pc(p.coverage),
            number(p.knocked, 0, lang),
            p.doors_assigned
        ),
        true,
    );
    row(ui, t.priority_coverage, pc(p.priority_coverage), false);
    row(
        ui,
        t.contact_rate,
        format!("{}  ({})", pc(p.contact_rate), number(p.opened, 0, lang)),
        false,
    );
    row(
        ui,
        t.per_hour,
        p.doors_per_canvasser_hour
            .map_or_else(|| "–".to_owned(), |r| number(r, 1, lang)),
        false,
    );
    let pace = match &p.pace {
        Some(pace) => t
            .pace_words
            .replace("{left}", &number(pace.to_knock, 0, lang))
            .replace("{days}", &pace.days_left.to_string())
            .replace(
                "{need}",
                &pace
                    .needed_per_day
                    .map_or_else(|| "–".to_owned(), |n| number(n, 0, lang)),
            )
            .replace("{last}", &number(pace.last_7_days_per_day, 1, lang)),
        None => t.no_election_day.to_owned(),
    };
    row(ui, t.pace, pace, false);
    row(
        ui,
        t.sessions,
        format!(
            "{} · {} {}",
            p.sessions,
            t.quality,
            p.quality
                .map_or_else(|| "–".to_owned(), |q| number(q, 1, lang))
        ),
        false,
    );
    if !p.opponent_by_precinct.is_empty() {
        row(
            ui,
            t.opponent_seen_in,
            p.opponent_by_precinct
                .iter()
                .map(|(code, n)| format!("{code} ({n})"))
                .collect::<Vec<_>>()
                .join(", "),
            false,
        );
    }
    if !p.stale.is_empty() {
        ui.label(RichText::new(format!("{WARN} {}", t.stale)).strong());
        for s in &p.stale {
            ui.label(format!(
                "{}{} — {}",
                s.turf,
                s.team
                    .as_ref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default(),
                s.days
                    .filter(|_| s.last_report.is_some())
                    .map_or_else(|| t.never.to_owned(), |d| format!("{d} {}", t.days_ago))
            ));
        }
    }
}

fn charts(ui: &mut egui::Ui, t: &FieldTr, p: &Progress, session: &Session, lang: Lang) {
    let Some(first) = p.days.first().map(|d| d.date) else {
        return;
    };
    let x = |d: Date| first.days_until(d) as f64;
    let label = move |v: f64| {
        first
            .plus_days(v.round() as i64)
            .map(|d| d.to_string()[5..].to_owned())
            .unwrap_or_default()
    };
    // Cumulative knocks, against the line that reaches every assigned door on election day.
    let cumulative: Vec<[f64; 2]> = p
        .cumulative()
        .into_iter()
        .map(|(d, n)| [x(d), f64::from(n)])
        .collect();
    let last_total = cumulative.last().map_or(0.0, |c| c[1]);
    ui.label(RichText::new(format!("{}: {}", t.cumulative, number(last_total, 0, lang))).strong());
    let election = session.field.days.and_then(|d| d.election);
    Plot::new("progress-cumulative")
        .height(130.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |m, _| label(m.value))
        .show(ui, |plot| {
            plot.line(
                Line::new(t.knocked, cumulative)
                    .width(2.0)
                    .color(egui::Color32::from_rgb(33, 145, 140)),
            );
            if let Some(e) = election {
                plot.line(
                    Line::new(
                        t.target,
                        vec![[0.0, 0.0], [x(e), f64::from(p.doors_assigned)]],
                    )
                    .style(LineStyle::dashed_loose())
                    .color(egui::Color32::GRAY),
                );
            }
        });
    // Visits per day, stacked by code, each code named by its letter.
    ui.label(RichText::new(t.daily).strong());
    let mut charts: Vec<BarChart> = Vec::new();
    for o in Outcome::ALL {
        let bars: Vec<Bar> = p
            .days
            .iter()
            .map(|d| Bar::new(x(d.date), f64::from(d.outcomes[o.index()])).width(0.7))
            .collect();
        let mut chart = BarChart::new(format!("{} {}", o.letter(), o.name(lang)), bars)
            .color(CODE_COLOURS[o.index()]);
        let below: Vec<&BarChart> = charts.iter().collect();
        chart = chart.stack_on(&below);
        charts.push(chart);
    }
    let totals: Vec<Bar> = p
        .days
        .iter()
        .map(|d| Bar::new(x(d.date), f64::from(d.totals_knocked)).width(0.7))
        .collect();
    let below: Vec<&BarChart> = charts.iter().collect();
    let totals = BarChart::new(t.totals_only.to_owned(), totals)
        .color(egui::Color32::from_rgb(94, 201, 98))
        .stack_on(&below);
    charts.push(totals);
    Plot::new("progress-daily")
        .height(130.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |m, _| label(m.value))
        .show(ui, |plot| {
            for c in charts {
                plot.bar_chart(c);
            }
        });
    // The key under the chart, in the order of the stack: each code's letter and colour.
    ui.horizontal_wrapped(|ui| {
        let mut key = |colour: egui::Color32, text: String| {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, colour);
            ui.label(RichText::new(text).small());
        };
        for o in Outcome::ALL {
            key(
                CODE_COLOURS[o.index()],
                format!("{} {}", o.letter(), o.name(lang)),
            );
        }
        key(
            egui::Color32::from_rgb(94, 201, 98),
            t.totals_only.to_owned(),
        );
    });
    // Knocks per team, named and numbered on their bars.
    ui.label(RichText::new(t.by_team).strong());
    let rows = &p.rows;
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Bar::new(i as f64, r.knocked)
                .name(format!("{}: {}", r.key, number(r.knocked, 0, lang)))
                .width(0.6)
        })
        .collect();
    Plot::new("progress-teams")
        .height(24.0 * rows.len().max(2) as f32 + 30.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([true, false])
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new(t.knocked, bars)
                    .horizontal()
                    .color(egui::Color32::from_rgb(59, 82, 139)),
            );
            for (i, r) in rows.iter().enumerate() {
                plot.text(
                    Text::new(
                        format!("team {i}"),
                        PlotPoint::new(0.0, i as f64),
                        format!(
                            "  {} — {} ({})",
                            r.key,
                            number(r.knocked, 0, lang),
                            r.coverage
                                .map_or_else(|| "–".to_owned(), |c| percent(c, lang))
                        ),
                    )
                    .anchor(egui::Align2::LEFT_CENTER),
                );
            }
        });
}

fn sessions(ui: &mut egui::Ui, t: &FieldTr, session: &Session) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::CollapsingHeader::new(format!(
        "{} ({})",
        t.recent_sessions,
        session.field.sessions.len()
    ))
    .show(ui, |ui| {
        for s in session.field.sessions.iter().take(50) {
            let r = &s.report;
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "{} · {} · {} {} / {} {}",
                    r.date,
                    s.turf.clone().unwrap_or_default(),
                    r.knocked,
                    t.knocked.to_lowercase(),
                    r.opened,
                    t.opened.to_lowercase()
                ));
                if let Some(code) = &s.print {
                    ui.label(RichText::new(code).monospace());
                }
                if s.totals_disagree() {
                    let (k, o) = s.counted.unwrap_or_default();
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("{WARN} {} {k} / {o}: {}", t.counted, t.differs),
                    );
                }
                if ui.small_button(t.delete).clicked() {
                    actions.push(Action::DeleteSession(s.uuid.clone()));
                }
            });
        }
    });
    actions
}

fn settings(ui: &mut egui::Ui, t: &FieldTr, session: &Session, forms: &mut Forms) -> Vec<Action> {
    let mut actions = Vec::new();
    let days = session.field.days;
    if forms.days_text.0.is_empty() && forms.days_text.1.is_empty() {
        forms.days_text = (
            days.and_then(|d| d.start)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            days.and_then(|d| d.election)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
    }
    let mut error = None;
    egui::Grid::new("field-settings")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(t.campaign_start);
            ui.add(egui::TextEdit::singleline(&mut forms.days_text.0).hint_text("YYYY-MM-DD"));
            ui.end_row();
            ui.label(t.election_day);
            ui.add(egui::TextEdit::singleline(&mut forms.days_text.1).hint_text("YYYY-MM-DD"));
            ui.end_row();
        });
    let parse = |s: &str| match s.trim() {
        "" => Ok(None),
        d => Date::parse(d).map(Some),
    };
    match (parse(&forms.days_text.0), parse(&forms.days_text.1)) {
        (Ok(start), Ok(election)) => {
            let changed =
                start != days.and_then(|d| d.start) || election != days.and_then(|d| d.election);
            if ui.add_enabled(changed, egui::Button::new(t.set)).clicked() {
                actions.push(Action::SetCampaignDays(start, election));
            }
        }
        (Err(e), _) | (_, Err(e)) => error = Some(e.to_string()),
    }
    if let Some(e) = error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let mut support = session.field.records_support;
    if ui.checkbox(&mut support, t.record_support).changed() {
        actions.push(Action::SetRecordSupport(support));
    }
    actions
}
