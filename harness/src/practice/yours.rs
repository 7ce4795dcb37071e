//! The learner's attempt as `harness run` and `harness bench` show it: a group named `yours`
//! ahead of the references, each check answered by the attempt's judge in a child process
//! under the time limit, its verdict recorded in `practice/progress.json`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use problems::check::{Failure, Status};

use super::compile::{self, BuildError};
use super::progress::{Progress, State};
use super::protocol::{Command, Planned, Reply, Request};
use super::spawn::{self, Ending};
use super::{Target, judge};
use crate::report::{Group, Line};
use crate::workspace::Workspace;

/// How an attempt's checks run: the references' seed and cases, and the judge's time limit.
#[derive(Clone, Copy, Debug)]
pub struct Judging {
    pub seed: u64,
    pub cases: u32,
    pub long: bool,
    pub time_limit: Duration,
}

/// A built judge, ready for questions.
pub struct Judge {
    exe: PathBuf,
    dir: PathBuf,
}

/// Builds the judge of the attempt at `target` if there is an attempt: `Ok(None)` without one,
/// `Ok(Some(Err(..)))` when it does not compile.
pub fn build(ws: &Workspace, target: &Target) -> Result<Option<Result<Judge, BuildError>>> {
    let name = target.name();
    let file = ws.attempt_file(&name);
    if !file.is_file() {
        return Ok(None);
    }
    let source = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let undocumented = super::safety::undocumented_unsafe_blocks(&source);
    if !undocumented.is_empty() {
        let lines: Vec<String> = undocumented.iter().map(|l| l.to_string()).collect();
        return Ok(Some(Err(BuildError {
            message: format!(
                "{}: `unsafe` block without a `// SAFETY:` comment above it (line {})",
                ws.relative(&file).display(),
                lines.join(", ")
            ),
            details: "every unsafe block says why it is sound, as in the library: \
                      `// SAFETY: <the CPU feature is there, the index is in bounds, ...>`"
                .into(),
        })));
    }
    let guard = ws.root.join("kernels/tests/common/guard.rs");
    let main = judge::source(target, &guard).with_context(|| format!("no judge adapter for {name}"))?;
    let dir = ws.build_dir(&name);
    Ok(Some(compile::judge(ws, &name, &main)?.map(|exe| Judge { exe, dir })))
}

/// Runs every check of the attempt at `target` and returns them as the group `yours` (or
/// `None` if there is no attempt), recording the verdict.
pub fn group(ws: &Workspace, target: &Target, judging: &Judging) -> Result<Option<Group>> {
    let Some(built) = build(ws, target)? else { return Ok(None) };
    let name = target.name();
    let summary = format!("your attempt, {}", ws.relative(&ws.attempt_file(&name)).display());
    let lines = match built {
        Err(error) => vec![build_failure(error)],
        Ok(judge) => checks(&judge, judging)?,
    };
    let group = Group { name: "yours".into(), yours: true, summary, lines };
    let state = State::of(group.status());
    Progress::update(ws, &name, |record| record.last_run = Some(state))?;
    Ok(Some(group))
}

/// The judge's checks, one child process each; once one is pending the rest are not run.
fn checks(judge: &Judge, judging: &Judging) -> Result<Vec<Line>> {
    let plan = match judge.ask(Command::Plan, judging)? {
        Answer::Reply(Reply::Plan(plan)) => plan,
        Answer::Reply(other) => anyhow::bail!("the judge answered {other:?} to `plan`"),
        Answer::Failed(line) => return Ok(vec![line]),
    };
    let mut lines: Vec<Line> = Vec::new();
    for Planned { label, applies } in plan {
        let line = if let Err(why) = applies {
            Line { status: Status::Skipped, detail: format!("not applicable: {why}"), ..blank(&label) }
        } else if lines.iter().any(|l| l.status == Status::Pending) {
            Line { status: Status::Pending, detail: "not solved yet".into(), ..blank(&label) }
        } else {
            match judge.ask(Command::Check(label.clone()), judging)? {
                Answer::Reply(Reply::Line(line)) => line,
                Answer::Reply(other) => anyhow::bail!("the judge answered {other:?} to `check {label}`"),
                // A crash or a hang replays with the same seed, like a failed property.
                Answer::Failed(line) => Line { label, random: true, ..line },
            }
        };
        lines.push(line);
    }
    Ok(lines)
}

/// What a judge's run gave: its reply, or a failed line saying how it ended.
pub enum Answer {
    Reply(Reply),
    Failed(Line),
}

impl Judge {
    /// Asks one question under the time limit.
    pub fn ask(&self, command: Command, judging: &Judging) -> Result<Answer> {
        let request =
            Request { command, seed: judging.seed, cases: judging.cases, long: judging.long, trace: None };
        let run = spawn::ask(&self.exe, &self.dir, &request, judging.time_limit)?;
        let (detail, message, input) = match run.ending {
            Ending::Replied(reply) => return Ok(Answer::Reply(reply)),
            Ending::TimedOut { limit, input } => {
                let message = format!("time limit exceeded: stopped after {} s", limit.as_secs_f64());
                ("stopped by the judge", message, input)
            }
            Ending::Died { what, input } => ("the judge's process died", what, input),
        };
        let failure = Failure {
            message,
            input: input.unwrap_or_default(),
            expected: None,
            actual: None,
            diff: None,
            shrunk: false,
        };
        let detail = detail.to_string();
        let line =
            Line { status: Status::Failed, detail, elapsed: run.wall, failure: Some(failure), ..blank("") };
        Ok(Answer::Failed(line))
    }
}

/// The one line of an attempt that did not build: rustc's errors under it.
fn build_failure(error: BuildError) -> Line {
    let failure = Failure {
        message: format!("{}\n{}", error.message, error.details),
        input: String::new(),
        expected: None,
        actual: None,
        diff: None,
        shrunk: false,
    };
    Line {
        status: Status::Failed,
        detail: "the attempt and its judge".into(),
        failure: Some(failure),
        ..blank("build")
    }
}

fn blank(label: &str) -> Line {
    Line {
        label: label.to_string(),
        status: Status::Passed,
        detail: String::new(),
        elapsed: Duration::ZERO,
        failure: None,
        random: false,
    }
}

/// The attempt at a target as `harness bench` measures it.
pub struct Bench {
    judge: Result<Judge, String>,
    time_limit: Duration,
}

impl Bench {
    /// The attempt's judge, built, or `None` without an attempt.
    pub fn new(ws: &Workspace, target: &Target, time_limit: Duration) -> Result<Option<Bench>> {
        let judge = build(ws, target)?.map(|built| {
            built.map_err(|e| {
                format!("does not compile: {} (`harness run {}` shows why)", e.message, target.id())
            })
        });
        Ok(judge.map(|judge| Bench { judge, time_limit }))
    }

    /// Seconds per call (problems, at `[nodes]`) or work per second (kernels, at a table's
    /// shape), measured in the judge; or why there is no number.
    pub fn measure(&self, size: &[usize]) -> Result<f64, String> {
        let judge = self.judge.as_ref().map_err(Clone::clone)?;
        let judging = Judging { seed: 0, cases: 0, long: false, time_limit: self.time_limit };
        match judge.ask(Command::Bench(size.to_vec()), &judging).map_err(|e| format!("{e:#}"))? {
            Answer::Reply(Reply::Measured(value)) => Ok(value),
            Answer::Reply(Reply::Pending) => Err("pending: not solved yet (todo!)".into()),
            Answer::Reply(Reply::Panicked(message)) => Err(format!("panicked: {message}")),
            Answer::Reply(other) => Err(format!("the judge answered {other:?}")),
            Answer::Failed(line) => {
                let message = line.failure.map(|f| f.message).unwrap_or_default();
                Err(message.lines().next().unwrap_or_default().to_string())
            }
        }
    }
}
