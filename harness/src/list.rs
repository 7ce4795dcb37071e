//! `harness list`: every problem by chapter, in study order, with difficulty and approaches,
//! then the kernels; each with where the learner's attempt at it stands (from its last run).

use std::process::ExitCode;

use anyhow::Result;
use problems::registry::PROBLEMS;
use serde_json::json;

use crate::practice::progress::Attempts;
use crate::practice::{KernelTarget, Target};
use crate::style;

pub fn run(json: bool) -> Result<ExitCode> {
    let attempts = Attempts::load();
    if json {
        let problems: Vec<_> = PROBLEMS
            .iter()
            .map(|p| {
                let info = p.info();
                json!({
                    "id": info.id,
                    "slug": info.slug,
                    "title": info.title,
                    "difficulty": info.difficulty.name(),
                    "chapter": info.chapter.title(),
                    "url": info.url(),
                    "attempt": attempts.state(&Target::Problem(*p)).word(),
                    "approaches": p.approaches().iter().map(|(name, summary)| json!({
                        "name": name, "summary": summary,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let kernels: Vec<_> = KernelTarget::ALL
            .iter()
            .map(|&k| {
                json!({
                    "name": k.name(),
                    "title": k.title(),
                    "section": k.section().name(),
                    "attempt": attempts.state(&Target::Kernel(k)).word(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&json!({ "problems": problems, "kernels": kernels }))?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut chapter = None;
    for problem in PROBLEMS {
        let info = problem.info();
        if chapter != Some(info.chapter) {
            chapter = Some(info.chapter);
            println!("{}", style::bold(info.chapter.title()));
        }
        let approaches: Vec<&str> = problem.approaches().iter().map(|(name, _)| *name).collect();
        println!(
            "  {:>4}  {:<44} {:<7} {:<8} {}",
            info.id,
            info.title,
            info.difficulty.name(),
            attempts.shown(&Target::Problem(*problem)),
            style::dim(&approaches.join(" · "))
        );
    }
    println!("{}", style::bold("Kernels"));
    for kernel in KernelTarget::ALL {
        println!(
            "  {:<50} {:<8} {}",
            kernel.name(),
            attempts.shown(&Target::Kernel(kernel)),
            style::dim(kernel.title())
        );
    }
    println!(
        "{}",
        style::dim(
            "the middle column: your attempt (`harness practice <id>` starts one), as of its last run"
        )
    );
    Ok(ExitCode::SUCCESS)
}
