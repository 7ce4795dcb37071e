//! What the end-to-end tests share: running the built binary in a directory, and scratch
//! copies of the workspace to run it in.

#![allow(dead_code)] // each test binary uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the built `harness` in `dir`, without colours.
pub fn harness_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the harness binary runs")
}

/// Runs the built `harness` in this crate's directory, as `cargo test` does, without colours.
pub fn harness(args: &[&str]) -> Output {
    harness_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// This workspace's root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// stdout, then stderr.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// A copy of the workspace's sources in a fresh temporary directory, outside this workspace so
/// that nothing can find its way up to the real one; removed when dropped.
pub fn scratch_copy() -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("harness-scratch-").tempdir().expect("a temporary directory");
    copy_workspace(&workspace(), dir.path());
    dir
}

/// Copies the workspace's sources into `to`: not `target/`, `.git/`, nor the attempts in
/// `practice/` at its root.
pub fn copy_workspace(from: &Path, to: &Path) {
    copy_tree(from, to, &["target", ".git", "practice"]);
}

fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&source, &dest, &["target"]);
        } else {
            std::fs::copy(&source, &dest).unwrap();
        }
    }
}
