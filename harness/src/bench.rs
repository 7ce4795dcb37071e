//! `harness bench <problem>`: times every approach on inputs growing from 10^3 nodes by 10x, and
//! prints time per node and the fitted growth, so the complexity shows, not just the speed.
//! Kernels are measured by `kernels::bench`.

use std::process::ExitCode;

use anyhow::{Result, ensure};
use indicatif::ProgressBar;
use problems::timing;
use serde_json::json;

use crate::cli::BenchArgs;
use crate::kernels::{self, Kernel};
use crate::run;
use crate::style;

pub fn run(args: &BenchArgs) -> Result<ExitCode> {
    if let Some(kernel) = Kernel::find(&args.target) {
        let config = kernels::bench::BenchConfig { size: args.size, threads: args.threads };
        kernels::bench::run(kernel, &config, args.json)?;
        return Ok(ExitCode::SUCCESS);
    }
    let problem = run::find_problem(&args.target)?;
    ensure!(args.max >= 1000, "--max {} is too small: sizes start at 1000 nodes", args.max);
    let sizes: Vec<usize> = std::iter::successors(Some(1000usize), |n| n.checked_mul(10))
        .take_while(|&n| n <= args.max)
        .collect();
    let info = problem.info();
    let approaches = problem.approaches();

    let bar = ProgressBar::new((sizes.len() + timing::FIT_SIZES.len()) as u64);
    let measure = |n: usize| -> Vec<f64> {
        bar.set_message(format!("{n} nodes"));
        let row = problem.time(n).iter().map(|d| d.as_secs_f64()).collect();
        bar.inc(1);
        row
    };
    // [size][approach], in seconds
    let shown: Vec<Vec<f64>> = sizes.iter().map(|&n| measure(n)).collect();
    let fitted: Vec<Vec<f64>> = timing::FIT_SIZES.iter().map(|&n| measure(n)).collect();
    bar.finish_and_clear();

    let column = |sizes: &[usize], rows: &[Vec<f64>], a: usize| -> Vec<(usize, f64)> {
        sizes.iter().zip(rows).map(|(&n, row)| (n, row[a])).collect()
    };
    let per_approach: Vec<ApproachTimes> = approaches
        .iter()
        .enumerate()
        .map(|(a, (name, _))| ApproachTimes {
            name,
            points: column(&sizes, &shown, a),
            growth: timing::fit(&column(&timing::FIT_SIZES, &fitted, a)),
        })
        .collect();

    if args.json {
        let rows: Vec<_> = per_approach
            .iter()
            .map(|ApproachTimes { name, points, growth }| {
                json!({
                    "approach": name,
                    "points": points.iter().map(|&(n, t)| json!({
                        "nodes": n, "seconds": t, "ns_per_node": t * 1e9 / n as f64,
                    })).collect::<Vec<_>>(),
                    "growth": growth.map(|g| json!({ "class": g.class.name(), "exponent": g.exponent })),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "id": info.id, "slug": info.slug, "approaches": rows }))?
        );
        return Ok(ExitCode::SUCCESS);
    }

    println!("{}", style::bold(&format!("{}. {}: time per node as the list grows", info.id, info.title)));
    let header: String = sizes.iter().map(|&n| format!("{:>12}", format_nodes(n))).collect();
    println!("  {:<16}{header}   growth", "approach");
    for ApproachTimes { name, points, growth } in &per_approach {
        let cells: String = points.iter().map(|&(n, t)| format!("{:>12}", format_per_node(t, n))).collect();
        let growth =
            growth.map_or_else(|| "-".to_string(), |g| format!("{} (n^{:.2})", g.class.name(), g.exponent));
        println!("  {name:<16}{cells}   {growth}");
    }
    println!(
        "{}",
        style::dim(
            "best of repeated runs of the solution alone; growth fitted on 10^3..10^4 nodes, \
             where the list stays in cache (beyond, every node costs a cache miss)"
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// One approach's measured (nodes, seconds) points and the growth fitted to it.
struct ApproachTimes<'a> {
    name: &'a str,
    points: Vec<(usize, f64)>,
    growth: Option<timing::Growth>,
}

fn format_nodes(n: usize) -> String {
    let exponent = (n as f64).log10().round() as u32;
    if 10usize.pow(exponent) == n { format!("10^{exponent}") } else { n.to_string() }
}

fn format_per_node(seconds: f64, n: usize) -> String {
    format!("{:.1} ns", seconds * 1e9 / n as f64)
}
