//! `harness practice <target>`: creates the learner's attempt from the curriculum's blank stub,
//! as a crate of its own under `practice/`, and never overwrites one (`--reset` keeps the old
//! file beside the fresh stub).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use serde_json::json;

use super::Target;
use super::progress::{Progress, State};
use crate::cli::PracticeArgs;
use crate::workspace::Workspace;

pub fn run(args: &PracticeArgs) -> Result<ExitCode> {
    let target = Target::find(&args.target)?;
    let ws = Workspace::find()?;
    let name = target.name();
    let stub_path = ws.curriculum(&name).join("stub.rs");
    let stub = fs::read_to_string(&stub_path).with_context(|| {
        format!("there is no stub for {} yet: reading {}", target.title(), ws.relative(&stub_path).display())
    })?;
    let file = ws.attempt_file(&name);
    let kept = if file.exists() {
        ensure!(
            args.reset,
            "{} already exists and is left as it is; `harness practice {} --reset` starts again from \
             the stub and keeps it beside the new one",
            ws.relative(&file).display(),
            target.id()
        );
        Some(keep_aside(&file)?)
    } else {
        None
    };
    create(&ws, &target, &stub)?;
    Progress::update(&ws, &name, |record| record.last_run = Some(State::Pending))?;

    if args.json {
        let out = json!({ "target": name, "file": file, "kept": kept });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        if let Some(kept) = &kept {
            println!("kept your previous attempt as {}", ws.relative(kept).display());
        }
        println!("{}", file.display());
        println!(
            "next: write your solution there, then `cargo harness run {}` (`cargo harness hint {}` helps)",
            target.id(),
            target.id()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the attempt's crate: its manifest, the stub as `src/lib.rs`, and a `.gitignore`
/// in `practice/` that keeps the judges' builds out of version control.
fn create(ws: &Workspace, target: &Target, stub: &str) -> Result<()> {
    let name = target.name();
    let dir = ws.attempt_dir(&name);
    fs::create_dir_all(dir.join("src")).with_context(|| format!("creating {}", dir.display()))?;
    write_new(&dir.join("Cargo.toml"), &manifest(target))?;
    write_new(&ws.practice().join(".gitignore"), "# The judges' builds.\n/target/\n")?;
    let file = ws.attempt_file(&name);
    fs::write(&file, stub).with_context(|| format!("writing {}", file.display()))
}

/// Writes `text` to `path` unless the file exists already.
fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Renames `file` to the first free `<file>.1`, `<file>.2`, ... beside it.
fn keep_aside(file: &Path) -> Result<PathBuf> {
    let kept = (1..)
        .map(|n| PathBuf::from(format!("{}.{n}", file.display())))
        .find(|candidate| !candidate.exists())
        .expect("some number is free");
    fs::rename(file, &kept).with_context(|| format!("moving {} to {}", file.display(), kept.display()))?;
    Ok(kept)
}

/// The attempt's `Cargo.toml`: a crate of its own (its own `[workspace]`), so an editor or
/// `cargo build` works in it, with the library's rules for `unsafe`.
fn manifest(target: &Target) -> String {
    format!(
        r#"# Your attempt at {title}. `cargo harness run {id}` builds it with its judge; this manifest
# is for your editor and `cargo build` here.
[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
problems = {{ path = "../../problems" }}

[lints.rust]
unsafe_op_in_unsafe_fn = "deny"

[lints.clippy]
undocumented_unsafe_blocks = "deny"

[workspace]
"#,
        title = target.title(),
        id = target.id(),
        name = target.name()
    )
}
