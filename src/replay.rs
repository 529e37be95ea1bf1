//! A fixed sequence of views the app can replay by itself, timing every frame: the
//! whole-frame half of the map benchmark (`campaign-planner bench-frames FILE`, run under a
//! display — Xvfb for software rendering).

use std::time::{Duration, Instant};

use crate::map::coords::{Position, World};

/// The replay's views and what was measured.
pub struct Replay {
    views: Vec<([f64; 2], f64)>,
    next: usize,
    last: Option<Instant>,
    /// Time between successive frames (the whole frame: layout, our layer, tessellation,
    /// rendering, presenting).
    pub frames: Vec<Duration>,
    /// Time spent in the precinct layer's code, per frame.
    pub layer: Vec<Duration>,
    /// Time spent in the street map's code, per frame.
    pub streets: Vec<Duration>,
    /// Who draws the precinct layer ("gpu" or "cpu"), for the report.
    pub renderer: &'static str,
    /// When the replay was made (it waits for the layer's levels, a minute at most).
    made: Instant,
}

impl Replay {
    /// From the whole campaign (`bounds`, world units) down to street level at its centre, a
    /// pan there, and back out: `steps` frames each way.
    #[must_use]
    pub fn new(bounds: [f64; 4], width: f64, steps: usize, renderer: &'static str) -> Self {
        let center = [
            f64::midpoint(bounds[0], bounds[2]),
            f64::midpoint(bounds[1], bounds[3]),
        ];
        let start = (width / (bounds[2] - bounds[0]).max(1e-9)).log2();
        let mut views = Vec::new();
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            views.push((center, start + t * (17.0 - start).max(0.0)));
        }
        for s in 0..steps / 2 {
            let d = s as f64 * 30.0 / 2f64.powf(17.0);
            views.push(([center[0] + d, center[1] - d / 2.0], 17.0));
        }
        let back: Vec<([f64; 2], f64)> = views[..=steps].iter().rev().copied().collect();
        views.extend(back);
        Self {
            views,
            next: 0,
            last: None,
            frames: Vec::new(),
            layer: Vec::new(),
            streets: Vec::new(),
            renderer,
            made: Instant::now(),
        }
    }

    /// Whether the first view was given.
    #[must_use]
    pub fn started(&self) -> bool {
        self.next > 0
    }

    /// Whether it has waited a minute for the layer to be ready.
    #[must_use]
    pub fn waited_too_long(&self) -> bool {
        self.made.elapsed() > Duration::from_mins(1)
    }

    /// The view of the coming frame (its centre and zoom), or `None` when finished.
    pub fn advance(
        &mut self,
        layer_time: Duration,
        street_time: Duration,
    ) -> Option<(Position, f64)> {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.frames.push(now - last);
            self.layer.push(layer_time);
            self.streets.push(street_time);
        }
        self.last = Some(now);
        let (w, zoom) = *self.views.get(self.next)?;
        self.next += 1;
        Some((World { x: w[0], y: w[1] }.position(), zoom))
    }

    /// p50 and p99 of `times`, in milliseconds.
    #[must_use]
    pub fn percentiles(times: &[Duration]) -> (f64, f64) {
        let mut t: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        t.sort_by(f64::total_cmp);
        if t.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let at = |q: f64| t[((t.len() as f64 * q).ceil() as usize).clamp(1, t.len()) - 1];
        (at(0.5), at(0.99))
    }
}
