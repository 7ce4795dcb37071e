//! The built `harness` binary, run end to end as a person would run it.

use std::process::{Command, Output};

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the harness binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn run_24_passes_every_check_of_every_approach() {
    let output = harness(&["run", "24", "--cases", "64"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(text.contains("✓ 24. Swap Nodes in Pairs (medium)"), "{text}");
    for check in ["examples", "model", "identity", "long input"] {
        assert!(text.contains(&format!("✓ {check}")), "missing {check}: {text}");
    }
    assert!(text.contains("- long input  recursive"), "{text}");
    assert!(text.contains("ok: 1 passed, 0 failed, 0 pending"), "{text}");
}

#[test]
fn padded_id_and_slug_name_the_same_problem() {
    for query in ["0024", "swap-nodes-in-pairs"] {
        let output = harness(&["run", query, "--quick", "--cases", "8"]);
        assert!(output.status.success(), "{query}: {}", stdout(&output));
        assert!(stdout(&output).contains("24. Swap Nodes in Pairs"));
    }
}

#[test]
fn unknown_id_fails_naming_the_closest_ids() {
    let output = harness(&["run", "25"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(r#"unknown problem "25""#), "{message}");
    assert!(message.contains("24 (swap-nodes-in-pairs)"), "{message}");

    let output = harness(&["run", "swap-nodes-in-pair"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("closest known: 24 (swap-nodes-in-pairs)"));
}

#[test]
fn json_reports_the_same_results() {
    let output = harness(&["run", "203", "--json", "--quick", "--cases", "16", "--seed", "7"]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["seed"], 7);
    assert_eq!(json["summary"]["passed"], 1);
    let section = &json["sections"][0];
    assert_eq!(section["meta"]["slug"], "remove-linked-list-elements");
    assert_eq!(section["groups"][0]["name"], "dummy node");
    assert_eq!(section["groups"][0]["checks"][0]["status"], "passed");
}

#[test]
fn list_shows_every_problem_with_difficulty_and_approaches() {
    let output = harness(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let line = text.lines().find(|l| l.contains("Swap Nodes in Pairs")).expect("24 is listed");
    assert!(line.contains("24") && line.contains("medium") && line.contains("dummy node · recursive"));
    assert!(text.find("Remove Linked List Elements") < text.find("Swap Nodes in Pairs"), "study order");
}
