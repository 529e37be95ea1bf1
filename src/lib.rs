//! campaign-planner: score polling stations from past results, cut the best areas into turfs,
//! and keep everything in one portable campaign file that is also an OGC GeoPackage.
//!
//! Data flows one way: `io` (importers, exporters) → `store` (the campaign file) → `domain`
//! (the pure model) → the app and the command line (`cli`). See `ARCHITECTURE.md`.

pub mod cli;
pub mod domain;
pub mod io;
pub mod progress;
pub mod store;
pub mod synth;
