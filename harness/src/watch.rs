//! `harness watch <target>`: re-runs `harness run <target>` (rebuilding first, so compile
//! errors show as they come) whenever the attempt at it, or a source file under problems/ or
//! kernels/, changes. Type q and Enter to quit.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

use crate::cli::WatchArgs;
use crate::practice::Target as PracticeTarget;
use crate::style;
use crate::workspace::Workspace;

const POLL: Duration = Duration::from_millis(300);

pub fn run(args: &WatchArgs) -> Result<ExitCode> {
    crate::run::resolve(&args.target)?;
    let ws = Workspace::find()?;
    let root = ws.root.clone();
    let mut watched = vec![root.join("problems"), root.join("kernels")];
    if let Ok(target) = PracticeTarget::find(&args.target) {
        watched.push(ws.attempt_dir(&target.name()));
    }
    let quit = quit_signal();

    let mut seen = snapshot(&watched);
    let mut child = Some(start(&root, args)?);
    loop {
        if quit.try_recv().is_ok() {
            if let Some(mut running) = child.take() {
                let _ = running.kill();
                let _ = running.wait();
            }
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(running) = child.as_mut()
            && running.try_wait()?.is_some()
        {
            child = None;
            println!(
                "\n{}",
                style::dim(&format!("watching {} for changes; q + Enter quits", names(&watched)))
            );
        }
        std::thread::sleep(POLL);
        let now = snapshot(&watched);
        if now != seen {
            seen = now;
            if let Some(mut running) = child.take() {
                let _ = running.kill();
                let _ = running.wait();
            }
            child = Some(start(&root, args)?);
        }
    }
}

/// Clears the screen and starts `cargo run -p harness -- run <target>` in the workspace, so the
/// code is rebuilt and its errors or report stream to this terminal. The clearing sequence is
/// flushed first: the child writes to the same terminal directly, and anything still in this
/// process's buffer would come out after its report and wipe it.
fn start(root: &Path, args: &WatchArgs) -> Result<Child> {
    let mut out = std::io::stdout().lock();
    out.write_all(b"\x1b[2J\x1b[H").and_then(|()| out.flush()).context("clearing the screen")?;
    drop(out);
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(["run", "--release", "--quiet", "-p", "harness", "--", "run", &args.target])
        .args(&args.run_args)
        .spawn()
        .context("starting cargo")
}

/// Receives a message when the user types q (or closes standard input).
fn quit_signal() -> mpsc::Receiver<()> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(line) if line.trim().eq_ignore_ascii_case("q") => break,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        let _ = send.send(());
    });
    receive
}

/// Modification times of every `.rs` and `.toml` file under the watched directories.
fn snapshot(dirs: &[PathBuf]) -> HashMap<PathBuf, SystemTime> {
    let mut files = HashMap::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs" || e == "toml" || e == "txt")
                && let Ok(modified) = meta.modified()
            {
                files.insert(path, modified);
            }
        }
    }
    files
}

/// "practice/p0024_swap_nodes_in_pairs, problems and kernels": the watched directories' names.
fn names(dirs: &[PathBuf]) -> String {
    let names: Vec<String> = dirs
        .iter()
        .map(|d| {
            let parent = d.parent().and_then(Path::file_name).map(|p| p.to_string_lossy().into_owned());
            let name = d.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            match parent {
                Some(parent) if parent == "practice" => format!("practice/{name}/"),
                _ => format!("{name}/"),
            }
        })
        .collect();
    names.join(", ")
}
