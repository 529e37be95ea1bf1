//! The view: selection (clicks, lasso, classes), zoom, theme, basemap, layer settings, tools.

use std::collections::HashSet;

use super::PlannerApp;
use crate::map::basemap::BasemapChoice;
use crate::state::{Message, SelectMode, Tool};

impl PlannerApp {
    /// Selects precincts; one alone is scrolled to in the table.
    pub(super) fn select(&mut self, precincts: Vec<usize>, mode: SelectMode) {
        if let [one] = precincts.as_slice() {
            self.forms.scroll_table_to = Some(*one);
        }
        self.selection.select_precincts(precincts, mode);
    }

    /// Selects every precinct in class `k` or above.
    pub(super) fn select_class_at_least(&mut self, k: u8) {
        let chosen: Vec<usize> = self
            .session
            .as_ref()
            .and_then(|s| s.scored.as_ref())
            .map(|s| {
                s.classes
                    .class_of
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c >= k)
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        self.select(chosen, SelectMode::Replace);
    }

    /// Selects the door points and precincts inside a lasso.
    pub(super) fn lasso(&mut self, ring: &[crate::map::coords::Position], mode: SelectMode) {
        let Some(s) = &mut self.session else {
            return;
        };
        if ring.len() < 3 {
            return;
        }
        let ring: Vec<geo_types::Coord<f64>> = ring.iter().map(|p| p.0).collect();
        let lasso = geo_types::Polygon::new(ring.into(), vec![]);
        if !s.doors.is_empty() {
            let inside = s.door_index().select(&lasso);
            self.selection.select_doors(inside, mode);
        }
        let chosen = s
            .precinct_index()
            .select(s.shapes.geometries(), &lasso, self.view.membership);
        self.select(chosen, mode);
    }

    /// Fits the map to the campaign, or to the selection.
    pub(super) fn zoom_to(&mut self, selection: bool) {
        self.map.zoom_request = self.session.as_ref().and_then(|s| {
            if selection {
                s.shapes.bounds(Some(&self.selection.precincts))
            } else {
                s.bounds()
            }
        });
    }

    /// Fits the map to one precinct and selects it.
    pub(super) fn zoom_to_precinct(&mut self, i: usize) {
        let one: HashSet<usize> = std::iter::once(i).collect();
        self.map.zoom_request = self
            .session
            .as_ref()
            .and_then(|s| s.shapes.bounds(Some(&one)));
        self.selection.select_precincts([i], SelectMode::Replace);
    }

    /// Switches between the light and dark themes.
    pub(super) fn set_dark(&mut self, dark: bool, ctx: &egui::Context) {
        self.persisted.dark = dark;
        ctx.set_theme(if dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
    }

    /// Chooses the basemap; one that cannot be used is said.
    pub(super) fn set_basemap(&mut self, choice: BasemapChoice, ctx: &egui::Context) {
        self.basemap.choose(choice, ctx);
        if let Some(problem) = &self.basemap.problem {
            self.view.say(Message::error(problem.clone()));
        }
    }

    /// Sets the precinct layer's opacity.
    pub(super) fn set_opacity(&mut self, opacity: f32) {
        self.view.opacity = opacity;
        if let Some(s) = &mut self.session {
            s.recolour(opacity, self.view.colour_by_coverage);
        }
    }

    /// Chooses the map tool, forgetting a shape half drawn.
    pub(super) fn set_tool(&mut self, tool: Tool) {
        self.view.tool = tool;
        self.map.clear_drawing();
    }
}
