//! The basemap: the bundled offline MBTiles (default), the campaign's own street map (the
//! default for a campaign that has streets), another MBTiles file, online OpenStreetMap tiles
//! (off until the user turns them on), or none — and the network state that decides whether
//! online tiles can load.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use walkers::{HttpOptions, HttpTiles, Tiles};

use super::mbtiles::MbTiles;

/// Which basemap the user chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BasemapChoice {
    /// The MBTiles bundled with the planner.
    Offline,
    /// The campaign's streets drawn as a street map (offline), over the bundled MBTiles where
    /// the map is zoomed out past them.
    Streets,
    /// An MBTiles file of the user's.
    File(PathBuf),
    /// OpenStreetMap's online tiles.
    OpenStreetMap,
    /// No basemap.
    None,
}

/// Whether online tiles can be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetState {
    /// Not checked (online tiles are off).
    Unknown,
    /// A check is running.
    Checking,
    /// The tile server answered.
    Online,
    /// The tile server could not be reached.
    Offline,
}

/// The basemap in use and its sources.
pub struct Basemap {
    /// The user's choice.
    pub choice: BasemapChoice,
    offline: Option<MbTiles>,
    file: Option<MbTiles>,
    osm: Option<HttpTiles>,
    /// The network state for online tiles.
    pub net: NetState,
    probe: Option<Receiver<bool>>,
    /// Why the chosen basemap could not be used, if it could not.
    pub problem: Option<String>,
    /// Whether the user chose the basemap (else it follows the campaign shown).
    chosen: bool,
}

/// The host online tiles come from.
const OSM_HOST: &str = "tile.openstreetmap.org:443";

impl Basemap {
    /// The bundled offline basemap, opened from `path` (no network at all).
    #[must_use]
    pub fn offline(path: Option<PathBuf>, ctx: &egui::Context) -> Self {
        let mut problem = None;
        let offline = path.and_then(|p| match MbTiles::open(&p, ctx.clone()) {
            Ok(t) => Some(t),
            Err(e) => {
                problem = Some(e.to_string());
                None
            }
        });
        Self {
            choice: BasemapChoice::Offline,
            offline,
            file: None,
            osm: None,
            net: NetState::Unknown,
            probe: None,
            problem,
            chosen: false,
        }
    }

    /// The basemap for a campaign with (or without) streets, unless the user chose one: its
    /// street map when it has one, else the bundled map.
    pub fn suit(&mut self, has_streets: bool) {
        if self.chosen && (has_streets || self.choice != BasemapChoice::Streets) {
            return;
        }
        match (&self.choice, has_streets) {
            (BasemapChoice::Offline, true) => self.choice = BasemapChoice::Streets,
            (BasemapChoice::Streets, false) => {
                // A later campaign with streets shows them again.
                self.choice = BasemapChoice::Offline;
                self.chosen = false;
            }
            _ => {}
        }
    }

    /// Switches to `choice` as the user asked, opening what it needs.
    pub fn choose(&mut self, choice: BasemapChoice, ctx: &egui::Context) {
        self.problem = None;
        self.chosen = true;
        match &choice {
            BasemapChoice::File(path) => match MbTiles::open(path, ctx.clone()) {
                Ok(t) => self.file = Some(t),
                Err(e) => {
                    self.problem = Some(e.to_string());
                    return;
                }
            },
            BasemapChoice::OpenStreetMap => {
                if self.osm.is_none() {
                    self.osm = Some(osm_tiles(ctx));
                }
                self.check_network(ctx);
            }
            BasemapChoice::Offline | BasemapChoice::Streets | BasemapChoice::None => {}
        }
        self.choice = choice;
    }

    /// Checks in the background whether the tile server can be reached.
    pub fn check_network(&mut self, ctx: &egui::Context) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            use std::net::ToSocketAddrs as _;
            let reachable = OSM_HOST
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .is_some_and(|addr| {
                    std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_ok()
                });
            let _ = tx.send(reachable);
            ctx.request_repaint();
        });
        self.net = NetState::Checking;
        self.probe = Some(rx);
    }

    /// Checks again and, once online, retries the tiles that failed (walkers never retries).
    pub fn retry(&mut self, ctx: &egui::Context) {
        self.osm = Some(osm_tiles(ctx));
        self.check_network(ctx);
    }

    /// Collects the result of a network check.
    pub fn poll(&mut self) {
        if let Some(rx) = &self.probe
            && let Ok(reachable) = rx.try_recv()
        {
            self.net = if reachable {
                NetState::Online
            } else {
                NetState::Offline
            };
            self.probe = None;
        }
    }

    /// The tile source to draw, if any.
    pub fn tiles(&mut self) -> Option<&mut dyn Tiles> {
        match self.choice {
            // The street map is drawn over the bundled map, which shows where it is zoomed out.
            BasemapChoice::Offline | BasemapChoice::Streets => {
                self.offline.as_mut().map(|t| t as &mut dyn Tiles)
            }
            BasemapChoice::File(_) => self.file.as_mut().map(|t| t as &mut dyn Tiles),
            // Offline, online tiles would only fail one by one: draw none and say so.
            BasemapChoice::OpenStreetMap if self.net != NetState::Offline => {
                self.osm.as_mut().map(|t| t as &mut dyn Tiles)
            }
            BasemapChoice::OpenStreetMap | BasemapChoice::None => None,
        }
    }

    /// Online tiles being downloaded now.
    #[must_use]
    pub fn downloads(&self) -> usize {
        match (&self.choice, &self.osm) {
            (BasemapChoice::OpenStreetMap, Some(osm)) => osm.stats().in_progress,
            _ => 0,
        }
    }
}

fn osm_tiles(ctx: &egui::Context) -> HttpTiles {
    let cache = crate::paths::data_dir().join("tile-cache");
    let options = HttpOptions {
        cache: Some(cache),
        user_agent: Some(walkers::HeaderValue::from_static(concat!(
            "campaign-planner/",
            env!("CARGO_PKG_VERSION"),
            " (open-source desktop campaign planner)"
        ))),
        ..HttpOptions::default()
    };
    HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_with_streets_gets_its_street_map_unless_the_user_chose_another() {
        let ctx = egui::Context::default();
        let mut basemap = Basemap::offline(None, &ctx);
        basemap.suit(true);
        assert_eq!(basemap.choice, BasemapChoice::Streets);
        basemap.suit(false);
        assert_eq!(basemap.choice, BasemapChoice::Offline, "no streets to draw");
        basemap.suit(true);
        assert_eq!(basemap.choice, BasemapChoice::Streets);
        basemap.choose(BasemapChoice::None, &ctx);
        basemap.suit(true);
        assert_eq!(
            basemap.choice,
            BasemapChoice::None,
            "the user's choice stays"
        );
        basemap.choose(BasemapChoice::Streets, &ctx);
        basemap.suit(false);
        assert_eq!(basemap.choice, BasemapChoice::Offline);
        basemap.suit(true);
        assert_eq!(basemap.choice, BasemapChoice::Streets);
    }
}
