//! Every registered problem passes every check of every approach, and the checker itself
//! catches the classic wrong answers: returning the input, and swapping values instead of nodes.

use pretty_assertions::assert_eq;
use problems::check::{self, CheckConfig, CheckKind, Status};
use problems::list::Link;
use problems::p0024_swap_nodes_in_pairs as p0024;
use problems::registry::PROBLEMS;
use problems::spec::{self, Approach, Info, Problem};
use proptest::strategy::BoxedStrategy;

/// Fixed seed so a failure here replays exactly; `harness run` draws fresh seeds.
const CONFIG: CheckConfig = CheckConfig {
    cases: 256,
    seed: 20_240_024,
    long: true,
};

macro_rules! spec_tests {
    ($($name:ident => $module:ident),+ $(,)?) => {$(
        #[test]
        fn $name() {
            assert_all_pass::<problems::$module::Spec>();
        }
    )+};
}

spec_tests! {
    p0002 => p0002_add_two_numbers,
    p0019 => p0019_remove_nth_node_from_end_of_list,
    p0021 => p0021_merge_two_sorted_lists,
    p0023 => p0023_merge_k_sorted_lists,
    p0024 => p0024_swap_nodes_in_pairs,
    p0025 => p0025_reverse_nodes_in_k_group,
    p0061 => p0061_rotate_list,
    p0082 => p0082_remove_duplicates_from_sorted_list_ii,
    p0083 => p0083_remove_duplicates_from_sorted_list,
    p0086 => p0086_partition_list,
    p0092 => p0092_reverse_linked_list_ii,
    p0141 => p0141_linked_list_cycle,
    p0142 => p0142_linked_list_cycle_ii,
    p0143 => p0143_reorder_list,
    p0148 => p0148_sort_list,
    p0160 => p0160_intersection_of_two_linked_lists,
    p0203 => p0203_remove_linked_list_elements,
    p0206 => p0206_reverse_linked_list,
    p0234 => p0234_palindrome_linked_list,
    p0328 => p0328_odd_even_linked_list,
    p0445 => p0445_add_two_numbers_ii,
    p0707 => p0707_design_linked_list,
    p0876 => p0876_middle_of_the_linked_list,
}

fn assert_all_pass<P: Problem>() {
    for report in check::check_problem::<P>(&CONFIG) {
        for result in &report.checks {
            assert!(
                matches!(result.status, Status::Passed | Status::Skipped),
                "{} / {} / {}: {:?}\n{:#?}",
                P::INFO.id,
                report.name,
                result.kind.name(),
                result.status,
                result.failure
            );
        }
    }
}

/// Problem 24 with deliberately wrong approaches, to prove the checker catches them.
struct WrongSwaps;

/// Swaps the values of each pair, keeping the nodes where they are: right output, forbidden.
fn swap_values(mut head: Link) -> Link {
    let mut cursor = head.as_deref_mut();
    while let Some(first) = cursor {
        match first.next.as_deref_mut() {
            Some(second) => {
                std::mem::swap(&mut first.val, &mut second.val);
                cursor = second.next.as_deref_mut();
            }
            None => break,
        }
    }
    head
}

impl Problem for WrongSwaps {
    const INFO: Info = p0024::Spec::INFO;
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        p0024::Spec::examples()
    }
    fn model(input: &Vec<i32>) -> Vec<i32> {
        p0024::Spec::model(input)
    }
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        p0024::Spec::inputs()
    }
    fn long_input() -> Vec<i32> {
        p0024::Spec::long_input()
    }
    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "returns input",
                summary: "",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, |list| list),
            },
            Approach {
                name: "swaps values",
                summary: "",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, swap_values),
            },
            Approach {
                name: "todo",
                summary: "",
                recursive: false,
                relinks: true,
                run: |_| todo!(),
            },
        ]
    }
}

#[test]
fn checker_catches_wrong_output_with_a_diff_and_a_shrunk_input() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig {
        long: false,
        ..CONFIG
    });
    let returns_input = &reports[0];
    assert_eq!(returns_input.status(), Status::Failed);
    let examples = &returns_input.checks[0];
    assert_eq!(examples.kind, CheckKind::Examples);
    let failure = examples.failure.as_ref().expect("example 1 must fail");
    assert_eq!(failure.message, "example 1: wrong output");
    assert_eq!(failure.input, "[1, 2, 3, 4]");
    assert_eq!(failure.expected.as_deref(), Some("[2, 1, 4, 3]"));
    assert_eq!(failure.actual.as_deref(), Some("[1, 2, 3, 4]"));
    assert!(
        failure
            .diff
            .as_deref()
            .is_some_and(|d| d.contains("Diff") && d.contains('<'))
    );

    let model = &returns_input.checks[1];
    let shrunk = model.failure.as_ref().expect("the model check must fail");
    assert!(shrunk.shrunk);
    // The smallest list whose pairs, swapped, differ from itself: two distinct values.
    assert_eq!(shrunk.input, "[0, 1]");
}

#[test]
fn checker_catches_swapped_values_through_node_identity() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig {
        long: false,
        ..CONFIG
    });
    let swaps_values = &reports[1];
    let examples = &swaps_values.checks[0];
    assert_eq!(examples.status, Status::Failed);
    let message = &examples.failure.as_ref().unwrap().message;
    assert!(message.contains("rewritten from 1 to 2"), "{message}");
    let identity = swaps_values
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Identity)
        .unwrap();
    assert_eq!(identity.status, Status::Failed);
    assert_eq!(identity.failure.as_ref().unwrap().input, "[0, 1]");
}

#[test]
fn todo_is_pending_not_failed() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig {
        long: false,
        ..CONFIG
    });
    assert_eq!(reports[2].status(), Status::Pending);
    assert!(
        reports[2]
            .checks
            .iter()
            .all(|c| c.status == Status::Pending)
    );
}

#[test]
fn registry_ids_are_unique_and_every_module_is_registered() {
    let mut ids: Vec<u32> = PROBLEMS.iter().map(|p| p.info().id).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "a problem id is registered twice");

    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with('p') && name[1..].starts_with(|c: char| c.is_ascii_digit()))
        .map(|name| name.trim_end_matches(".rs").to_string())
        .collect();
    modules.sort();
    let mut registered: Vec<String> = PROBLEMS
        .iter()
        .map(|p| format!("p{:04}_{}", p.info().id, p.info().slug.replace('-', "_")))
        .collect();
    registered.sort();
    assert_eq!(
        registered, modules,
        "problem modules and the registry disagree"
    );
}
