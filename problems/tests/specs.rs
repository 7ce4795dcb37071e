//! Every registered problem passes every check of every approach, and the checker itself
//! catches the classic wrong answers: returning the input, and swapping values instead of nodes.

use pretty_assertions::assert_eq;
use problems::arena::Arena;
use problems::check::{self, CheckConfig, CheckKind, Status};
use problems::mistakes::WrongSwaps;
use problems::p0160_intersection_of_two_linked_lists as p0160;
use problems::registry::PROBLEMS;
use problems::spec::{Approach, Info, Outcome, Problem};
use proptest::strategy::BoxedStrategy;

/// Fixed seed so a failure here replays exactly; `harness run` draws fresh seeds.
const CONFIG: CheckConfig = CheckConfig { cases: 256, seed: 20_240_024, long: true };

macro_rules! spec_tests {
    ($($name:ident => $module:ident),+ $(,)?) => {$(
        #[test]
        fn $name() {
            assert_all_pass::<problems::$module::Spec>();
        }
    )+};
}

// `pNNNN => module,` for every problem in registry.txt, written by the build script.
include!(concat!(env!("OUT_DIR"), "/spec_tests.rs"));

/// Every check passes, or is pending: a problem just scaffolded by `harness new` is not solved
/// yet, which is not a failure.
fn assert_all_pass<P: Problem>() {
    for report in check::check_problem::<P>(&CONFIG) {
        for result in &report.checks {
            assert!(
                result.status != Status::Failed,
                "{} / {} / {}: {:?}\n{:#?}",
                P::INFO.id,
                report.name,
                result.kind.name(),
                result.status,
                result.failure
            );
            if result.status == Status::Pending {
                eprintln!("{} / {}: not solved yet", P::INFO.id, report.name);
            }
        }
    }
}

#[test]
fn checker_catches_wrong_output_with_a_diff_and_a_shrunk_input() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig { long: false, ..CONFIG });
    let returns_input = &reports[0];
    assert_eq!(returns_input.status(), Status::Failed);
    let examples = &returns_input.checks[0];
    assert_eq!(examples.kind, CheckKind::Examples);
    let failure = examples.failure.as_ref().expect("example 1 must fail");
    assert_eq!(failure.message, "example 1: wrong output");
    assert_eq!(failure.input, "[1, 2, 3, 4]");
    assert_eq!(failure.expected.as_deref(), Some("[2, 1, 4, 3]"));
    assert_eq!(failure.actual.as_deref(), Some("[1, 2, 3, 4]"));
    assert!(failure.diff.as_deref().is_some_and(|d| d.contains("Diff") && d.contains('<')));

    let model = &returns_input.checks[1];
    let shrunk = model.failure.as_ref().expect("the model check must fail");
    assert!(shrunk.shrunk);
    // The smallest list whose pairs, swapped, differ from itself: two distinct values.
    assert_eq!(shrunk.input, "[0, 1]");
}

#[test]
fn checker_catches_swapped_values_through_node_identity() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig { long: false, ..CONFIG });
    let swaps_values = &reports[1];
    let examples = &swaps_values.checks[0];
    assert_eq!(examples.status, Status::Failed);
    let message = &examples.failure.as_ref().unwrap().message;
    assert!(message.contains("rewritten from 1 to 2"), "{message}");
    let identity = swaps_values.checks.iter().find(|c| c.kind == CheckKind::Identity).unwrap();
    assert_eq!(identity.status, Status::Failed);
    assert_eq!(identity.failure.as_ref().unwrap().input, "[0, 1]");
}

#[test]
fn todo_is_pending_not_failed() {
    let reports = check::check_problem::<WrongSwaps>(&CheckConfig { long: false, ..CONFIG });
    assert_eq!(reports[2].status(), Status::Pending);
    assert!(reports[2].checks.iter().all(|c| c.status == Status::Pending));
}

/// Problem 160 answered by comparing values instead of nodes: after aligning the lists' ends,
/// the first position where they hold equal values. LeetCode's example 1 exists to catch this.
struct IntersectionByValue;

impl Problem for IntersectionByValue {
    const INFO: Info = p0160::Spec::INFO;
    type Input = p0160::Input;
    type Output = p0160::Intersection;

    fn examples() -> Vec<(p0160::Input, p0160::Intersection)> {
        p0160::Spec::examples()
    }
    fn model(input: &p0160::Input) -> p0160::Intersection {
        p0160::Spec::model(input)
    }
    fn inputs() -> BoxedStrategy<p0160::Input> {
        p0160::Spec::inputs()
    }
    fn sized_input(n: usize) -> p0160::Input {
        p0160::Spec::sized_input(n)
    }
    fn approaches() -> Vec<Approach<p0160::Input, p0160::Intersection>> {
        vec![Approach {
            name: "equal values",
            summary: "",
            recursive: false,
            relinks: false,
            run: |input| {
                let (arena, a, b) = Arena::with_intersection(
                    input.intersect_val,
                    &input.list_a,
                    &input.list_b,
                    input.skip_a,
                    input.skip_b,
                );
                let (m, n) = (arena.walk(a).count(), arena.walk(b).count());
                let a = arena.walk(a).skip(m.saturating_sub(n));
                let b = arena.walk(b).skip(n.saturating_sub(m));
                let found = a.zip(b).find(|&(x, y)| arena.val(x) == arena.val(y));
                Outcome::plain(match found {
                    Some((node, _)) => p0160::Intersection::IntersectedAt { val: arena.val(node), node },
                    None => p0160::Intersection::NoIntersection,
                })
            },
        }]
    }
}

#[test]
fn checker_catches_equal_values_taken_for_the_shared_node() {
    let reports = check::check_problem::<IntersectionByValue>(&CheckConfig { long: false, ..CONFIG });
    let examples = &reports[0].checks[0];
    assert_eq!(examples.status, Status::Failed);
    let failure = examples.failure.as_ref().unwrap();
    assert_eq!(failure.message, "example 1: wrong output");
    assert!(failure.actual.as_deref().is_some_and(|a| a.contains("val: 1")), "{failure:?}");
    let model = &reports[0].checks[1];
    assert_eq!(model.status, Status::Failed);
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
    let mut registered: Vec<String> =
        PROBLEMS.iter().map(|p| format!("p{:04}_{}", p.info().id, p.info().slug.replace('-', "_"))).collect();
    registered.sort();
    assert_eq!(registered, modules, "problem modules and the registry disagree");
}

#[test]
fn registry_lists_each_chapter_in_one_block_in_study_order() {
    let chapters: Vec<_> = PROBLEMS.iter().map(|p| p.info().chapter).collect();
    assert!(chapters.is_sorted(), "a problem is listed outside its chapter's block: {chapters:?}");
}
