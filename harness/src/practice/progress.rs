//! `practice/progress.json`: per target, how many hints were shown and how the attempt fared
//! in its last run, so that `hint` goes on where it stopped, `solution` knows whether the attempt
//! passed, and `list` and `status` show attempts without running them.

use std::collections::BTreeMap;
use std::fs;

use anyhow::{Context, Result};
use problems::check::Status;
use serde::{Deserialize, Serialize};

use super::Target;
use crate::style;
use crate::workspace::Workspace;

/// Where an attempt stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// No attempt yet.
    None,
    /// Still `todo!()` somewhere, as every stub starts.
    Pending,
    /// Some check failed, or it did not build.
    Failing,
    /// Every check passed.
    Solved,
}

impl State {
    pub fn word(self) -> &'static str {
        match self {
            State::None => "none",
            State::Pending => "pending",
            State::Failing => "failing",
            State::Solved => "solved",
        }
    }

    /// The state a run's verdict leaves an attempt in.
    pub fn of(status: Status) -> State {
        match status {
            Status::Passed | Status::Skipped => State::Solved,
            Status::Failed => State::Failing,
            Status::Pending => State::Pending,
        }
    }
}

/// One target's record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// How many hints `harness hint` has shown.
    #[serde(default)]
    pub hints_shown: usize,
    /// The verdict of the attempt's last run, if it ran.
    #[serde(default)]
    pub last_run: Option<State>,
}

/// The whole file: a record per target name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub targets: BTreeMap<String, Record>,
}

impl Progress {
    /// The file's contents, or an empty record if there is none yet.
    pub fn load(ws: &Workspace) -> Result<Progress> {
        let path = ws.progress_file();
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn save(&self, ws: &Workspace) -> Result<()> {
        let path = ws.progress_file();
        fs::create_dir_all(ws.practice()).with_context(|| format!("creating {}", ws.practice().display()))?;
        let text = serde_json::to_string_pretty(self)? + "\n";
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    }

    pub fn record(&self, target: &str) -> Record {
        self.targets.get(target).copied().unwrap_or_default()
    }

    /// Changes one target's record and saves the file.
    pub fn update(ws: &Workspace, target: &str, change: impl FnOnce(&mut Record)) -> Result<Record> {
        let mut progress = Progress::load(ws)?;
        let record = progress.targets.entry(target.to_string()).or_default();
        change(record);
        let record = *record;
        progress.save(ws)?;
        Ok(record)
    }
}

/// Where the attempt at `target` stands: none without its file, else its last run's verdict
/// (pending if it never ran: it starts as the stub).
pub fn state(ws: &Workspace, progress: &Progress, target: &str) -> State {
    if !ws.attempt_file(target).is_file() {
        return State::None;
    }
    progress.record(target).last_run.unwrap_or(State::Pending)
}

/// Where each attempt stands, as far as `practice/progress.json` knows (none at all outside
/// a workspace).
pub struct Attempts(Option<(Workspace, Progress)>);

impl Attempts {
    pub fn load() -> Attempts {
        Attempts(Workspace::find().ok().and_then(|ws| Progress::load(&ws).ok().map(|p| (ws, p))))
    }

    pub fn state(&self, target: &Target) -> State {
        self.0.as_ref().map_or(State::None, |(ws, progress)| state(ws, progress, &target.name()))
    }

    /// The state's word, coloured as a run's marks are.
    pub fn shown(&self, target: &Target) -> String {
        let state = self.state(target);
        let word = format!("{:<8}", state.word());
        match state {
            State::None => style::dim(&word),
            State::Pending => style::yellow(&word),
            State::Failing => style::red(&word),
            State::Solved => style::green(&word),
        }
    }
}
