//! Builds an attempt and its judge. The judge links the very build of `problems`, `kernels` and
//! `harness` that the running harness comes from (the same profile and target directory, found
//! through cargo), so the attempt is held to exactly the specs the references are, and only
//! two small crates compile: the attempt (as a library) and the judge's `main`, both with rustc
//! directly and optimised. A compile error is the attempt's verdict, with rustc's message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

use anyhow::{Context, Result, ensure};
use serde_json::Value;

use crate::workspace::Workspace;

/// Where the compiled crates an attempt links against are.
#[derive(Clone, Debug)]
pub struct Toolchain {
    rustc: PathBuf,
    /// `<target>/<profile>/deps`, where their dependencies are.
    deps: PathBuf,
    /// The rlib of each crate a judge names: harness, problems, kernels, libc.
    externs: BTreeMap<String, PathBuf>,
}

/// The crates a judge links by name.
const LINKED: [&str; 4] = ["harness", "problems", "kernels", "libc"];

impl Toolchain {
    /// The build the running harness comes from, brought up to date once per process (a no-op
    /// unless the sources changed since).
    pub fn get() -> Result<&'static Toolchain> {
        static TOOLCHAIN: OnceLock<Toolchain> = OnceLock::new();
        if let Some(toolchain) = TOOLCHAIN.get() {
            return Ok(toolchain);
        }
        let toolchain = Toolchain::discover()?;
        Ok(TOOLCHAIN.get_or_init(|| toolchain))
    }

    fn discover() -> Result<Toolchain> {
        let root = build_root()?;
        let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--profile", profile, "-p", "harness", "--lib", "--message-format=json"])
            .args(["--color", "never", "--manifest-path"])
            .arg(root.join("Cargo.toml"));
        if let Some(target_dir) = own_target_dir() {
            command.arg("--target-dir").arg(target_dir);
        }
        let output = command.output().context("running cargo to find the harness's own build")?;
        ensure!(
            output.status.success(),
            "the workspace at {} does not build, so no attempt can be judged:\n{}",
            root.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut externs = BTreeMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else { continue };
            let Some(name) = message["target"]["name"].as_str().filter(|n| LINKED.contains(n)) else {
                continue;
            };
            let files = message["filenames"].as_array().into_iter().flatten().filter_map(Value::as_str);
            if let Some(rlib) = files.into_iter().find(|f| f.ends_with(".rlib")) {
                externs.insert(name.to_string(), PathBuf::from(rlib));
            }
        }
        let missing: Vec<&str> = LINKED.iter().copied().filter(|n| !externs.contains_key(*n)).collect();
        ensure!(missing.is_empty(), "cargo built no rlib of {} for the judges", missing.join(", "));
        let deps = externs["problems"].parent().context("an rlib inside a directory")?.to_path_buf();
        let rustc = std::env::var_os("RUSTC").map_or_else(|| PathBuf::from("rustc"), PathBuf::from);
        Ok(Toolchain { rustc, deps, externs })
    }

    /// A rustc command for optimised code on the 2024 edition, linking against the
    /// harness's build, run from the workspace root so that messages name paths from there.
    fn rustc(&self, ws: &Workspace) -> Command {
        let mut command = Command::new(&self.rustc);
        command
            .current_dir(&ws.root)
            .args(["--edition", "2024", "-C", "opt-level=3", "-C", "debuginfo=0", "--color", "never"])
            .arg("-L")
            .arg(format!("dependency={}", self.deps.display()));
        command
    }

    fn extern_args(&self, names: &[&str]) -> Vec<String> {
        names.iter().map(|name| format!("--extern={name}={}", self.externs[*name].display())).collect()
    }

    /// The newest of the linked rlibs: a judge built before it is stale.
    fn newest(&self) -> SystemTime {
        self.externs.values().filter_map(|path| modified(path)).max().unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// Why an attempt did not build: what a learner reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub message: String,
    pub details: String,
}

/// Builds `practice/target/<target>/judge` from the attempt and the judge's `main` (written
/// there from `main_source`) unless it is newer than both and the linked crates, and returns its
/// path; `Ok(Err(..))` is the attempt's compile error.
pub fn judge(ws: &Workspace, target: &str, main_source: &str) -> Result<Result<PathBuf, BuildError>> {
    let toolchain = Toolchain::get()?;
    let dir = ws.build_dir(target);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let main = dir.join("main.rs");
    if std::fs::read_to_string(&main).ok().as_deref() != Some(main_source) {
        std::fs::write(&main, main_source).with_context(|| format!("writing {}", main.display()))?;
    }
    let source = ws.attempt_file(target);
    let (rlib, exe) = (dir.join("libattempt.rlib"), dir.join("judge"));
    // Which build the judge linked: another one (a debug harness after a release one) rebuilds.
    let linked = dir.join("linked.txt");
    let stamp: String = toolchain.externs.values().map(|p| format!("{}\n", p.display())).collect();
    if std::fs::read_to_string(&linked).ok().as_deref() != Some(stamp.as_str()) {
        let _ = std::fs::remove_file(&rlib);
        std::fs::write(&linked, &stamp).with_context(|| format!("writing {}", linked.display()))?;
    }

    if stale(&rlib, &[&source], toolchain) {
        let mut command = toolchain.rustc(ws);
        command
            .args(["--crate-type", "rlib", "--crate-name", "attempt", "-D", "unsafe_op_in_unsafe_fn"])
            .args(toolchain.extern_args(&["problems"]))
            .arg(ws.relative(&source))
            .arg("-o")
            .arg(&rlib);
        if let Err(details) = run(command)? {
            let _ = std::fs::remove_file(&rlib);
            let message = format!("does not compile: {}", ws.relative(&source).display());
            return Ok(Err(BuildError { message, details }));
        }
    }
    if stale(&exe, &[&rlib, &main], toolchain) {
        let mut command = toolchain.rustc(ws);
        command
            .args(["--crate-type", "bin", "--crate-name", "judge"])
            .arg(format!("--extern=attempt={}", rlib.display()))
            .args(toolchain.extern_args(&LINKED))
            .arg(&main)
            .arg("-o")
            .arg(&exe);
        if let Err(details) = run(command)? {
            let message = format!(
                "does not fit its judge ({}): are the signatures still the stub's?",
                ws.relative(&main).display()
            );
            return Ok(Err(BuildError { message, details }));
        }
    }
    Ok(Ok(exe))
}

/// Runs rustc: `Ok(Err(errors))` when it refuses the code, the warnings left out.
fn run(mut command: Command) -> Result<Result<(), String>> {
    let output = command.output().context("running rustc")?;
    if output.status.success() {
        return Ok(Ok(()));
    }
    Ok(Err(errors_only(&String::from_utf8_lossy(&output.stderr))))
}

/// The error diagnostics of rustc's output: its blocks (separated by blank lines) that do not
/// start with `warning`.
fn errors_only(stderr: &str) -> String {
    let blocks: Vec<&str> = stderr.split("\n\n").filter(|b| !b.trim_start().starts_with("warning")).collect();
    blocks.join("\n\n").trim_end().to_string()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Whether `output` is missing or older than any of `inputs` or the linked crates.
fn stale(output: &Path, inputs: &[&Path], toolchain: &Toolchain) -> bool {
    let Some(built) = modified(output) else { return true };
    built < toolchain.newest() || inputs.iter().any(|input| modified(input).is_none_or(|m| m > built))
}

/// The workspace this harness was built from (for the judges to link the same build); the
/// current one if that is gone (an installed harness whose sources moved).
fn build_root() -> Result<PathBuf> {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf);
    match built_from.filter(|root| Workspace::is_root(root)) {
        Some(root) => Ok(root),
        None => Ok(Workspace::find()?.root),
    }
}

/// The target directory the running harness was built into, if it runs from one
/// (`<target>/<profile>/harness`, where cargo leaves a `CACHEDIR.TAG`).
fn own_target_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?;
    let target = profile_dir.parent()?;
    target.join("CACHEDIR.TAG").is_file().then(|| target.to_path_buf())
}

/// Type-checks `source` (a crate root, written to `practice/target/<name>.rs`) against the
/// crates a judge links, without generating code: `Ok(Err(errors))` when rustc refuses it.
/// For checking many judges at once (every stub with its adapter).
pub fn typecheck(ws: &Workspace, name: &str, source: &str) -> Result<Result<(), String>> {
    let toolchain = Toolchain::get()?;
    let dir = ws.practice().join("target");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join(format!("{name}.rs"));
    std::fs::write(&file, source).with_context(|| format!("writing {}", file.display()))?;
    let mut command = toolchain.rustc(ws);
    command
        .args(["--crate-type", "bin", "--crate-name", name, "--emit=metadata", "--cap-lints", "allow"])
        .args(toolchain.extern_args(&LINKED))
        .arg(&file)
        .arg("--out-dir")
        .arg(&dir);
    run(command)
}
