//! `harness hint <target>`: the curriculum's hints one at a time, from a nudge to nearly the
//! answer, remembering in `practice/progress.json` how many were shown; `--all` prints them all.

use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use serde_json::json;

use super::Target;
use super::progress::Progress;
use crate::cli::HintArgs;
use crate::style;
use crate::workspace::Workspace;

pub fn run(args: &HintArgs) -> Result<ExitCode> {
    let target = Target::find(&args.target)?;
    let ws = Workspace::find()?;
    let name = target.name();
    let path = ws.curriculum(&name).join("hints.md");
    let text = fs::read_to_string(&path).with_context(|| {
        format!("there are no hints for {} yet: reading {}", target.title(), ws.relative(&path).display())
    })?;
    let hints = split(&text);
    ensure!(!hints.is_empty(), "{} holds no hints", ws.relative(&path).display());

    let shown_before = Progress::load(&ws)?.record(&name).hints_shown;
    let range = if args.all { 0..hints.len() } else { shown_before.min(hints.len())..(shown_before + 1) };
    let shown = range.end.min(hints.len()).max(shown_before);
    Progress::update(&ws, &name, |record| record.hints_shown = shown)?;

    let picked: Vec<(usize, &str)> =
        range.filter(|&i| i < hints.len()).map(|i| (i + 1, hints[i].as_str())).collect();
    if args.json {
        let out = json!({
            "target": name,
            "total": hints.len(),
            "hints": picked.iter().map(|(n, text)| json!({ "number": n, "text": text })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if picked.is_empty() {
        println!(
            "no more hints: all {} of {} are shown (`harness hint {} --all` prints them again; \
             `harness solution {}` once your attempt passes)",
            hints.len(),
            target.title(),
            target.id(),
            target.id()
        );
    }
    for (number, hint) in picked {
        println!("{}", style::bold(&format!("hint {number} of {} for {}", hints.len(), target.title())));
        println!("{hint}\n");
    }
    Ok(ExitCode::SUCCESS)
}

/// The hints of a `hints.md`: the text between lines holding only `---`, trimmed, empty ones
/// left out.
pub fn split(text: &str) -> Vec<String> {
    let mut hints = vec![String::new()];
    for line in text.lines() {
        if line.trim() == "---" {
            hints.push(String::new());
        } else {
            let current = hints.last_mut().expect("never empty");
            current.push_str(line);
            current.push('\n');
        }
    }
    hints.into_iter().map(|h| h.trim().to_string()).filter(|h| !h.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_split_on_rule_lines_only() {
        let text = "A nudge.\n---\nCloser:\n\n  --- not a rule\n---\n\n---\nNearly the answer.\n";
        assert_eq!(split(text), vec!["A nudge.", "Closer:\n\n  --- not a rule", "Nearly the answer."]);
    }
}
