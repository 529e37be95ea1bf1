//! Typing a printed walk sheet back into the app with the keyboard only (`egui_kittest`): the
//! keys a realistic 150-door sheet takes, the draft that survives a crash, a stray letter said
//! at once.
#![allow(clippy::unwrap_used)] // Test helpers fail loudly by design.

mod common;

use std::path::{Path, PathBuf};

use campaign_planner::app::PlannerApp;
use campaign_planner::domain::numbers::Lang;
use campaign_planner::state::Session;
use common::{cli_ok, s};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// A campaign with one turf of 150 doors on three streets, assigned and printed; returns the
/// file and the sheet's code.
fn campaign(dir: &Path) -> (PathBuf, String) {
    let file = dir.join("saisie.campaign.gpkg");
    cli_ok(&["new", s(&file), "--name", "Saisie"]);
    let mut csv = String::from("lon;lat;numero;rep;nom_voie\n");
    for (k, street) in ["Rue de la Paix", "Rue Haute", "Rue Basse"]
        .iter()
        .enumerate()
    {
        for n in 1..=50_u32 {
            let side = if n % 2 == 1 { 0.0001 } else { -0.0001 };
            csv = format!(
                "{csv}{};{};{n};;{street}\n",
                2.31 + f64::from(n.div_ceil(2)) * 0.0002,
                48.81 + k as f64 * 0.002 + side,
            );
        }
    }
    let doors = dir.join("adresses.csv");
    std::fs::write(&doors, csv).unwrap();
    cli_ok(&["doors", s(&file), "import", s(&doors)]);
    cli_ok(&["turf", s(&file), "autocut", "--target", "150"]);
    cli_ok(&["team", s(&file), "create", "Équipe A", "--size", "2"]);
    let today = campaign_planner::domain::date::Date::today().to_string();
    cli_ok(&[
        "team",
        s(&file),
        "assign",
        "Équipe A",
        "Auto 1",
        "--date",
        &today,
    ]);
    let said = cli_ok(&[
        "sheets",
        s(&file),
        "--turf",
        "Auto 1",
        "--out",
        s(&dir.join("out")),
    ]);
    assert!(said.contains("Auto-1.pdf"), "{said}");
    (file, said.split_whitespace().last().unwrap().to_owned())
}

fn harness(file: &Path) -> Harness<'static, PlannerApp> {
    let file = file.to_path_buf();
    let mut h = Harness::builder()
        .with_size((1280.0, 900.0))
        .build_eframe(move |cc| {
            PlannerApp::new(&cc.egui_ctx, Some(Session::open(&file).unwrap()), Lang::En)
        });
    h.run_steps(3);
    h
}

/// Counts every key the operator presses.
struct Keys<'h, 'a> {
    h: &'h mut Harness<'a, PlannerApp>,
    count: usize,
}

impl Keys<'_, '_> {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.h.event(egui::Event::Text(c.to_string()));
            self.count += 1;
            self.h.run_steps(1);
        }
    }

    fn key(&mut self, key: Key) {
        self.h.key_press(key);
        self.count += 1;
        self.h.run_steps(1);
    }

    fn ctrl(&mut self, key: Key) {
        self.h.key_press_modifiers(egui::Modifiers::COMMAND, key);
        self.count += 1;
        self.h.run_steps(1);
    }
}

fn letter(c: char) -> Key {
    Key::from_name(&c.to_string()).unwrap()
}

/// A realistic sheet: mostly absent, a quarter talked, a few refusals and come-backs, one
/// entry code that kept them out, one flat empty; the last 20 doors all absent.
fn sheet() -> Vec<char> {
    (0..150)
        .map(|i| match i {
            130.. => 'A',
            i if i % 4 == 1 => 'O',
            i if i % 17 == 3 => 'R',
            i if i % 23 == 5 => 'P',
            77 => 'I',
            101 => 'D',
            _ => 'A',
        })
        .collect()
}

#[test]
fn a_150_door_sheet_is_typed_in_under_1_3_keys_a_door_and_saved_in_the_printed_order() {
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().join("data"));
    let (file, code) = campaign(dir.path());
    let mut h = harness(&file);
    h.get_by_label("Field").click();
    h.run();
    h.get_by_label("Enter walk sheets…").click();
    h.run_steps(2);
    let codes = sheet();
    let mut k = Keys {
        h: &mut h,
        count: 0,
    };
    // The code (lower case, with a zero for the O), then Enter.
    k.text(&code.to_lowercase().replace('o', "0"));
    k.key(Key::Enter);
    k.h.run_steps(2);
    k.h.get_by_label_contains("150 rows");
    // The session header, in the paper's order: the day kept, times, canvassers, quality.
    k.key(Key::Enter);
    k.text("17h");
    k.key(Key::Enter);
    k.text("19h30");
    k.key(Key::Enter);
    k.text("2");
    k.key(Key::Enter);
    k.key(Key::Enter);
    k.key(Key::Enter);
    k.text("4");
    k.key(Key::Enter);
    k.key(Key::Enter);
    k.key(Key::Enter);
    // The rows: one key each, a stray letter on the way, then the rest absent at once.
    for (i, c) in codes.iter().take(130).enumerate() {
        if i == 40 {
            k.key(Key::Z);
            k.h.get_by_label_contains("is not a door code");
        }
        k.key(letter(*c));
    }
    k.ctrl(Key::Enter);
    k.ctrl(Key::S);
    k.h.run_steps(2);
    let keys = k.count;
    let per_door = keys as f64 / 150.0;
    assert!(
        per_door <= 1.3,
        "{keys} keys for 150 doors: {per_door:.2} a door"
    );
    h.get_by_label_contains("saved: 150 new");
    drop(h);

    // Saved: one visit per printed row, in the printed order, and the session.
    let conn = common::open_sql(&file).unwrap();
    let saved: String = conn
        .query_row(
            "SELECT group_concat(v.outcome, '') FROM (SELECT v.outcome FROM print_rows r \
             JOIN door_visits v ON v.door_uuid = r.door_uuid AND v.print_uuid = r.print_uuid \
             ORDER BY r.rank) v",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, codes.iter().collect::<String>());
    let (canvassers, start, end, quality): (i64, String, String, i64) = conn
        .query_row(
            "SELECT canvassers, start_time, end_time, quality FROM field_reports",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (canvassers, start.as_str(), end.as_str(), quality),
        (2, "17:00", "19:30", 4)
    );
    println!("{keys} keys for 150 doors ({per_door:.2} a door)");
}

#[test]
fn a_sheet_half_typed_comes_back_after_a_crash_and_its_rows_are_not_saved_until_asked() {
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().join("data"));
    let (file, code) = campaign(dir.path());
    {
        let mut h = harness(&file);
        h.state_mut()
            .push(campaign_planner::state::Action::OpenEntry);
        h.run_steps(2);
        let mut k = Keys {
            h: &mut h,
            count: 0,
        };
        k.text(&code);
        k.key(Key::Enter);
        for _ in 0..9 {
            k.key(Key::Enter);
        }
        for c in "OORA".chars() {
            k.key(letter(c));
        }
        // Shift+↓ twice makes a range of three rows; one key sets them.
        k.h.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowDown);
        k.h.key_press_modifiers(egui::Modifiers::SHIFT, Key::ArrowDown);
        k.h.run_steps(1);
        k.key(Key::P);
        // Ctrl+Z takes the three rows back, the range still chosen; R sets them.
        k.ctrl(Key::Z);
        k.key(Key::R);
        // Tab reaches the note of the row under the cursor; Enter leaves it and moves on.
        k.key(Key::ArrowUp);
        k.key(Key::Tab);
        k.text("chien");
        k.key(Key::Enter);
        assert_eq!(
            k.h.state().forms.entry.as_ref().unwrap().entries[6].note,
            "chien"
        );
        assert_eq!(k.h.state().forms.entry.as_ref().unwrap().cursor, 7);
        // The draft is written on its next beat; then the app dies (dropped, nothing saved).
        h.state_mut().forms.entry_saved = None;
        h.run_steps(2);
        assert_eq!(
            h.state().forms.entry.as_ref().map(|d| d
                .entries
                .iter()
                .filter_map(|e| e.outcome)
                .collect::<String>()),
            Some("OORARRR".to_owned())
        );
    }
    let conn = common::open_sql(&file).unwrap();
    let visits: i64 = conn
        .query_row("SELECT count(*) FROM door_visits", [], |r| r.get(0))
        .unwrap();
    assert_eq!(visits, 0, "nothing is saved before the sheet is");
    drop(conn);

    let mut h = harness(&file);
    h.state_mut()
        .push(campaign_planner::state::Action::OpenEntry);
    h.run_steps(2);
    h.state_mut()
        .push(campaign_planner::state::Action::LoadSheet(code.clone()));
    h.run_steps(2);
    h.get_by_label("A draft of this sheet was restored.");
    let draft = h.state().forms.entry.clone().unwrap();
    assert_eq!(
        draft
            .entries
            .iter()
            .filter_map(|e| e.outcome)
            .collect::<String>(),
        "OORARRR"
    );
}

#[test]
fn a_date_outside_the_campaign_or_more_opened_than_knocked_is_said_as_it_is_typed_and_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().join("data"));
    let (file, code) = campaign(dir.path());
    let mut h = harness(&file);
    h.state_mut()
        .push(campaign_planner::state::Action::OpenEntry);
    h.run_steps(2);
    let mut k = Keys {
        h: &mut h,
        count: 0,
    };
    // A code that is on no sheet is said under the field.
    k.text("T999-XXX");
    k.key(Key::Enter);
    k.h.run_steps(2);
    k.h.get_by_label_contains("no walk sheet has the code");
    k.h.ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique("entry-code")));
    k.h.run();
    for _ in 0..8 {
        k.key(Key::Backspace);
    }
    k.text(&code);
    k.key(Key::Enter);
    k.h.run_steps(2);
    // The date field has the keyboard: its day replaced by one in the future.
    for _ in 0..10 {
        k.key(Key::Backspace);
    }
    k.text("2099-01-01");
    k.h.get_by_label_contains("is in the future");
    for _ in 0..10 {
        k.key(Key::Backspace);
    }
    k.text(&campaign_planner::domain::date::Date::today().to_string());
    k.key(Key::Enter);
    for _ in 0..3 {
        k.key(Key::Enter);
    }
    k.text("3");
    k.key(Key::Enter);
    k.text("5");
    k.h.get_by_label_contains("5 doors opened but only 3 knocked");
    k.ctrl(Key::S);
    k.h.run_steps(2);
    let conn = common::open_sql(&file).unwrap();
    let sessions: i64 = conn
        .query_row("SELECT count(*) FROM field_reports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sessions, 0, "nothing saved half");
}

#[test]
fn the_totals_grid_takes_sessions_by_keyboard_repeats_the_cell_above_with_space_and_saves_all_or_none()
 {
    let dir = tempfile::tempdir().unwrap();
    campaign_planner::paths::set_data_dir(dir.path().join("data"));
    let (file, _) = campaign(dir.path());
    let mut h = harness(&file);
    h.get_by_label("Field").click();
    h.run();
    h.get_by_label("Enter session totals…").click();
    h.run_steps(2);
    let today = campaign_planner::domain::date::Date::today().to_string();
    // The first cell (the date) has the keyboard, then Tab goes from cell to cell.
    h.ctx
        .memory_mut(|m| m.request_focus(egui::Id::unique(("totals-cell", 0_usize, 0_usize))));
    h.run();
    let mut k = Keys {
        h: &mut h,
        count: 0,
    };
    for cell in [
        today.as_str(),
        "Auto 1",
        "",
        "40",
        "18",
        "4",
        "oui",
        "17h",
        "19h",
    ] {
        k.text(cell);
        k.key(Key::Tab);
    }
    // Down: the same column of a new row; Space repeats the date above.
    for _ in 0..9 {
        k.h.key_press_modifiers(egui::Modifiers::SHIFT, Key::Tab);
        k.h.run_steps(1);
    }
    k.key(Key::ArrowDown);
    k.key(Key::Space);
    k.key(Key::Tab);
    k.text("Auto 1");
    k.key(Key::Tab);
    k.key(Key::Tab);
    k.text("10");
    k.key(Key::Tab);
    k.text("12");
    k.ctrl(Key::S);
    // More opened than knocked: said beside the row, nothing saved.
    k.h.get_by_label_contains("12 doors opened but only 10 knocked");
    let count = |file: &Path| -> i64 {
        common::open_sql(file)
            .unwrap()
            .query_row("SELECT count(*) FROM field_reports", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&file), 0);
    {
        let grid = k.h.state().forms.totals.clone().unwrap();
        assert_eq!(grid.rows[1][0], today, "Space repeated the date above");
    }
    k.key(Key::Backspace);
    k.key(Key::Backspace);
    k.text("2");
    k.ctrl(Key::S);
    k.h.run_steps(2);
    assert_eq!(count(&file), 2);
}
