//! The input a judge is on, written to a file before each call of the attempt, so that when the
//! attempt never returns or kills the process, the report can still say which input did it.
//! Off (a no-op) everywhere but in a judge.

use std::fmt::{self, Debug, Write as _};
use std::fs::File;
use std::io::{Seek, Write as _};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// Longest input text kept; longer inputs are cut there.
const MAX: usize = 240;

static FILE: OnceLock<Mutex<File>> = OnceLock::new();

/// Starts tracing into `path` (the judge does, once).
pub fn open(path: &Path) -> std::io::Result<()> {
    let file = File::create(path)?;
    let _ = FILE.set(Mutex::new(file));
    Ok(())
}

/// Records `describe()` as the input about to run, replacing the previous one.
pub fn announce(describe: impl FnOnce() -> String) {
    if let Some(file) = FILE.get() {
        write(file, &describe());
    }
}

/// Records an input by its debug text, cut after [`MAX`] characters without formatting the rest
/// (a 10^6-node input costs no more than a short one).
pub fn announce_debug(input: &dyn Debug) {
    if let Some(file) = FILE.get() {
        let mut text = Limited(String::new());
        if write!(text, "{input:?}").is_err() {
            text.0.push_str(" …");
        }
        write(file, &text.0);
    }
}

fn write(file: &Mutex<File>, text: &str) {
    let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Best effort: a failure to trace must not change the verdict.
    let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(text.as_bytes()));
}

/// A string that refuses to grow past [`MAX`] bytes, which stops the formatting early.
struct Limited(String);

impl fmt::Write for Limited {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = MAX.saturating_sub(self.0.len());
        if s.len() <= room {
            self.0.push_str(s);
            return Ok(());
        }
        let cut = (0..=room).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        self.0.push_str(&s[..cut]);
        Err(fmt::Error)
    }
}

/// What the traced judge was last on, if anything.
pub fn last(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok().filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_inputs_are_cut_without_being_formatted_whole() {
        let mut text = Limited(String::new());
        let long: Vec<u32> = (0..1_000_000).collect();
        assert!(write!(text, "{long:?}").is_err());
        assert_eq!(text.0.len(), MAX);
        assert!(text.0.starts_with("[0, 1, 2, 3"));
    }
}
