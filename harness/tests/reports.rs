//! What a learner sees when a solution is wrong: the reports the harness prints for the
//! deliberately wrong approaches in `problems::mistakes`.

use harness::report;
use harness::run::problem_section;
use problems::check::CheckConfig;
use problems::mistakes::WrongSwaps;
use problems::registry::Registered;

fn wrong_report() -> String {
    harness::style::disable_colour();
    let config = CheckConfig { cases: 64, seed: 42, long: false };
    let section = problem_section(&Registered::<WrongSwaps>::new(), &config);
    report::render(&section)
}

#[test]
fn a_solution_that_returns_its_input_gets_a_diff_a_shrunk_input_and_a_replay_command() {
    let text = wrong_report();
    let group = text.split("  swaps values").next().unwrap();
    assert!(group.contains("✗ examples"), "{text}");
    assert!(group.contains("example 1: wrong output"), "{text}");
    assert!(group.contains("input: [1, 2, 3, 4]"), "{text}");
    assert!(group.contains("expected: [2, 1, 4, 3]"), "{text}");
    assert!(group.contains("actual:   [1, 2, 3, 4]"), "{text}");
    assert!(group.contains("Diff < expected / actual > :"), "{text}");
    assert!(group.contains("input (shrunk to a minimal case): [0, 1]"), "{text}");
    assert!(group.contains("replay: cargo harness run 24 --seed 42 --cases 64"), "{text}");
}

#[test]
fn a_solution_that_swaps_values_is_caught_by_node_identity() {
    let text = wrong_report();
    let group = text.split("  swaps values").nth(1).unwrap().split("  todo").next().unwrap();
    assert!(group.contains("✗ examples"), "{text}");
    assert!(group.contains("rewritten from 1 to 2"), "{text}");
    assert!(group.contains("✗ identity"), "{text}");
}

#[test]
fn a_todo_solution_is_pending() {
    let text = wrong_report();
    let group = text.split("  todo").nth(1).unwrap();
    assert!(group.contains("○ examples    not solved yet"), "{text}");
}
