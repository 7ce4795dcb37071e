//! `harness status`: where a learner stands, as solved / pending / failing counts by difficulty
//! and by chapter, each with a bar, and the learner's own attempts as of their last runs.

use std::process::ExitCode;

use anyhow::Result;
use problems::registry::PROBLEMS;
use problems::spec::{Chapter, Difficulty};
use serde_json::json;

use crate::cli::StatusArgs;
use crate::practice::Target;
use crate::practice::progress::{Attempts, State};
use crate::run::{self, Counts};
use crate::style;

const BAR_WIDTH: usize = 24;

pub fn run(args: &StatusArgs) -> Result<ExitCode> {
    let config = args.check.config();
    let sections = run::check_all(PROBLEMS, |p| Ok(run::problem_section(p, &config)), |_| {})?;
    let infos: Vec<_> = PROBLEMS.iter().map(|p| p.info()).collect();
    let rows_by = |keep: &dyn Fn(usize) -> bool| {
        Counts::of(sections.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, s)| s))
    };

    let total = Counts::of(&sections);
    let by_difficulty: Vec<(&str, Counts)> = Difficulty::ALL
        .iter()
        .map(|&d| (d.name(), rows_by(&|i| infos[i].difficulty == d)))
        .filter(|(_, counts)| counts.total() > 0)
        .collect();
    let mut chapters: Vec<Chapter> = infos.iter().map(|info| info.chapter).collect();
    chapters.dedup();
    let by_chapter: Vec<(&str, Counts)> =
        chapters.iter().map(|&c| (c.title(), rows_by(&|i| infos[i].chapter == c))).collect();

    let attempts = Attempts::load();
    let targets = Target::all();
    let states: Vec<(String, State)> = targets.iter().map(|t| (t.name(), attempts.state(t))).collect();
    let count = |state: State| states.iter().filter(|(_, s)| *s == state).count();
    let attempted = Counts {
        passed: count(State::Solved),
        failed: count(State::Failing),
        pending: count(State::Pending),
    };

    if args.json {
        let rows = |rows: &[(&str, Counts)]| -> Vec<serde_json::Value> {
            rows.iter().map(|(name, c)| json!({ "name": name, "counts": c.to_json() })).collect()
        };
        let json = json!({
            "seed": config.seed,
            "total": total.to_json(),
            "by_difficulty": rows(&by_difficulty),
            "by_chapter": rows(&by_chapter),
            "failing": sections.iter().filter(|s| s.status() == problems::check::Status::Failed)
                .map(|s| s.id.clone()).collect::<Vec<_>>(),
            "attempts": states.iter().map(|(name, state)| (name.clone(), json!(state.word())))
                .collect::<serde_json::Map<_, _>>(),
            "attempts_total": attempted.to_json(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }

    print_table("by difficulty", &by_difficulty);
    print_table("by chapter", &by_chapter);
    print_table("all", &[("total", total)]);
    print_table(
        &format!("your attempts ({} of {} targets started)", attempted.total(), targets.len()),
        &[("yours", attempted)],
    );
    for (target, (name, state)) in targets.iter().zip(&states) {
        if *state != State::None {
            println!("  {:<28} {}", name, attempts.shown(target));
        }
    }
    let failing: Vec<&str> = sections
        .iter()
        .filter(|s| s.status() == problems::check::Status::Failed)
        .map(|s| s.id.as_str())
        .collect();
    if !failing.is_empty() {
        println!("\nfailing: {} (see `cargo harness run <id>`)", failing.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(title: &str, rows: &[(&str, Counts)]) {
    println!("{}", style::bold(title));
    for (name, counts) in rows {
        println!(
            "  {name:<28} {} {:>3} solved {:>3} pending {:>3} failing",
            bar(counts),
            counts.passed,
            counts.pending,
            counts.failed
        );
    }
}

/// A bar whose green part is the solved share, yellow pending, red failing.
fn bar(counts: &Counts) -> String {
    let total = counts.total().max(1);
    let width = |n: usize| (n * BAR_WIDTH + total / 2) / total;
    let (solved, failing) = (width(counts.passed), width(counts.failed));
    let pending = BAR_WIDTH.saturating_sub(solved + failing);
    format!(
        "{}{}{}",
        style::green(&"█".repeat(solved)),
        style::yellow(&"░".repeat(pending)),
        style::red(&"▓".repeat(failing))
    )
}
