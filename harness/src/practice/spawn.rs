//! Runs one question of a judge in a child process under a time limit, and turns whatever
//! happened into a verdict: the judge's reply, or "time limit exceeded", "stack overflow" or
//! "crashed (signal ...)" with the input the attempt was on.

use std::fs::File;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

use super::protocol::{Reply, Request};
use super::trace;

/// How a judge's run ended.
#[derive(Clone, Debug)]
pub enum Ending {
    Replied(Reply),
    /// It did not answer within the limit and was killed.
    TimedOut {
        limit: Duration,
        input: Option<String>,
    },
    /// It died (a signal or an exit without a reply); `what` says how.
    Died {
        what: String,
        input: Option<String>,
    },
}

/// A run of a judge: how it ended and how long the child process lived.
#[derive(Clone, Debug)]
pub struct Run {
    pub ending: Ending,
    pub wall: Duration,
}

/// Asks `judge` one question, killing it after `limit`. Its output goes through files in
/// `dir` (a pipe could fill and stall it), the input it is on included.
pub fn ask(judge: &Path, dir: &Path, request: &Request, limit: Duration) -> Result<Run> {
    let (stdout_path, stderr_path, trace_path) =
        (dir.join("stdout.txt"), dir.join("stderr.txt"), dir.join("input.txt"));
    let create = |path: &Path| File::create(path).with_context(|| format!("creating {}", path.display()));
    let (stdout, stderr) = (create(&stdout_path)?, create(&stderr_path)?);
    let _ = std::fs::remove_file(&trace_path);
    let request = Request { trace: Some(trace_path.clone()), ..request.clone() };

    let started = Instant::now();
    let mut child = Command::new(judge)
        .args(request.to_args())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("starting {}", judge.display()))?;
    let status = match child.wait_timeout(limit).context("waiting for the judge")? {
        Some(status) => Some(status),
        None => {
            let _ = child.kill();
            child.wait().context("reaping the judge")?;
            None
        }
    };
    let wall = started.elapsed();
    let input = trace::last(&trace_path);
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    let ending = match status {
        None => Ending::TimedOut { limit, input },
        Some(status) => match Reply::decode(&read(&stdout_path)) {
            Some(reply) if status.success() => Ending::Replied(reply),
            _ => Ending::Died { what: death(status, &read(&stderr_path)), input },
        },
    };
    Ok(Run { ending, wall })
}

/// How a process that gave no reply ended, in words: a stack overflow, a signal by name, or
/// its exit code, with what it said last on stderr.
fn death(status: ExitStatus, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "stack overflow".to_string();
    }
    let said = last_words(stderr);
    match status.signal() {
        Some(signal) => format!("crashed (signal {signal}, {}){said}", signal_name(signal)),
        None => format!("crashed (exit status {}){said}", status.code().unwrap_or(-1)),
    }
}

/// The last few lines of stderr, for a crash report: a guard-page fault names its buffer there.
fn last_words(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = &lines[lines.len().saturating_sub(4)..];
    if tail.is_empty() { String::new() } else { format!(":\n{}", tail.join("\n")) }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL: an instruction this CPU lacks",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV: a memory access out of bounds",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deaths_are_named() {
        let segv = ExitStatus::from_raw(11);
        let said = "guard_pages: SIGSEGV at 0x7f00, in the guard page after the last element of `y`";
        let what = death(segv, said);
        assert!(what.starts_with("crashed (signal 11, SIGSEGV"), "{what}");
        assert!(what.ends_with(said), "{what}");
        let abort = ExitStatus::from_raw(6);
        let overflow = "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n";
        assert_eq!(death(abort, overflow), "stack overflow");
        assert_eq!(death(ExitStatus::from_raw(101 << 8), ""), "crashed (exit status 101)");
    }
}
