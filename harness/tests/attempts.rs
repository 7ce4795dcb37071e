//! A learner's loop, driven only by the commands, in a scratch copy of the workspace: a blank
//! stub, pending, wrong, right (which unlocks the solution), hints, and the judge containing
//! attempts that hang, overflow their stack, crash, or do not compile.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::{harness_in, scratch_copy, text};

/// Replaces the attempt's `src/lib.rs`.
fn write_attempt(copy: &Path, target: &str, source: &str) {
    std::fs::write(copy.join("practice").join(target).join("src/lib.rs"), source).unwrap();
}

fn run_24(copy: &Path, extra: &[&str]) -> Output {
    harness_in(copy, &[&["run", "24", "--quick", "--cases", "32", "--seed", "3"][..], extra].concat())
}

/// The lines of the `yours` group of a report.
fn yours(report: &str) -> String {
    let start = report.find("  yours — ").unwrap_or_else(|| panic!("no yours group: {report}"));
    let rest = &report[start + 1..];
    let end = rest.find("\n  dummy node").or_else(|| rest.find("\n  scalar")).unwrap_or(rest.len());
    rest[..end].to_string()
}

const RETURNS_INPUT: &str = "use problems::ListNode;
pub struct Solution;
impl Solution {
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        head
    }
}
";

/// Right, by another road than the references: the nodes into a vector, relinked pairwise.
const CORRECT: &str = "use problems::ListNode;
pub struct Solution;
impl Solution {
    pub fn swap_pairs(mut head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut nodes = Vec::new();
        while let Some(mut node) = head {
            head = node.next.take();
            nodes.push(node);
        }
        for pair in nodes.chunks_mut(2) {
            pair.reverse();
        }
        nodes.into_iter().rev().fold(None, |rest, mut node| {
            node.next = rest;
            Some(node)
        })
    }
}
";

#[test]
fn a_problem_goes_from_blank_stub_to_solved_and_unlocks_its_solution() {
    let scratch = scratch_copy();
    let copy = scratch.path();

    let created = harness_in(copy, &["practice", "24", "--json"]);
    assert!(created.status.success(), "{}", text(&created));
    let json: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(json["target"], "p0024_swap_nodes_in_pairs");
    let file = Path::new(json["file"].as_str().unwrap()).to_path_buf();
    let stub = std::fs::read_to_string(&file).unwrap();
    assert!(
        stub.contains("pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>>"),
        "{stub}"
    );
    assert!(stub.contains("todo!()") && !stub.contains("dummy"), "a blank stub: {stub}");

    // Never overwritten without --reset.
    std::fs::write(&file, format!("{stub}// mine\n")).unwrap();
    let again = harness_in(copy, &["practice", "24"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert!(std::fs::read_to_string(&file).unwrap().ends_with("// mine\n"));

    // Pending is not a failure, not even under --strict.
    let pending = run_24(copy, &["--strict"]);
    let report = text(&pending);
    assert!(pending.status.success(), "{report}");
    assert!(yours(&report).contains("○ examples    not solved yet"), "{report}");
    assert!(report.contains("✓ examples"), "the references still run: {report}");
    let locked = harness_in(copy, &["solution", "24"]);
    assert!(!locked.status.success());
    assert!(text(&locked).contains("locked until your attempt passes"), "{}", text(&locked));

    // Wrong: the same diff and shrunk input as a wrong reference; still locked.
    write_attempt(copy, "p0024_swap_nodes_in_pairs", RETURNS_INPUT);
    let wrong = run_24(copy, &[]);
    let report = text(&wrong);
    assert_eq!(wrong.status.code(), Some(1), "{report}");
    let group = yours(&report);
    assert!(group.contains("✗ examples") && group.contains("expected: [2, 1, 4, 3]"), "{report}");
    assert!(group.contains("input (shrunk to a minimal case): [0, 1]"), "{report}");
    assert!(group.contains("replay: cargo harness run 24 --seed 3 --cases 32"), "{report}");
    assert!(report.contains("FAILED"), "{report}");
    assert!(!harness_in(copy, &["solution", "24"]).status.success(), "still locked");

    // Right: solved, and the solution opens.
    write_attempt(copy, "p0024_swap_nodes_in_pairs", CORRECT);
    let right = run_24(copy, &[]);
    let report = text(&right);
    assert!(right.status.success(), "{report}");
    let group = yours(&report);
    for check in ["examples", "model", "identity"] {
        assert!(group.contains(&format!("✓ {check}")), "{check}: {report}");
    }
    let solution = harness_in(copy, &["solution", "24"]);
    assert!(solution.status.success(), "{}", text(&solution));
    assert!(text(&solution).contains("pub mod recursive"), "the reference approaches: {}", text(&solution));

    // Hints, one at a time, remembered; then all.
    let first = text(&harness_in(copy, &["hint", "24"]));
    let second = text(&harness_in(copy, &["hint", "24"]));
    assert!(first.contains("hint 1 of ") && second.contains("hint 2 of "), "{first}{second}");
    let all = text(&harness_in(copy, &["hint", "24", "--all"]));
    assert!(all.contains("hint 1 of ") && all.contains("hint 3 of "), "{all}");

    // The last run's verdict, without running again.
    let list = text(&harness_in(copy, &["list"]));
    let line = list.lines().find(|l| l.contains("Swap Nodes in Pairs")).unwrap();
    assert!(line.contains("solved"), "{line}");
    let status = harness_in(copy, &["status", "--json", "--quick", "--cases", "4"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["attempts"]["p0024_swap_nodes_in_pairs"], "solved", "{status}");

    // Starting again keeps the solved attempt beside the fresh stub.
    let reset = harness_in(copy, &["practice", "24", "--reset"]);
    assert!(reset.status.success(), "{}", text(&reset));
    assert_eq!(std::fs::read_to_string(file.with_extension("rs.1")).unwrap(), CORRECT);
    assert!(std::fs::read_to_string(&file).unwrap().contains("todo!()"));
}

const ENDLESS: &str = "use problems::ListNode;
pub struct Solution;
impl Solution {
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut n = 0u64;
        while head.is_some() {
            n = std::hint::black_box(n + 1);
        }
        head
    }
}
";

const OVERFLOWS: &str = "use problems::ListNode;
pub struct Solution;
impl Solution {
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        // Recursion without a base case.
        let next = Self::swap_pairs(std::hint::black_box(head));
        std::hint::black_box(next)
    }
}
";

const DOES_NOT_COMPILE: &str = "use problems::ListNode;
pub struct Solution;
impl Solution {
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let count: u32 = head;
        None
    }
}
";

#[test]
fn the_judge_stops_runaway_attempts_names_what_happened_and_goes_on() {
    let scratch = scratch_copy();
    let copy = scratch.path();
    assert!(harness_in(copy, &["practice", "24"]).status.success());

    write_attempt(copy, "p0024_swap_nodes_in_pairs", ENDLESS);
    let started = Instant::now();
    let hangs = run_24(copy, &["--time-limit", "1"]);
    let report = text(&hangs);
    assert_eq!(hangs.status.code(), Some(1), "{report}");
    let group = yours(&report);
    assert!(group.contains("✗ examples") && group.contains("time limit exceeded"), "{report}");
    // The first example is [1, 2, 3, 4]: the one it was stuck on.
    assert!(group.contains("input: [1, 2, 3, 4]"), "{report}");
    assert!(report.contains("✓ examples") && report.contains("FAILED: 0 passed, 1 failed"), "{report}");
    // Two checks of one second each, a build, and the references.
    assert!(started.elapsed() < Duration::from_secs(120), "took {:?}", started.elapsed());

    write_attempt(copy, "p0024_swap_nodes_in_pairs", OVERFLOWS);
    let overflows = run_24(copy, &[]);
    let report = text(&overflows);
    assert_eq!(overflows.status.code(), Some(1), "{report}");
    assert!(yours(&report).contains("stack overflow"), "{report}");
    assert!(report.contains("FAILED: 0 passed, 1 failed"), "{report}");

    write_attempt(copy, "p0024_swap_nodes_in_pairs", DOES_NOT_COMPILE);
    let broken = run_24(copy, &[]);
    let report = text(&broken);
    assert_eq!(broken.status.code(), Some(1), "{report}");
    let group = yours(&report);
    assert!(group.contains("✗ build") && group.contains("does not compile"), "{report}");
    assert!(group.contains("error[E0308]: mismatched types"), "the compiler's message: {report}");
    assert!(report.contains("✓ examples"), "the references still run: {report}");
}

const SOFTMAX: &str = "pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) {
    for (x, y) in x.chunks(cols).zip(y.chunks_mut(cols)) {
        let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if max == f32::NEG_INFINITY {
            y.fill(0.0);
            continue;
        }
        let mut sum = 0.0;
        for (x, y) in x.iter().zip(y.iter_mut()) {
            *y = (x - max).exp();
            sum += *y;
        }
        if x.iter().any(|v| v.is_nan()) {
            sum = f32::NAN;
        }
        y.iter_mut().for_each(|y| *y /= sum);
    }
}
";

/// Reads one element past the end of the row: a guard page.
const OUT_OF_BOUNDS: &str = "pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) {
    for (row, y) in y.chunks_mut(cols).enumerate() {
        let start = row * cols;
        // SAFETY: none, on purpose: this reads one element past the row, past the end of x.
        let past = unsafe { *x.as_ptr().add(start + cols) };
        y.fill(std::hint::black_box(past) * 0.0 + 1.0 / cols as f32);
    }
}
";

#[test]
fn a_kernel_attempt_is_judged_on_guard_pages_and_benchmarked_against_the_roofline() {
    let scratch = scratch_copy();
    let copy = scratch.path();
    let created = harness_in(copy, &["practice", "softmax"]);
    assert!(created.status.success(), "{}", text(&created));
    let stub = std::fs::read_to_string(copy.join("practice/softmax/src/lib.rs")).unwrap();
    assert!(stub.contains("pub fn softmax(x: &[f32], y: &mut [f32], cols: usize)"), "{stub}");

    let run = || harness_in(copy, &["run", "softmax", "--isa", "scalar", "--seed", "5"]);
    let pending = run();
    assert!(pending.status.success(), "{}", text(&pending));
    assert!(yours(&text(&pending)).contains("○ forward"), "{}", text(&pending));

    write_attempt(copy, "softmax", SOFTMAX);
    let solved = run();
    let report = text(&solved);
    assert!(solved.status.success(), "{report}");
    let group = yours(&report);
    for check in ["forward", "extremes", "golden"] {
        assert!(group.contains(&format!("✓ {check}")), "{check}: {report}");
    }
    assert!(group.contains("- backward    not applicable"), "{report}");

    let bench = harness_in(copy, &["bench", "softmax", "--size", "256"]);
    let report = text(&bench);
    assert!(bench.status.success(), "{report}");
    let copy_line = report.lines().find(|l| l.trim_start().starts_with("copy ")).expect(&report);
    assert!(copy_line.contains("100% of copy"), "{copy_line}");
    let mine = report.lines().find(|l| l.trim_start().starts_with("yours")).expect(&report);
    assert!(mine.contains("Gelem/s") && mine.contains("% of copy"), "{mine}");
    let first = report.lines().position(|l| l.trim_start().starts_with("yours"));
    assert!(first < report.lines().position(|l| l.trim_start().starts_with("copy ")), "{report}");
    for isa in kernels::Isa::available() {
        assert!(report.lines().any(|l| l.trim_start().starts_with(isa.name())), "{isa}: {report}");
    }

    write_attempt(copy, "softmax", OUT_OF_BOUNDS);
    let crashed = run();
    let report = text(&crashed);
    assert_eq!(crashed.status.code(), Some(1), "{report}");
    let group = yours(&report);
    assert!(group.contains("crashed (signal 11, SIGSEGV"), "{report}");
    assert!(group.contains("in the guard page after the last element of `x`"), "{report}");
}

#[test]
fn unsafe_without_a_safety_comment_is_refused_before_it_builds() {
    let scratch = scratch_copy();
    let copy = scratch.path();
    assert!(harness_in(copy, &["practice", "exp"]).status.success());
    write_attempt(
        copy,
        "exp",
        "pub fn exp(x: &[f32], y: &mut [f32]) {\n    let first = unsafe { *x.get_unchecked(0) };\n    y.fill(first);\n}\n",
    );
    let refused = harness_in(copy, &["run", "exp", "--isa", "scalar"]);
    let report = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{report}");
    assert!(report.contains("without a `// SAFETY:` comment above it (line 2)"), "{report}");
}

/// GELU in f64, scalar: the tanh form as `x / (1 + e^-2z)`, the erf form through erfc (a
/// series near 0, a continued fraction in the tails), so that the negative tail stays relative.
const GELU: &str = "#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gelu {
    Erf,
    Tanh,
}

fn erfc(z: f64) -> f64 {
    let sqrt_pi = std::f64::consts::PI.sqrt();
    if z < 2.0 {
        let (mut sum, mut power) = (0.0, z);
        for k in 0..80 {
            sum += power / (2 * k + 1) as f64;
            power *= -z * z / (k + 1) as f64;
        }
        1.0 - 2.0 / sqrt_pi * sum
    } else {
        let mut f = 0.0;
        for k in (1..=80).rev() {
            f = (k as f64 / 2.0) / (z + f);
        }
        (-z * z).exp() / sqrt_pi / (z + f)
    }
}

pub fn gelu(x: &[f32], y: &mut [f32], approx: Gelu) {
    for (x, y) in x.iter().zip(y.iter_mut()) {
        let x = f64::from(*x);
        let v = match approx {
            Gelu::Erf => {
                let z = x.abs() / std::f64::consts::SQRT_2;
                let phi = if x < 0.0 { 0.5 * erfc(z) } else { 1.0 - 0.5 * erfc(z) };
                x * phi
            }
            Gelu::Tanh => {
                let z = (2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x);
                x / (1.0 + (-2.0 * z).exp())
            }
        };
        *y = v as f32;
    }
}
";

#[test]
fn a_transformer_kernel_attempt_goes_from_pending_to_solved_and_is_benchmarked() {
    let scratch = scratch_copy();
    let copy = scratch.path();
    let created = harness_in(copy, &["practice", "gelu"]);
    assert!(created.status.success(), "{}", text(&created));
    let stub = std::fs::read_to_string(copy.join("practice/gelu/src/lib.rs")).unwrap();
    assert!(stub.contains("pub fn gelu(x: &[f32], y: &mut [f32], approx: Gelu)"), "{stub}");

    let run = || harness_in(copy, &["run", "gelu", "--isa", "scalar", "--seed", "5"]);
    let pending = run();
    assert!(pending.status.success(), "{}", text(&pending));
    assert!(yours(&text(&pending)).contains("○ gelu_erf"), "{}", text(&pending));

    write_attempt(copy, "gelu", GELU);
    let solved = run();
    let report = text(&solved);
    assert!(solved.status.success(), "{report}");
    let group = yours(&report);
    for check in ["gelu_erf", "gelu_tanh", "golden"] {
        assert!(group.contains(&format!("✓ {check}")), "{check}: {report}");
    }
    assert!(group.contains("- threads     not applicable"), "{report}");
    let solution = harness_in(copy, &["solution", "gelu"]);
    assert!(text(&solution).contains("// kernels/src/activation.rs"), "{}", text(&solution));

    let bench = harness_in(copy, &["bench", "gelu", "--size", "4096"]);
    let report = text(&bench);
    assert!(bench.status.success(), "{report}");
    let mine: Vec<&str> = report.lines().filter(|l| l.trim_start().starts_with("yours gelu")).collect();
    assert_eq!(mine.len(), 2, "one row in each gelu table, none elsewhere: {report}");
    assert!(mine.iter().all(|l| l.contains("Gelem/s") && l.contains("% of copy")), "{report}");

    // The tanh form for both: off by up to 1e-3 from the erf form.
    write_attempt(copy, "gelu", &GELU.replace("let v = match approx {", "let v = match Gelu::Tanh {"));
    let wrong = run();
    let report = text(&wrong);
    assert_eq!(wrong.status.code(), Some(1), "{report}");
    let group = yours(&report);
    assert!(group.contains("✗ gelu_erf") && group.contains("✓ gelu_tanh"), "{report}");
}
