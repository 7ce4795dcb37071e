//! `harness run`: finds what to check, runs its checks and reports them, one line per check.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use problems::check::{CheckConfig, Status};
use problems::registry::{self, Entry};
use serde_json::json;

use crate::cli::RunArgs;
use crate::report::{self, Section};
use crate::style;

/// Something `harness run` can check.
#[derive(Clone, Copy)]
pub enum Target {
    All,
    Problem(&'static dyn Entry),
}

/// Resolves a command-line target; an unknown one is an error naming the closest known ids.
pub fn resolve(query: &str) -> Result<Target> {
    if query.eq_ignore_ascii_case("all") {
        return Ok(Target::All);
    }
    if let Some(problem) = registry::find(query) {
        return Ok(Target::Problem(problem));
    }
    let suggestions: Vec<String> = registry::closest(query, 3)
        .iter()
        .map(|p| format!("{} ({})", p.info().id, p.info().slug))
        .collect();
    bail!(
        "unknown problem {query:?}; closest known: {}. `harness list` shows them all",
        suggestions.join(", ")
    )
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let target = resolve(&args.target)?;
    let seed = args
        .seed
        .unwrap_or_else(|| CheckConfig::with_fresh_seed().seed);
    let config = CheckConfig {
        cases: args.cases,
        seed,
        long: !args.quick,
    };
    let started = Instant::now();

    let problems: Vec<&'static dyn Entry> = match target {
        Target::All => registry::PROBLEMS.to_vec(),
        Target::Problem(problem) => vec![problem],
    };
    let mut sections = Vec::new();
    for problem in problems {
        let section = problem_section(problem, &config);
        if !args.json {
            print!("{}", report::render(&section));
        }
        sections.push(section);
    }

    let count = |status: Status| sections.iter().filter(|s| s.status() == status).count();
    let (passed, failed, pending) = (
        count(Status::Passed),
        count(Status::Failed),
        count(Status::Pending),
    );
    let elapsed = started.elapsed();
    if args.json {
        let json = json!({
            "seed": seed,
            "cases": config.cases,
            "summary": { "passed": passed, "failed": failed, "pending": pending },
            "millis": elapsed.as_secs_f64() * 1e3,
            "sections": sections.iter().map(report::to_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        let verdict = if failed > 0 {
            style::red("FAILED")
        } else {
            style::green("ok")
        };
        println!(
            "\n{verdict}: {passed} passed, {failed} failed, {pending} pending in {} (seed {seed}, {} cases)",
            report::format_duration(elapsed),
            config.cases
        );
    }
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Checks every approach of a problem.
pub fn problem_section(problem: &dyn Entry, config: &CheckConfig) -> Section {
    let info = problem.info();
    Section {
        kind: "problem",
        id: info.id.to_string(),
        heading: format!(
            "{}. {} ({}) {}",
            info.id,
            info.title,
            info.difficulty.name(),
            info.url()
        ),
        meta: json!({
            "id": info.id,
            "slug": info.slug,
            "difficulty": info.difficulty.name(),
            "chapter": info.chapter.title(),
        }),
        groups: problem.check(config).into_iter().map(Into::into).collect(),
        replay: format!(
            "cargo harness run {} --seed {} --cases {}",
            info.id, config.seed, config.cases
        ),
    }
}
