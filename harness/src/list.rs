//! `harness list`: every problem by chapter, in study order, with difficulty and approaches.

use std::process::ExitCode;

use anyhow::Result;
use problems::registry::PROBLEMS;
use serde_json::json;

use crate::style;

pub fn run(json: bool) -> Result<ExitCode> {
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
                    "approaches": p.approaches().iter().map(|(name, summary)| json!({
                        "name": name, "summary": summary,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&json!({ "problems": problems }))?);
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
            "  {:>4}  {:<44} {:<7} {}",
            info.id,
            info.title,
            info.difficulty.name(),
            style::dim(&approaches.join(" · "))
        );
    }
    Ok(ExitCode::SUCCESS)
}
