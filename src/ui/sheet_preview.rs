//! The preview of a walk sheet's first page, drawn on screen by the same layout as the PDF
//! (`io::sheets`), before the user chooses where to print it.

use egui::{Align2, Color32, FontId, Pos2, Stroke, pos2, vec2};

use crate::io::sheets::{Ink, PAGE_H, PAGE_W, Rgb};
use crate::state::{Action, Forms, Shown};

/// Points per millimetre.
const PT: f32 = 72.0 / 25.4;

/// A page drawn with egui's painter, `scale` screen points per millimetre from `origin`.
pub struct EguiInk {
    painter: egui::Painter,
    origin: Pos2,
    scale: f32,
    clips: Vec<egui::Rect>,
}

impl EguiInk {
    /// A page whose top left corner is at `origin`, at `scale` points per millimetre.
    #[must_use]
    pub fn new(painter: egui::Painter, origin: Pos2, scale: f32) -> Self {
        Self {
            painter,
            origin,
            scale,
            clips: Vec::new(),
        }
    }

    fn at(&self, x: f32, y: f32) -> Pos2 {
        self.origin + vec2(x, y) * self.scale
    }

    fn font(&self, size: f32) -> FontId {
        FontId::proportional((size / PT * self.scale).max(1.0))
    }
}

fn colour((r, g, b): Rgb) -> Color32 {
    Color32::from_rgb(r, g, b)
}

impl Ink for EguiInk {
    fn text(&mut self, x: f32, y: f32, size: f32, _bold: bool, text: &str, c: Rgb) {
        // The anchor is the text's bottom: close to the baseline at these sizes.
        self.painter.text(
            self.at(x, y + size / PT * 0.2),
            Align2::LEFT_BOTTOM,
            text,
            self.font(size),
            colour(c),
        );
    }

    fn text_turned(
        &mut self,
        (x, y): (f32, f32),
        angle: f32,
        size: f32,
        _w: f32,
        text: &str,
        c: Rgb,
    ) {
        let galley = self
            .painter
            .layout_no_wrap(text.to_owned(), self.font(size), colour(c));
        let half = galley.size() / 2.0;
        let (sin, cos) = angle.sin_cos();
        // The galley turns about its top left corner: that corner goes where the centre, less
        // half the turned size, is.
        let offset = vec2(half.x * cos - half.y * sin, half.x * sin + half.y * cos);
        let pos = self.at(x, y) - offset;
        self.painter
            .add(egui::epaint::TextShape::new(pos, galley, colour(c)).with_angle(angle));
    }

    fn polyline(&mut self, points: &[(f32, f32)], width: f32, c: Rgb, dash: Option<(f32, f32)>) {
        let pts: Vec<Pos2> = points.iter().map(|p| self.at(p.0, p.1)).collect();
        let stroke = Stroke::new((width * self.scale).max(0.5), colour(c));
        match dash {
            Some((on, off)) => {
                self.painter.extend(egui::Shape::dashed_line(
                    &pts,
                    stroke,
                    on * self.scale,
                    off * self.scale,
                ));
            }
            None => {
                self.painter.add(egui::Shape::line(pts, stroke));
            }
        }
    }

    fn ring(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<(Rgb, f32)>,
        stroke: Option<(f32, Rgb)>,
    ) {
        let pts: Vec<Pos2> = points.iter().map(|p| self.at(p.0, p.1)).collect();
        // Only solid fills: they are small convex marks (the north arrow, the flag); the
        // turf's faint fill is left to the PDF.
        if let Some((c, opacity)) = fill
            && opacity >= 0.5
        {
            self.painter.add(egui::Shape::convex_polygon(
                pts.clone(),
                colour(c),
                Stroke::NONE,
            ));
        }
        if let Some((w, c)) = stroke {
            self.painter.add(egui::Shape::closed_line(
                pts,
                Stroke::new((w * self.scale).max(0.5), colour(c)),
            ));
        }
    }

    fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        let r = egui::Rect::from_min_max(self.at(x, y), self.at(x + w, y + h));
        let fill = fill.map_or(Color32::TRANSPARENT, colour);
        let stroke = stroke.map_or(Stroke::NONE, |(w, c)| {
            Stroke::new((w * self.scale).max(0.5), colour(c))
        });
        self.painter
            .rect(r, 0.0, fill, stroke, egui::StrokeKind::Middle);
    }

    fn circle(
        &mut self,
        centre: (f32, f32),
        r: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        let fill = fill.map_or(Color32::TRANSPARENT, colour);
        let stroke = stroke.map_or(Stroke::NONE, |(w, c)| {
            Stroke::new((w * self.scale).max(0.5), colour(c))
        });
        self.painter
            .circle(self.at(centre.0, centre.1), r * self.scale, fill, stroke);
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let now = self.painter.clip_rect();
        self.clips.push(now);
        let r = egui::Rect::from_min_max(self.at(x, y), self.at(x + w, y + h)).intersect(now);
        self.painter.set_clip_rect(r);
    }

    fn unclip(&mut self) {
        if let Some(r) = self.clips.pop() {
            self.painter.set_clip_rect(r);
        }
    }
}

/// The preview window, while one is asked for: page 1 as it will print, and the buttons that
/// print it or close the preview.
#[must_use]
pub fn preview(ctx: &egui::Context, shown: &Shown<'_>, forms: &mut Forms) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some((scope, page)) = &shown.view.preview else {
        return actions;
    };
    let t = super::tr(shown);
    egui::Window::new(format!("{} — {}", t.sheet_preview, page.turf()))
        .id(egui::Id::unique("sheet-preview"))
        .order(egui::Order::Foreground)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button(t.print_this).clicked() {
                    actions.push(Action::PrintSheetsDialog(scope.clone()));
                }
                if ui.button(t.close).clicked() {
                    actions.push(Action::ClosePreview);
                }
            });
            // The campaign's script, written once for every sheet, where it prints.
            let l = shown.session;
            egui::CollapsingHeader::new(t.sheet_script)
                .id_salt("sheet-script")
                .show(ui, |ui| {
                    ui.add(
                        egui::TextEdit::multiline(&mut forms.sheet_script)
                            .desired_rows(4)
                            .desired_width(f32::INFINITY)
                            .hint_text(t.sheet_script_hint),
                    );
                    let saved = l.and_then(|l| l.sheet_script.as_deref()).unwrap_or("");
                    if ui
                        .add_enabled(
                            forms.sheet_script.trim() != saved,
                            egui::Button::new(t.save_script),
                        )
                        .clicked()
                    {
                        actions.push(Action::SetSheetScript(forms.sheet_script.clone()));
                    }
                });
            let height = (ctx.content_rect().height() - 200.0).clamp(300.0, 900.0);
            let scale = height / PAGE_H;
            let (rect, _) =
                ui.allocate_exact_size(vec2(PAGE_W * scale, height), egui::Sense::hover());
            ui.painter().rect_filled(rect, 0.0, Color32::WHITE);
            let mut ink = EguiInk::new(
                ui.painter().with_clip_rect(rect),
                pos2(rect.left(), rect.top()),
                scale,
            );
            page.draw(&mut ink);
        });
    actions
}
