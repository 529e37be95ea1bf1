//! Drawing on a walk sheet's page in millimetres: text in the embedded fonts (measured with
//! their own advance widths), lines, boxes, dots, clipping; over krilla's surface (PDF points,
//! origin at the top left, y down).

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

/// PDF points per millimetre.
pub(super) const MM: f32 = 72.0 / 25.4;

/// A4 portrait, in millimetres.
pub const PAGE_W: f32 = 210.0;
/// A4 portrait, in millimetres.
pub const PAGE_H: f32 = 297.0;

/// A colour, red, green, blue.
pub type Rgb = (u8, u8, u8);

/// Black.
pub(super) const INK: Rgb = (0, 0, 0);

/// The two fonts of a sheet and their metrics.
pub struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: &'static [u8],
    bold_face: &'static [u8],
}

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

impl Fonts {
    /// The shipped `DejaVu` Sans Condensed, regular and bold.
    pub(super) fn load() -> Option<Self> {
        Some(Self {
            regular: Font::new(REGULAR.to_vec().into(), 0)?,
            bold: Font::new(BOLD.to_vec().into(), 0)?,
            regular_face: REGULAR,
            bold_face: BOLD,
        })
    }

    /// The width of `text` at `size` points, in millimetres.
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let data = if bold {
            self.bold_face
        } else {
            self.regular_face
        };
        let Ok(face) = ttf_parser::Face::parse(data, 0) else {
            return text.chars().count() as f32 * size * 0.5 / MM;
        };
        let per_em = f32::from(face.units_per_em());
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(per_em * 0.5, f32::from)
            })
            .sum();
        units / per_em * size / MM
    }

    /// `text` cut to fit `width` millimetres at `size`, with an ellipsis when cut.
    pub(super) fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_owned();
        }
        let mut cut: String = text.to_owned();
        while !cut.is_empty() && self.width(&format!("{cut}…"), size, bold) > width {
            cut.pop();
        }
        format!("{}…", cut.trim_end())
    }
}

/// What a page is drawn with, in millimetres from its top left corner: the PDF (krilla) or a
/// preview on screen. Colours are red, green, blue; widths are millimetres; text sizes points.
pub trait Ink {
    /// Text with its baseline's left end at (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, c: Rgb);
    /// Text centred on (`x`, `y`), turned by `angle` radians, with a white halo.
    fn text_turned(
        &mut self,
        at: (f32, f32),
        angle: f32,
        size: f32,
        width: f32,
        text: &str,
        c: Rgb,
    );
    /// Connected lines, dashed (on, off) when asked.
    fn polyline(&mut self, points: &[(f32, f32)], width: f32, c: Rgb, dash: Option<(f32, f32)>);
    /// A closed ring, filled (with an opacity) and/or stroked.
    fn ring(&mut self, points: &[(f32, f32)], fill: Option<(Rgb, f32)>, stroke: Option<(f32, Rgb)>);
    /// A rectangle, filled and/or stroked.
    fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    );
    /// A circle.
    fn circle(&mut self, centre: (f32, f32), r: f32, fill: Option<Rgb>, stroke: Option<(f32, Rgb)>);
    /// Clips what follows to a rectangle until [`Ink::unclip`].
    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32);
    /// Ends the last clip.
    fn unclip(&mut self);
    /// A raster image (a map tile, PNG or JPEG) filling the rectangle; a preview may skip it.
    fn image(&mut self, _x: f32, _y: f32, _w: f32, _h: f32, _bytes: &[u8], _jpeg: bool) {}
}

/// A page of the PDF.
pub(super) struct KrillaInk<'s, 'p> {
    pub(super) surface: &'s mut Surface<'p>,
    pub(super) fonts: &'s Fonts,
}

fn paint(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

/// A page being drawn: an [`Ink`] and the fonts that measure its text.
pub(super) struct Canvas<'a> {
    pub(super) ink: &'a mut dyn Ink,
    pub(super) fonts: &'a Fonts,
}

impl Canvas<'_> {
    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, c: Rgb) {
        self.ink.text(x, y, size, bold, text, c);
    }

    /// Text with its baseline's right end at (`x`, `y`).
    pub(super) fn text_right(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let w = self.fonts.width(text, size, bold);
        self.ink.text(x - w, y, size, bold, text, INK);
    }

    /// Text centred on (`x`, baseline `y`).
    pub(super) fn text_centred(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: &str,
        c: Rgb,
    ) {
        let w = self.fonts.width(text, size, bold);
        self.ink.text(x - w / 2.0, y, size, bold, text, c);
    }

    pub(super) fn text_turned(
        &mut self,
        x: f32,
        y: f32,
        angle: f32,
        size: f32,
        text: &str,
        c: Rgb,
    ) {
        let w = self.fonts.width(text, size, false);
        self.ink.text_turned((x, y), angle, size, w, text, c);
    }

    pub(super) fn line(&mut self, a: (f32, f32), b: (f32, f32), width: f32, c: Rgb) {
        self.ink.polyline(&[a, b], width, c, None);
    }

    pub(super) fn polyline(
        &mut self,
        points: &[(f32, f32)],
        width: f32,
        c: Rgb,
        dash: Option<(f32, f32)>,
    ) {
        self.ink.polyline(points, width, c, dash);
    }

    pub(super) fn ring(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<(Rgb, f32)>,
        stroke: Option<(f32, Rgb)>,
    ) {
        self.ink.ring(points, fill, stroke);
    }

    pub(super) fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        self.ink.rect(x, y, w, h, fill, stroke);
    }

    pub(super) fn circle(
        &mut self,
        centre: (f32, f32),
        r: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        self.ink.circle(centre, r, fill, stroke);
    }

    pub(super) fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ink.clip(x, y, w, h);
    }

    pub(super) fn unclip(&mut self) {
        self.ink.unclip();
    }

    pub(super) fn image(&mut self, x: f32, y: f32, w: f32, h: f32, bytes: &[u8], jpeg: bool) {
        self.ink.image(x, y, w, h, bytes, jpeg);
    }
}

impl KrillaInk<'_, '_> {
    fn fill(&mut self, c: Rgb, opacity: f32) {
        self.surface.set_fill(Some(Fill {
            paint: paint(c),
            opacity: NormalizedF32::new(opacity.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE),
            rule: FillRule::NonZero,
        }));
    }

    fn stroke(&mut self, c: Rgb, width: f32, dash: Option<(f32, f32)>) {
        self.surface.set_stroke(Some(Stroke {
            paint: paint(c),
            width: width * MM,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            dash: dash.map(|(on, off)| StrokeDash {
                array: vec![on * MM, off * MM],
                offset: 0.0,
            }),
            ..Stroke::default()
        }));
    }

    fn paint_path(
        &mut self,
        path: &krilla::geom::Path,
        fill: Option<(Rgb, f32)>,
        stroke: Option<(f32, Rgb)>,
    ) {
        match fill {
            Some((c, o)) => self.fill(c, o),
            None => self.surface.set_fill(None),
        }
        match stroke {
            Some((w, c)) => self.stroke(c, w, None),
            None => self.surface.set_stroke(None),
        }
        self.surface.draw_path(path);
    }
}

impl Ink for KrillaInk<'_, '_> {
    fn image(&mut self, x: f32, y: f32, w: f32, h: f32, bytes: &[u8], jpeg: bool) {
        let data: krilla::Data = bytes.to_vec().into();
        let image = if jpeg {
            krilla::image::Image::from_jpeg(data, true)
        } else {
            krilla::image::Image::from_png(data, true)
        };
        let (Ok(image), Some(size)) = (image, krilla::geom::Size::from_wh(w * MM, h * MM)) else {
            return;
        };
        self.surface
            .push_transform(&Transform::from_translate(x * MM, y * MM));
        self.surface.draw_image(image, size);
        self.surface.pop();
    }

    /// Text with its baseline's left end at (`x`, `y`).
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, c: Rgb) {
        if text.is_empty() {
            return;
        }
        self.fill(c, 1.0);
        self.surface.set_stroke(None);
        let font = if bold {
            self.fonts.bold.clone()
        } else {
            self.fonts.regular.clone()
        };
        self.surface.draw_text(
            Point::from_xy(x * MM, y * MM),
            font,
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// Text centred on (`x`, `y`), turned by `angle` radians (clockwise on the page), with a
    /// white halo for legibility over lines.
    fn text_turned(
        &mut self,
        (x, y): (f32, f32),
        angle: f32,
        size: f32,
        w: f32,
        text: &str,
        c: Rgb,
    ) {
        self.surface.push_transform(&Transform::from_row(
            angle.cos(),
            angle.sin(),
            -angle.sin(),
            angle.cos(),
            x * MM,
            y * MM,
        ));
        let (dx, dy) = (-w / 2.0, size * 0.35 / MM);
        self.surface.set_stroke(Some(Stroke {
            paint: paint((255, 255, 255)),
            width: size * 0.25,
            line_join: LineJoin::Round,
            ..Stroke::default()
        }));
        self.fill((255, 255, 255), 1.0);
        self.surface.draw_text(
            Point::from_xy(dx * MM, dy * MM),
            self.fonts.regular.clone(),
            size,
            text,
            true,
            TextDirection::Auto,
        );
        self.surface.set_stroke(None);
        self.text(dx, dy, size, false, text, c);
        self.surface.pop();
    }

    /// Connected lines through `points`, dashed (on, off, in mm) when asked.
    fn polyline(&mut self, points: &[(f32, f32)], width: f32, c: Rgb, dash: Option<(f32, f32)>) {
        if points.len() < 2 {
            return;
        }
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0 * MM, points[0].1 * MM);
        for p in &points[1..] {
            pb.line_to(p.0 * MM, p.1 * MM);
        }
        let Some(path) = pb.finish() else { return };
        self.surface.set_fill(None);
        self.stroke(c, width, dash);
        self.surface.draw_path(&path);
    }

    /// A closed ring, filled and/or stroked.
    fn ring(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<(Rgb, f32)>,
        stroke: Option<(f32, Rgb)>,
    ) {
        if points.len() < 3 {
            return;
        }
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0 * MM, points[0].1 * MM);
        for p in &points[1..] {
            pb.line_to(p.0 * MM, p.1 * MM);
        }
        pb.close();
        let Some(path) = pb.finish() else { return };
        self.paint_path(&path, fill, stroke);
    }

    /// A rectangle, filled and/or stroked.
    fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        let Some(r) = Rect::from_xywh(x * MM, y * MM, w * MM, h * MM) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        let Some(path) = pb.finish() else { return };
        self.paint_path(&path, fill.map(|c| (c, 1.0)), stroke);
    }

    /// A circle.
    fn circle(
        &mut self,
        (x, y): (f32, f32),
        r: f32,
        fill: Option<Rgb>,
        stroke: Option<(f32, Rgb)>,
    ) {
        // Four Bézier quarters.
        const K: f32 = 0.552_284_8;
        let (x, y, r) = (x * MM, y * MM, r * MM);
        let mut pb = PathBuilder::new();
        pb.move_to(x + r, y);
        pb.cubic_to(x + r, y + K * r, x + K * r, y + r, x, y + r);
        pb.cubic_to(x - K * r, y + r, x - r, y + K * r, x - r, y);
        pb.cubic_to(x - r, y - K * r, x - K * r, y - r, x, y - r);
        pb.cubic_to(x + K * r, y - r, x + r, y - K * r, x + r, y);
        pb.close();
        let Some(path) = pb.finish() else { return };
        self.paint_path(&path, fill.map(|c| (c, 1.0)), stroke);
    }

    /// Clips what follows to a rectangle until [`Canvas::unclip`].
    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let Some(r) = Rect::from_xywh(x * MM, y * MM, w * MM, h * MM) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(r);
        if let Some(path) = pb.finish() {
            self.surface.push_clip_path(&path, &FillRule::NonZero);
        }
    }

    /// Ends the last clip.
    fn unclip(&mut self) {
        self.surface.pop();
    }
}
