//! campaign-planner: score polling stations from past results, cut the best areas into turfs,
//! and keep everything in one portable campaign file that is also an OGC GeoPackage.
//!
//! Data flows one way: `io` (importers, exporters) → `store` (the campaign file) → `domain`
//! (the pure model) → the app and the command line (`cli`). See `ARCHITECTURE.md`.

pub mod app;
pub mod cli;
pub mod demo;
pub mod domain;
pub mod io;
pub mod map;
pub mod paths;
pub mod progress;
pub mod replay;
pub mod state;
pub mod store;
pub mod synth;
pub mod ui;
