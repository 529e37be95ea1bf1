//! Walk sheets (*feuilles de route*): a printable PDF of each turf, A4 portrait, in English or
//! French. Page 1 holds the header, the map and the boxes to fill in (`cover`), the next pages
//! the doors in walk order with a tick box per door code (`list`). One PDF holds one turf, or a
//! team's turfs in assignment order with a contents page and a bookmark per turf. Every turf
//! printed is recorded as a print snapshot whose code is on every page. Fonts are embedded as
//! subsets; the file is written beside its name and renamed, never left half-written.

mod assemble;
mod cover;
mod list;
mod map;
mod pdf;
mod tiles;
mod words;

pub use tiles::SheetTiles;

use std::path::{Path, PathBuf};

use krilla::Document;
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;

use crate::domain::numbers::Lang;
use crate::domain::street::Street;
use crate::domain::turf::{TeamId, TurfId};
use crate::domain::walk::{TurfWalk, WalkMode};
use crate::io::ImportError;
use crate::progress::{Progress, ProgressFn, Stage};
use crate::store::{Campaign, Print};
use assemble::{Context, parts, revisit, sheet_of, turf_sheet};
use pdf::{Canvas, Fonts, INK, MM};
pub use pdf::{Ink, PAGE_H, PAGE_W, Rgb};

/// How sheets are printed.
#[derive(Clone, Debug, Default)]
pub struct SheetOptions {
    /// The sheets' language.
    pub lang: Lang,
    /// How each street is walked.
    pub mode: WalkMode,
    /// The script printed on page 1 (`None`: the campaign's, else a short default one).
    pub script: Option<String>,
    /// Whether the map shows the campaign's streets (else the turf, its doors and walk alone).
    pub no_streets: bool,
    /// The user's MBTiles file drawn under the map's vectors, if any.
    pub mbtiles: Option<PathBuf>,
}

/// What to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One turf.
    Turf(TurfId),
    /// A team's turfs, in assignment order.
    Team(TeamId),
    /// Every team: one PDF per team, and one of the turfs with no team.
    EveryTeam,
    /// The whole campaign in one PDF: every team's turfs, then those with no team.
    All,
}

/// One PDF written.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SheetFile {
    /// Where.
    pub path: PathBuf,
    /// Its pages.
    pub pages: usize,
    /// The prints it holds (one per turf), with their codes.
    pub prints: Vec<Print>,
    /// What the user should know (a coarse MBTiles map).
    pub warnings: Vec<String>,
}

/// Everything a turf's sheet shows.
struct TurfSheet {
    campaign: String,
    turf: String,
    precincts: Vec<(String, String)>,
    team: Option<(String, Option<i64>)>,
    date: Option<String>,
    registered: i64,
    walk: TurfWalk,
    outline: Option<geo_types::MultiPolygon<f64>>,
    streets: Vec<Street>,
    code: String,
    script: String,
    notice: String,
    /// What happened at each door last time (code, day), printed in its notes.
    previous: std::collections::HashMap<String, (char, String)>,
    /// Doors left out: their last code was "do not knock".
    left_out: usize,
}

/// Prints the sheets of `scope` into the folder `out` (created if needed); returns the files.
pub fn write_sheets(
    campaign: &mut Campaign,
    scope: &Scope,
    out: &Path,
    options: &SheetOptions,
    progress: &mut ProgressFn<'_>,
) -> Result<Vec<SheetFile>, ImportError> {
    std::fs::create_dir_all(out).map_err(|source| ImportError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let turfs = campaign.turfs()?;
    let teams = campaign.teams()?;
    let mut assignments = campaign.assignments()?;
    // By day, and turfs of the same day in the order people read them (Turf 9 before Turf 10).
    let turf_name = |id: &TurfId| {
        turfs
            .iter()
            .find(|t| &t.uuid == id)
            .map_or("", |t| t.name.as_str())
    };
    assignments.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| crate::domain::name::natural_cmp(turf_name(&a.turf), turf_name(&b.turf)))
    });
    // Each PDF: its file name and its turfs, in assignment order.
    // A team's live turfs: by their first assignment date, then those it holds unassigned;
    // a turf assigned on two days is printed once.
    let in_order = |team: Option<&TeamId>| -> Vec<TurfId> {
        let name = teams
            .iter()
            .find(|x| Some(&x.uuid) == team)
            .map(|x| x.name.as_str());
        let assigned = assignments
            .iter()
            .filter(|a| Some(&a.team) == team)
            .map(|a| &a.turf);
        let held = turfs
            .iter()
            .filter(|t| t.team.as_deref() == name)
            .map(|t| &t.uuid);
        let mut ids: Vec<TurfId> = Vec::new();
        for id in assigned.chain(held) {
            if !ids.contains(id) && turfs.iter().any(|t| &t.uuid == id) {
                ids.push(id.clone());
            }
        }
        ids
    };
    let mut files: Vec<(String, Vec<TurfId>)> = Vec::new();
    match scope {
        Scope::Turf(id) => {
            let t = turfs
                .iter()
                .find(|t| &t.uuid == id)
                .ok_or_else(|| not_found(campaign.path()))?;
            files.push((t.name.clone(), vec![id.clone()]));
        }
        Scope::Team(id) => {
            let team = teams
                .iter()
                .find(|t| &t.uuid == id)
                .ok_or_else(|| not_found(campaign.path()))?;
            files.push((team.name.clone(), in_order(Some(id))));
        }
        Scope::All => {
            let mut ids = Vec::new();
            for team in &teams {
                ids.extend(in_order(Some(&team.uuid)));
            }
            for t in &turfs {
                if !ids.contains(&t.uuid) {
                    ids.push(t.uuid.clone());
                }
            }
            files.push((campaign.name()?, ids));
        }
        Scope::EveryTeam => {
            for team in &teams {
                let ids = in_order(Some(&team.uuid));
                if !ids.is_empty() {
                    files.push((team.name.clone(), ids));
                }
            }
            let loose: Vec<TurfId> = turfs
                .iter()
                .filter(|t| t.team.is_none())
                .map(|t| t.uuid.clone())
                .collect();
            if !loose.is_empty() {
                let name = match options.lang {
                    Lang::En => "turfs without a team",
                    Lang::Fr => "secteurs sans équipe",
                };
                files.push((name.to_owned(), loose));
            }
        }
    }
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    if total == 0 {
        return Err(ImportError::Format {
            path: campaign.path().to_path_buf(),
            detail: "no turf to print here (a team without turfs, or a campaign without turfs)"
                .to_owned(),
        });
    }
    // What every turf's sheet reads, read once.
    let context = Context::read(campaign, options, turfs, teams, assignments)?;
    let fonts = fonts()?;
    let tiles = options
        .mbtiles
        .as_deref()
        .map(SheetTiles::open)
        .transpose()?;
    let mut warnings = Vec::new();
    if let Some(t) = &tiles
        && t.max_zoom() < tiles::COARSE_BELOW
    {
        warnings.push(format!(
            "{}: its largest zoom is {}, below {}: the sheets' maps will be coarse",
            t.path().display(),
            t.max_zoom(),
            tiles::COARSE_BELOW
        ));
    }
    let mut written = Vec::new();
    let mut done = 0;
    for (name, ids) in files {
        let path = out.join(format!("{}.pdf", file_stem(&name)));
        let mut sheets = Vec::with_capacity(ids.len());
        let mut prints = Vec::with_capacity(ids.len());
        for id in &ids {
            if progress(Progress {
                stage: Stage::Writing,
                done,
                total,
            })
            .is_break()
            {
                discard(campaign, &prints);
                return Err(ImportError::Cancelled { path });
            }
            let (sheet, print) = match turf_sheet(campaign, &context, id, options) {
                Ok(found) => found,
                Err(e) => {
                    discard(campaign, &prints);
                    return Err(e);
                }
            };
            sheets.push(sheet);
            prints.push(print);
            done += 1;
        }
        let bytes = match render(&sheets, &fonts, options.lang, tiles.as_ref()) {
            Ok(b) => b,
            Err(detail) => {
                discard(campaign, &prints);
                return Err(ImportError::Format { path, detail });
            }
        };
        if let Err(e) = crate::io::export::write_atomically(&path, &bytes.0) {
            discard(campaign, &prints);
            return Err(e);
        }
        written.push(SheetFile {
            path,
            pages: bytes.1,
            prints,
            warnings: warnings.clone(),
        });
    }
    Ok(written)
}

/// The sheets' fonts, or the error that names them.
fn fonts() -> Result<Fonts, ImportError> {
    Fonts::load().ok_or_else(|| ImportError::Format {
        path: PathBuf::from("assets/fonts/DejaVuSansCondensed.ttf"),
        detail: "the walk sheets' font could not be read".to_owned(),
    })
}

fn not_found(path: &Path) -> ImportError {
    ImportError::Format {
        path: path.to_path_buf(),
        detail: "no such turf or team".to_owned(),
    }
}

/// Prints that made no file are thrown away.
fn discard(campaign: &mut Campaign, prints: &[Print]) {
    for p in prints {
        let _ = campaign.discard_print(&p.uuid);
    }
}

/// A file name from a team's or turf's name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "walk-sheets".to_owned()
    } else {
        stem
    }
}

/// Page 1 of a turf's sheet as it would print, read without printing it: no print is recorded
/// and the code is a placeholder.
pub struct Preview {
    sheet: TurfSheet,
    fonts: Fonts,
    lang: Lang,
}

/// The code a preview shows where the print's code will be.
pub const PREVIEW_CODE: &str = "T…-…";

/// Reads the preview of a turf's sheet.
pub fn preview(
    campaign: &Campaign,
    turf: &TurfId,
    options: &SheetOptions,
) -> Result<Preview, ImportError> {
    let context = Context::read(
        campaign,
        options,
        campaign.turfs()?,
        campaign.teams()?,
        campaign.assignments()?,
    )?;
    let t = context
        .turfs
        .iter()
        .find(|t| &t.uuid == turf)
        .ok_or_else(|| not_found(campaign.path()))?;
    let walk = campaign.turf_walk_on(turf, options.mode, &context.index)?;
    let (walk, previous, left_out) = revisit(walk, &context.latest);
    let (names, team, date, streets) = parts(&context, t, &walk);
    let mut sheet = sheet_of(
        &context,
        t,
        walk,
        names,
        team,
        date,
        streets,
        PREVIEW_CODE,
        options,
    );
    sheet.previous = previous;
    sheet.left_out = left_out;
    let fonts = fonts()?;
    Ok(Preview {
        sheet,
        fonts,
        lang: options.lang,
    })
}

impl std::fmt::Debug for Preview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preview")
            .field("turf", &self.sheet.turf)
            .finish_non_exhaustive()
    }
}

impl Preview {
    /// Draws page 1 with `ink` (millimetres from the page's top left corner, A4).
    pub fn draw(&self, ink: &mut dyn Ink) {
        let w = words::words(self.lang);
        let lines = list::lines(&self.sheet, self.lang == Lang::Fr);
        let mut c = Canvas {
            ink,
            fonts: &self.fonts,
        };
        cover::draw(
            &mut c,
            &self.sheet,
            w,
            self.lang,
            (1, 1 + list::pages(lines.len())),
            None,
        );
    }

    /// The turf's name.
    #[must_use]
    pub fn turf(&self) -> &str {
        &self.sheet.turf
    }
}

/// The PDF of some turfs' sheets and its page count.
fn render(
    sheets: &[TurfSheet],
    fonts: &Fonts,
    lang: Lang,
    tiles: Option<&SheetTiles>,
) -> Result<(Vec<u8>, usize), String> {
    let w = words::words(lang);
    let french = lang == Lang::Fr;
    let mut document = Document::new();
    let settings = || PageSettings::from_wh(PAGE_W * MM, PAGE_H * MM);
    let mut outline = Outline::new();
    let mut page_index = 0;
    // A contents page when the PDF holds several turfs.
    let lines: Vec<Vec<list::Line<'_>>> = sheets.iter().map(|s| list::lines(s, french)).collect();
    let counts: Vec<usize> = lines.iter().map(|l| 1 + list::pages(l.len())).collect();
    if sheets.len() > 1 {
        let mut page = document.start_page_with(settings().ok_or("page size")?);
        let mut surface = page.surface();
        let mut ink = pdf::KrillaInk {
            surface: &mut surface,
            fonts,
        };
        let mut c = Canvas {
            ink: &mut ink,
            fonts,
        };
        c.text(10.0, 18.0, 15.0, true, w.contents, INK);
        let mut first = 2;
        let mut y = 30.0;
        for (s, n) in sheets.iter().zip(&counts) {
            c.text(
                12.0,
                y,
                10.0,
                false,
                &format!("{} — {} {}", s.turf, s.walk.stops.len(), w.doors),
                INK,
            );
            c.text_right(170.0, y, 10.0, true, &s.code);
            c.text_right(198.0, y, 10.0, false, &format!("{} {first}", w.page));
            first += n;
            y += 7.0;
        }
        surface.finish();
        page.finish();
        page_index += 1;
    }
    for ((sheet, lines), n) in sheets.iter().zip(&lines).zip(&counts) {
        outline.push_child(OutlineNode::new(
            format!("{} ({})", sheet.turf, sheet.code),
            XyzDestination::new(page_index, Point::from_xy(0.0, 0.0)),
        ));
        for k in 0..*n {
            let mut page = document.start_page_with(settings().ok_or("page size")?);
            let mut surface = page.surface();
            let mut ink = pdf::KrillaInk {
                surface: &mut surface,
                fonts,
            };
            let mut c = Canvas {
                ink: &mut ink,
                fonts,
            };
            if k == 0 {
                cover::draw(&mut c, sheet, w, lang, (1, *n), tiles);
            } else {
                list::draw(&mut c, sheet, lines, k - 1, w, (k + 1, *n));
            }
            surface.finish();
            page.finish();
            page_index += 1;
        }
    }
    document.set_outline(outline);
    let bytes = document
        .finish()
        .map_err(|e| format!("the PDF could not be made: {e:?}"))?;
    Ok((bytes, page_index))
}

/// The footer of every page: the print code, the turf and "page x/y" (within the turf).
fn footer(c: &mut Canvas<'_>, sheet: &TurfSheet, w: &words::Words, (page, of): (usize, usize)) {
    let y = PAGE_H - 7.0;
    c.line(
        (10.0, y - 4.0),
        (PAGE_W - 10.0, y - 4.0),
        0.2,
        (150, 150, 150),
    );
    c.text(10.0, y, 8.0, true, &sheet.code, INK);
    let turf = c.fonts.fit(&sheet.turf, 8.0, false, 120.0);
    c.text_centred(PAGE_W / 2.0, y, 8.0, false, &turf, INK);
    c.text_right(
        PAGE_W - 10.0,
        y,
        8.0,
        false,
        &format!("{} {page}/{of}", w.page),
    );
}
