//! Every file dialog of the app, in one place: the panels only ask for one (an `…Dialog`
//! action), and the chosen file becomes the action it was asked for.

use super::PlannerApp;
use crate::map::basemap::BasemapChoice;
use crate::state::Action;

/// The filter of campaign files.
const CAMPAIGN: (&str, &[&str]) = ("Campaign (GeoPackage)", &["gpkg"]);

impl PlannerApp {
    /// Asks for a file as `dialog` says, and carries out what it was asked for.
    pub(super) fn dialog(&mut self, dialog: &Action, ctx: &egui::Context) {
        let pick = |name: &str, extensions: &[&str]| {
            rfd::FileDialog::new()
                .add_filter(name, extensions)
                .pick_file()
        };
        let next = match dialog {
            Action::OpenDialog => pick(CAMPAIGN.0, CAMPAIGN.1).map(Action::Open),
            Action::NewDialog => rfd::FileDialog::new()
                .add_filter(CAMPAIGN.0, CAMPAIGN.1)
                .set_file_name("campaign.campaign.gpkg")
                .save_file()
                .map(Action::New),
            Action::SaveAsDialog => rfd::FileDialog::new()
                .add_filter(CAMPAIGN.0, CAMPAIGN.1)
                .save_file()
                .map(Action::SaveAs),
            Action::ImportShapesDialog => {
                pick("Shapes", &["geojson", "json", "shp", "gpkg"]).map(Action::ImportShapes)
            }
            Action::ImportResultsDialog => {
                if let Some(p) = pick(
                    "Results (CSV, spreadsheet)",
                    &["csv", "txt", "xlsx", "xls", "ods"],
                ) {
                    self.ask_election(p);
                }
                None
            }
            Action::ImportDoorsDialog => {
                pick("Doors", &["geojson", "json", "csv", "pbf"]).map(Action::ImportDoors)
            }
            Action::ImportStreetsDialog => {
                pick("OpenStreetMap (.osm.pbf)", &["pbf"]).map(Action::ImportStreets)
            }
            Action::PrintSheetsDialog(scope) => {
                self.view.preview = None;
                rfd::FileDialog::new()
                    .set_title("Walk sheets: choose a folder")
                    .pick_folder()
                    .map(|folder| Action::PrintSheets(scope.clone(), folder))
            }
            Action::ExportPackDialog(team) => {
                let name = self
                    .session
                    .as_ref()
                    .and_then(|s| s.teams.iter().find(|t| &t.uuid == team))
                    .map_or_else(|| "team".to_owned(), |t| t.name.clone());
                rfd::FileDialog::new()
                    .add_filter(CAMPAIGN.0, CAMPAIGN.1)
                    .set_file_name(format!("{name}.pack.gpkg"))
                    .save_file()
                    .map(|out| Action::ExportPack(team.clone(), out))
            }
            Action::MergePacksDialog => rfd::FileDialog::new()
                .add_filter(CAMPAIGN.0, CAMPAIGN.1)
                .pick_files()
                .map(Action::PreviewMerge),
            Action::BasemapFileDialog => {
                pick("MBTiles", &["mbtiles"]).map(|p| Action::SetBasemap(BasemapChoice::File(p)))
            }
            _ => None,
        };
        if let Some(action) = next {
            self.apply(action, ctx);
        }
    }
}
