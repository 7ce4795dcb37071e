//! `harness bench <problem>`: times every approach on inputs growing from 10^3 nodes by 10x, and
//! prints time per node and the fitted growth, so the complexity shows, not just the speed; the
//! learner's attempt first, timed in its judge. Kernels are measured by `kernels::bench`.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, ensure};
use indicatif::ProgressBar;
use problems::timing;
use serde_json::json;

use crate::cli::BenchArgs;
use crate::kernels::{self, Kernel};
use crate::practice::{KernelTarget, Target, yours};
use crate::run;
use crate::style;
use crate::workspace::Workspace;

pub fn run(args: &BenchArgs) -> Result<ExitCode> {
    ensure!(args.time_limit > 0.0, "--time-limit {} must be positive", args.time_limit);
    let time_limit = Duration::from_secs_f64(args.time_limit);
    let yours = |target: Target| -> Result<Option<yours::Bench>> {
        match Workspace::find() {
            Ok(ws) => yours::Bench::new(&ws, &target, time_limit),
            Err(_) => Ok(None),
        }
    };
    // A kernel target (`layer_norm`) or a section (`norm`; with the attempt if it holds one).
    let target = KernelTarget::find(&args.target);
    if let Some(kernel) = target.map(KernelTarget::section).or_else(|| Kernel::find(&args.target)) {
        let target = target.or(match KernelTarget::in_section(kernel)[..] {
            [only] => Some(only),
            _ => None,
        });
        let config = kernels::bench::BenchConfig {
            size: args.size,
            threads: args.threads,
            plot: args.plot.clone(),
            budget: args.budget_ms.map(Duration::from_millis),
            // `bench gelu` shows GELU; `bench activation` every activation.
            focus: target
                .filter(|_| KernelTarget::in_section(kernel).len() > 1)
                .map(|t| t.name().to_string()),
        };
        let bench = match target {
            Some(target) => yours(Target::Kernel(target))?,
            None => None,
        };
        let measure = |shape: &[usize]| bench.as_ref().expect("only called with an attempt").measure(shape);
        let attempt = target
            .filter(|_| bench.is_some())
            .map(|t| kernels::bench::Yours { target: t.name(), measure: &measure });
        kernels::bench::run(kernel, &config, args.json, attempt)?;
        return Ok(ExitCode::SUCCESS);
    }
    let problem = run::find_problem(&args.target)?;
    let bench = yours(Target::Problem(problem))?;
    ensure!(args.max >= 1000, "--max {} is too small: sizes start at 1000 nodes", args.max);
    let sizes: Vec<usize> = std::iter::successors(Some(1000usize), |n| n.checked_mul(10))
        .take_while(|&n| n <= args.max)
        .collect();
    let info = problem.info();
    let approaches = problem.approaches();

    let bar = ProgressBar::new((sizes.len() + timing::FIT_SIZES.len()) as u64);
    // Per size: the attempt's seconds (or why there are none), then each approach's.
    let measure = |n: usize| -> (Result<f64, String>, Vec<f64>) {
        bar.set_message(format!("{n} nodes"));
        let mine = bench.as_ref().map_or(Err(String::new()), |b| b.measure(&[n]));
        let row = problem.time(n).iter().map(|d| d.as_secs_f64()).collect();
        bar.inc(1);
        (mine, row)
    };
    // [size] of (yours, [approach]), in seconds
    let (shown_yours, shown): (Vec<_>, Vec<Vec<f64>>) = sizes.iter().map(|&n| measure(n)).unzip();
    let (fitted_yours, fitted): (Vec<_>, Vec<Vec<f64>>) =
        timing::FIT_SIZES.iter().map(|&n| measure(n)).unzip();
    bar.finish_and_clear();

    let column = |sizes: &[usize], rows: &[Vec<f64>], a: usize| -> Vec<(usize, f64)> {
        sizes.iter().zip(rows).map(|(&n, row)| (n, row[a])).collect()
    };
    let mut per_approach: Vec<ApproachTimes> = approaches
        .iter()
        .enumerate()
        .map(|(a, (name, _))| ApproachTimes {
            name,
            points: column(&sizes, &shown, a),
            growth: timing::fit(&column(&timing::FIT_SIZES, &fitted, a)),
            missing: None,
        })
        .collect();
    if bench.is_some() {
        per_approach.insert(0, yours_times(&sizes, &shown_yours, &fitted_yours));
    }

    if args.json {
        let rows: Vec<_> = per_approach
            .iter()
            .map(|ApproachTimes { name, points, growth, missing }| {
                json!({
                    "approach": name,
                    "missing": missing,
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
    for ApproachTimes { name, points, growth, missing } in &per_approach {
        let cells: String = sizes
            .iter()
            .map(|&n| match points.iter().find(|p| p.0 == n) {
                Some(&(n, t)) => format!("{:>12}", format_per_node(t, n)),
                None => format!("{:>12}", "-"),
            })
            .collect();
        let growth =
            growth.map_or_else(|| "-".to_string(), |g| format!("{} (n^{:.2})", g.class.name(), g.exponent));
        let missing = missing.as_ref().map_or_else(String::new, |why| format!("   {}", style::dim(why)));
        println!("  {name:<16}{cells}   {growth}{missing}");
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
    /// Why a size has no point (the attempt's, which can be pending, crash or time out).
    missing: Option<String>,
}

/// The attempt's row: the sizes it was measured at, and the first reason one is missing.
fn yours_times<'a>(
    sizes: &[usize],
    shown: &[Result<f64, String>],
    fitted: &[Result<f64, String>],
) -> ApproachTimes<'a> {
    let points = |sizes: &[usize], times: &[Result<f64, String>]| -> Vec<(usize, f64)> {
        sizes.iter().zip(times).filter_map(|(&n, t)| t.as_ref().ok().map(|&t| (n, t))).collect()
    };
    let fit_points = points(&timing::FIT_SIZES, fitted);
    let complete = fit_points.len() == timing::FIT_SIZES.len();
    ApproachTimes {
        name: "yours",
        points: points(sizes, shown),
        growth: if complete { timing::fit(&fit_points) } else { None },
        missing: shown.iter().chain(fitted).find_map(|t| t.as_ref().err().cloned()),
    }
}

fn format_nodes(n: usize) -> String {
    let exponent = (n as f64).log10().round() as u32;
    if 10usize.pow(exponent) == n { format!("10^{exponent}") } else { n.to_string() }
}

fn format_per_node(seconds: f64, n: usize) -> String {
    format!("{:.1} ns", seconds * 1e9 / n as f64)
}
