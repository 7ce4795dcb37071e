//! Where the workspace is on disk, and where in it the learner's attempts, the curriculum (stubs
//! and hints) and the judges' builds live: the one place that knows the layout of `practice/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The workspace a command works on.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// The nearest directory, from the current one upwards, that holds `problems/registry.txt`.
    pub fn find() -> Result<Workspace> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        cwd.ancestors()
            .find(|dir| Workspace::is_root(dir))
            .map(|root| Workspace { root: root.to_path_buf() })
            .with_context(|| {
                format!("{} is not inside the workspace (no problems/registry.txt above it)", cwd.display())
            })
    }

    pub fn is_root(dir: &Path) -> bool {
        dir.join("problems/registry.txt").is_file()
    }

    /// `practice/`: every attempt, the progress file, and the judges' build directory.
    pub fn practice(&self) -> PathBuf {
        self.root.join("practice")
    }

    /// `practice/<target>/`: one attempt, a crate of its own.
    pub fn attempt_dir(&self, target: &str) -> PathBuf {
        self.practice().join(target)
    }

    /// `practice/<target>/src/lib.rs`: the learner's file.
    pub fn attempt_file(&self, target: &str) -> PathBuf {
        self.attempt_dir(target).join("src/lib.rs")
    }

    /// `practice/progress.json`: hints shown and the last verdict of each attempt.
    pub fn progress_file(&self) -> PathBuf {
        self.practice().join("progress.json")
    }

    /// `practice/target/<target>/`: the attempt's judge, its build and the files of its runs.
    pub fn build_dir(&self, target: &str) -> PathBuf {
        self.practice().join("target").join(target)
    }

    /// `harness/curriculum/<target>/`: the stub an attempt starts from, and the hints.
    pub fn curriculum(&self, target: &str) -> PathBuf {
        self.root.join("harness/curriculum").join(target)
    }

    /// A path as the learner would type it from the workspace root.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}
