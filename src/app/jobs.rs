//! Long work on a worker thread (opening a campaign, imports): it owns the campaign file
//! meanwhile, reports progress, can be cancelled, and hands back what it made.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use super::PlannerApp;
use crate::map::streets::StreetLayer;
use crate::progress::{Progress, ProgressFn};
use crate::state::{Action, Confirm, Edit, JobStatus, Message, Session};
use crate::store::Campaign;

/// What a finished job hands back besides its note.
pub enum JobOutcome {
    /// A campaign read whole (opened, or re-read after an import that changed its precincts
    /// or results), or why it could not be.
    Opened(Box<Result<Session, String>>),
    /// The campaign file, given back after an edit that changed only turfs or doors.
    Returned(Campaign),
    /// The campaign file, given back after a streets import (and the doors of the same
    /// extract), with its street map read anew, or why it could not be.
    Streets(Campaign, Box<Result<StreetLayer, String>>),
}

/// What a finished job has to say.
pub enum JobNote {
    /// A message.
    Say(Message),
    /// A question: the job would destroy work; `Action` does it anyway if the user agrees.
    Confirm(String, Box<Action>),
    /// Walk sheets were printed: a message, and the files the user may open.
    Printed(Message, Vec<std::path::PathBuf>),
}

/// What a finished job hands back.
pub struct JobDone {
    /// The campaign, read whole or given back.
    pub outcome: JobOutcome,
    /// What to tell the user.
    pub note: Option<JobNote>,
    /// The edit to record for undo.
    pub edit: Option<Edit>,
}

/// Background work in progress.
pub struct Job {
    /// What it is doing.
    pub label: String,
    /// Its latest progress report.
    pub progress: Arc<Mutex<Option<Progress>>>,
    cancel: Arc<AtomicBool>,
    done: Receiver<JobDone>,
}

/// The background work: one job at a time.
#[derive(Default)]
pub struct Jobs {
    current: Option<Job>,
}

impl Jobs {
    /// Whether a job is running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.current.is_some()
    }

    /// The running job, as the status bar shows it.
    #[must_use]
    pub fn status(&self) -> Option<JobStatus> {
        let job = self.current.as_ref()?;
        let fraction = job.progress.lock().ok().and_then(|p| *p).map_or(0.0, |p| {
            if p.total == 0 {
                0.0
            } else {
                p.done as f32 / p.total as f32
            }
        });
        Some(JobStatus {
            label: job.label.clone(),
            fraction,
        })
    }

    /// Asks the running job to stop.
    pub fn cancel(&self) {
        if let Some(job) = &self.current {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Runs `work` on a worker thread with a progress sink and cancellation; refused (returns
    /// `false`) while another job runs.
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        label: String,
        work: impl FnOnce(&mut ProgressFn<'_>) -> JobDone + Send + 'static,
    ) -> bool {
        if self.current.is_some() {
            return false;
        }
        let progress = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (p, c, repaint) = (progress.clone(), cancel.clone(), ctx.clone());
        std::thread::spawn(move || {
            let mut report = |now: Progress| {
                if let Ok(mut slot) = p.lock() {
                    *slot = Some(now);
                }
                repaint.request_repaint();
                if c.load(Ordering::Relaxed) {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            };
            let done = work(&mut report);
            let _ = tx.send(done);
            repaint.request_repaint();
        });
        self.current = Some(Job {
            label,
            progress,
            cancel,
            done: rx,
        });
        true
    }

    /// The finished job's result, once.
    fn finished(&mut self) -> Option<JobDone> {
        let done = self.current.as_ref()?.done.try_recv().ok()?;
        self.current = None;
        Some(done)
    }
}

impl PlannerApp {
    /// Collects a finished job and network checks; called every frame.
    pub fn poll(&mut self) {
        self.basemap.poll();
        let Some(done) = self.jobs.finished() else {
            return;
        };
        let mut reset = None;
        let mut returned = false;
        let mut streets_unread = None;
        match done.outcome {
            JobOutcome::Opened(opened) => match *opened {
                Ok(mut session) => {
                    reset = session.scoring_reset.take();
                    let same = self
                        .session
                        .as_ref()
                        .is_some_and(|old| old.path == session.path);
                    self.show(session, same);
                }
                Err(e) => self.view.say(Message::error(e)),
            },
            JobOutcome::Returned(campaign) => {
                if let Some(s) = &mut self.session {
                    s.put_back(campaign);
                }
                returned = true;
            }
            JobOutcome::Streets(campaign, streets) => {
                if let Some(s) = &mut self.session {
                    s.put_back(campaign);
                    match *streets {
                        Ok(layer) => s.set_streets(layer),
                        Err(e) => streets_unread = Some(e),
                    }
                    self.basemap.suit(!s.streets.is_empty());
                }
                returned = true;
            }
        }
        if let Some(edit) = done.edit {
            self.history.record(edit);
        }
        match done.note {
            Some(JobNote::Say(message)) => self.view.say(message),
            Some(JobNote::Printed(message, files)) => {
                self.view.say(message);
                self.view.printed = files;
            }
            Some(JobNote::Confirm(question, action)) => {
                self.view.confirm = Some(Confirm {
                    question,
                    action: *action,
                });
            }
            None => {}
        }
        if let Some(reset) = reset {
            self.view.add_error(&reset.localized(self.persisted.lang));
        }
        if let Some(e) = streets_unread {
            self.view.add_error(&e);
        }
        if returned {
            // After the note, so that a failed read is added to it, not hidden by it.
            self.refresh(true);
        }
    }
}
