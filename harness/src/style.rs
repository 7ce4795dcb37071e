//! Terminal styling: marks and colours, with colours only on a terminal and never under
//! `NO_COLOR`.

use std::io::IsTerminal;
use std::sync::OnceLock;

use problems::check::Status;

static ENABLED: OnceLock<bool> = OnceLock::new();

/// Colours are on when stdout is a terminal and `NO_COLOR` is unset or empty.
fn colour_enabled() -> bool {
    *ENABLED.get_or_init(|| {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
    })
}

/// Forces colours off for the rest of the process (before anything is printed).
pub fn disable_colour() {
    let _ = ENABLED.set(false);
}

fn paint(code: &str, text: &str) -> String {
    if colour_enabled() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

pub fn green(text: &str) -> String {
    paint("32", text)
}

pub fn red(text: &str) -> String {
    paint("31", text)
}

pub fn yellow(text: &str) -> String {
    paint("33", text)
}

pub fn dim(text: &str) -> String {
    paint("2", text)
}

pub fn bold(text: &str) -> String {
    paint("1", text)
}

/// The one-character mark of a status, coloured.
pub fn mark(status: Status) -> String {
    match status {
        Status::Passed => green("✓"),
        Status::Failed => red("✗"),
        Status::Pending => yellow("○"),
        Status::Skipped => dim("-"),
    }
}

/// The lowercase word for a status, as JSON and summaries print it.
pub fn word(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Pending => "pending",
        Status::Skipped => "skipped",
    }
}

/// The status a [`word`] names.
pub fn status(word: &str) -> Option<Status> {
    [Status::Passed, Status::Failed, Status::Pending, Status::Skipped]
        .into_iter()
        .find(|&s| self::word(s) == word)
}
