//! The practice loop end to end: scaffolding a problem in a copy of the workspace, timing a
//! problem's approaches, and the status summary agreeing with `run`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{harness_in, scratch_copy, text, workspace};

#[test]
fn new_scaffolds_a_problem_that_builds_and_is_reported_pending() {
    let scratch = scratch_copy();
    let copy = scratch.path();

    let created =
        harness_in(copy, &["new", "9999", "scaffold-check", "--difficulty", "easy", "--chapter", "basics"]);
    assert!(created.status.success(), "{}", text(&created));
    let module = copy.join("problems/src/p9999_scaffold_check.rs");
    let source = std::fs::read_to_string(&module).unwrap();
    assert!(source.contains("//! # 9999. Scaffold Check"));
    assert!(source.contains("pub fn scaffold_check(head: Option<Box<ListNode>>) -> Option<Box<ListNode>>"));
    let order = std::fs::read_to_string(copy.join("problems/registry.txt")).unwrap();
    assert!(order.contains("p0141_linked_list_cycle\np9999_scaffold_check\n"), "end of the basics: {order}");

    let again = harness_in(copy, &["new", "9999", "scaffold-check"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    let bad_slug = harness_in(copy, &["new", "9998", "Bad_Slug"]);
    assert!(!bad_slug.status.success());
    assert!(text(&bad_slug).contains("invalid slug \"Bad_Slug\""), "{}", text(&bad_slug));

    // Build and run the copy's own harness, which now includes the new problem. It needs a
    // target directory of its own: cargo names a workspace's artifacts by their paths relative
    // to the workspace, so the copy's would overwrite this build's. The directory is kept
    // between runs so its dependencies build once.
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("practice-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |args: &[&str]| {
        Command::new(&cargo)
            .args(["run", "--quiet", "-p", "harness", "--"])
            .args(args)
            .current_dir(copy)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let list = text(&run(&["list"]));
    assert_eq!(list.matches("Linked lists: the basics").count(), 1, "one basics block: {list}");
    let basics = list.split("Linked lists: practice").next().unwrap();
    assert!(basics.contains("9999  Scaffold Check"), "{list}");

    let pending = run(&["run", "9999", "--quick"]);
    assert!(pending.status.success(), "{}", text(&pending));
    let report = text(&pending);
    assert!(report.contains("○ examples    not solved yet"), "{report}");
    assert!(report.contains("ok: 0 passed, 0 failed, 1 pending"), "{report}");
    let strict = run(&["run", "9999", "--quick", "--strict"]);
    assert!(!strict.status.success(), "--strict fails on pending: {}", text(&strict));
}

#[test]
fn bench_prints_a_line_per_approach_with_time_per_node_and_growth() {
    let output = harness_in(&workspace(), &["bench", "203", "--max", "1000"]);
    assert!(output.status.success(), "{}", text(&output));
    let report = text(&output);
    for approach in ["dummy node", "head first", "recursive"] {
        let line = report.lines().find(|l| l.trim_start().starts_with(approach)).expect(approach);
        assert!(line.contains(" ns") && line.contains("(n^"), "{line}");
    }
}

#[test]
fn status_counts_match_run_all() {
    let args = ["--quick", "--cases", "16", "--seed", "5", "--json"];
    let run = harness_in(&workspace(), &[&["run", "all"][..], &args].concat());
    let status = harness_in(&workspace(), &[&["status"][..], &args].concat());
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(run["problems"], status["total"]);
    let solved =
        status["by_chapter"].as_array().unwrap().iter().map(|c| c["counts"]["passed"].as_u64().unwrap());
    assert_eq!(solved.sum::<u64>(), run["problems"]["passed"].as_u64().unwrap());
}
