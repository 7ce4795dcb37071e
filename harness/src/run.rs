//! `harness run`: finds what to check, runs its checks and reports them, one line per check.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use indicatif::{ProgressBar, ProgressStyle};
use problems::check::{CheckConfig, Status};
use problems::registry::{self, Entry};
use serde_json::json;

use crate::cli::RunArgs;
use crate::kernels::{self, Kernel, KernelConfig};
use crate::practice::yours::{self, Judging};
use crate::practice::{KernelTarget, Target as PracticeTarget};
use crate::report::{self, Section};
use crate::style;
use crate::workspace::Workspace;

/// Something `harness run` can check.
#[derive(Clone, Copy)]
pub enum Target {
    All,
    Problem(&'static dyn Entry),
    /// A section of kernels, and the one practice target named (`layer_norm` in `norm`), if one
    /// was: `None` shows the attempts at every target of the section.
    Kernel(Kernel, Option<KernelTarget>),
    /// The transformer of the `gpt` crate.
    Gpt,
}

/// Resolves a command-line target; an unknown one is an error naming the closest known ids.
pub fn resolve(query: &str) -> Result<Target> {
    if query.eq_ignore_ascii_case("all") {
        return Ok(Target::All);
    }
    if query.trim().eq_ignore_ascii_case("gpt") {
        return Ok(Target::Gpt);
    }
    if let Some(target) = KernelTarget::find(query) {
        return Ok(Target::Kernel(target.section(), Some(target)));
    }
    if let Some(kernel) = Kernel::find(query) {
        return Ok(Target::Kernel(kernel, None));
    }
    find_problem(query).map(Target::Problem)
}

/// Finds a problem by id or slug; an unknown one is an error naming the closest known ids.
pub fn find_problem(query: &str) -> Result<&'static dyn Entry> {
    if let Some(problem) = registry::find(query) {
        return Ok(problem);
    }
    let suggestions: Vec<String> =
        registry::closest(query, 3).iter().map(|p| format!("{} ({})", p.info().id, p.info().slug)).collect();
    let kernels: Vec<&str> = KernelTarget::ALL.iter().map(|k| k.name()).collect();
    bail!(
        "unknown problem {query:?}; closest known: {}. Kernels: {}. `harness list` shows them all",
        suggestions.join(", "),
        kernels.join(", ")
    )
}

pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let every = |kernel: Kernel| (kernel, KernelTarget::in_section(kernel));
    // Each section of kernels with the practice targets whose attempts it shows.
    type Sections = Vec<(Kernel, Vec<KernelTarget>)>;
    let target = resolve(&args.target)?;
    let with_model = matches!(target, Target::All | Target::Gpt);
    let (problems, kernels): (Vec<&'static dyn Entry>, Sections) = match target {
        Target::All => (registry::PROBLEMS.to_vec(), Kernel::ALL.into_iter().map(every).collect()),
        Target::Problem(problem) => (vec![problem], vec![]),
        Target::Kernel(kernel, None) => (vec![], vec![every(kernel)]),
        Target::Kernel(kernel, Some(target)) => (vec![], vec![(kernel, vec![target])]),
        Target::Gpt => (vec![], vec![]),
    };
    if let Some(isa) = args.isa
        && !isa.is_available()
    {
        bail!("this CPU cannot run {isa} (it lacks {})", isa.missing_features().join("+"));
    }
    let config = args.check.config();
    let kernel_config = KernelConfig { seed: config.seed, exhaustive: args.exhaustive, isa: args.isa };
    ensure!(args.time_limit > 0.0, "--time-limit {} must be positive", args.time_limit);
    let judging = Judging {
        seed: config.seed,
        cases: config.cases,
        long: config.long,
        time_limit: Duration::from_secs_f64(args.time_limit),
    };
    // Attempts live in the workspace; run from elsewhere, there are none to judge.
    let workspace = Workspace::find().ok();
    let started = Instant::now();
    let show = |section: &Section| {
        if !args.json {
            print!("{}", report::render(section));
        }
    };
    // The attempts at `targets`, ahead of the references, in order.
    let with_yours = |mut section: Section, targets: &[PracticeTarget]| -> Result<Section> {
        if let Some(ws) = &workspace {
            let mut at = 0;
            for target in targets {
                if let Some(group) = yours::group(ws, target, &judging)? {
                    section.groups.insert(at, group);
                    at += 1;
                }
            }
        }
        Ok(section)
    };
    let mut sections = check_all(
        &problems,
        |p| with_yours(problem_section(p, &config), &[PracticeTarget::Problem(p)]),
        show,
    )?;
    for (kernel, targets) in kernels {
        let targets: Vec<PracticeTarget> = targets.into_iter().map(PracticeTarget::Kernel).collect();
        let section = with_yours(kernels::section(kernel, &kernel_config), &targets)?;
        show(&section);
        sections.push(section);
    }
    if with_model {
        let section = crate::model::section(&kernel_config);
        show(&section);
        sections.push(section);
    }
    let counts = Counts::of(&sections);
    let elapsed = started.elapsed();
    if args.json {
        let json = json!({
            "seed": config.seed,
            "cases": config.cases,
            "summary": counts.to_json(),
            "problems": Counts::of(sections.iter().filter(|s| s.kind == "problem")).to_json(),
            "kernels": Counts::of(sections.iter().filter(|s| s.kind == "kernel")).to_json(),
            "millis": elapsed.as_secs_f64() * 1e3,
            "sections": sections.iter().map(report::to_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        let verdict =
            if !success(&sections, args.strict) { style::red("FAILED") } else { style::green("ok") };
        println!(
            "\n{verdict}: {} passed, {} failed, {} pending in {} (seed {}{})",
            counts.passed,
            counts.failed,
            counts.pending,
            report::format_duration(elapsed),
            config.seed,
            if problems.is_empty() { String::new() } else { format!(", {} cases", config.cases) }
        );
    }
    Ok(if success(&sections, args.strict) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// No check failed, the learner's included, and under `strict` no reference is unfinished
/// (an unfinished attempt never fails a run).
fn success(sections: &[Section], strict: bool) -> bool {
    sections.iter().all(|section| {
        section.status() != Status::Failed && !(strict && section.reference_status() == Status::Pending)
    })
}

/// Checks each problem in turn (`section_of`), handing each finished section to `done`, with a
/// progress bar on stderr while more than one runs (hidden when stderr is not a terminal).
pub fn check_all(
    problems: &[&'static dyn Entry],
    mut section_of: impl FnMut(&'static dyn Entry) -> Result<Section>,
    mut done: impl FnMut(&Section),
) -> Result<Vec<Section>> {
    let bar =
        if problems.len() > 1 { ProgressBar::new(problems.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    let sections = problems
        .iter()
        .map(|problem| {
            bar.set_message(format!("checking {}", problem.info().slug));
            let section = section_of(*problem)?;
            bar.suspend(|| done(&section));
            bar.inc(1);
            Ok(section)
        })
        .collect();
    bar.finish_and_clear();
    sections
}

/// Checks every approach of a problem.
pub fn problem_section(problem: &dyn Entry, config: &CheckConfig) -> Section {
    let info = problem.info();
    Section {
        kind: "problem",
        id: info.id.to_string(),
        heading: format!("{}. {} ({}) {}", info.id, info.title, info.difficulty.name(), info.url()),
        meta: json!({
            "id": info.id,
            "slug": info.slug,
            "difficulty": info.difficulty.name(),
            "chapter": info.chapter.title(),
        }),
        groups: problem.check(config).into_iter().map(Into::into).collect(),
        replay: format!("cargo harness run {} --seed {} --cases {}", info.id, config.seed, config.cases),
    }
}

/// How many sections ended in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub pending: usize,
}

impl Counts {
    pub fn of<'a>(sections: impl IntoIterator<Item = &'a Section>) -> Self {
        let mut counts = Counts::default();
        for section in sections {
            match section.status() {
                Status::Passed | Status::Skipped => counts.passed += 1,
                Status::Failed => counts.failed += 1,
                Status::Pending => counts.pending += 1,
            }
        }
        counts
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.pending
    }

    pub fn to_json(self) -> serde_json::Value {
        json!({ "passed": self.passed, "failed": self.failed, "pending": self.pending })
    }
}
