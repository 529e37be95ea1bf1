//! Progress reports of long work (imports, exports), so the app can draw a progress bar and
//! offer to cancel, and the command line can print where it is.

use std::ops::ControlFlow;

/// The stage a long operation is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing the input file.
    Reading,
    /// Checking and repairing the features.
    Checking,
    /// Writing to the campaign file (one transaction).
    Writing,
}

impl Stage {
    /// A short English label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Reading => "reading",
            Self::Checking => "checking",
            Self::Writing => "writing",
        }
    }
}

/// How far a long operation has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The current stage.
    pub stage: Stage,
    /// Items done in this stage.
    pub done: usize,
    /// Items in this stage (0 when unknown).
    pub total: usize,
}

/// Receives progress; returning `ControlFlow::Break(())` cancels the operation, which then
/// leaves the campaign file as it was.
pub type ProgressFn<'a> = dyn FnMut(Progress) -> ControlFlow<()> + 'a;

/// A progress receiver that never cancels and reports nowhere.
pub fn ignore(_: Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}
