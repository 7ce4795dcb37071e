//! Deliberately wrong solutions of problem 24, kept as a problem of their own so the tests of
//! the checker and of the harness can show exactly what each mistake looks like when caught.
//! Not registered: `harness run` never lists it.

use proptest::strategy::BoxedStrategy;

use crate::list::Link;
use crate::p0024_swap_nodes_in_pairs as p0024;
use crate::spec::{self, Approach, Info, Problem};

/// Problem 24's spec (examples, model, generator) with three wrong approaches: one returns its
/// input, one swaps values instead of nodes, one is still `todo!()`.
#[derive(Debug)]
pub struct WrongSwaps;

/// Swaps the values of each pair, leaving the nodes in place: the right output, by a method
/// the problem forbids.
pub fn swap_values(mut head: Link) -> Link {
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

    fn sized_input(n: usize) -> Vec<i32> {
        p0024::Spec::sized_input(n)
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "returns input",
                summary: "wrong: leaves the list as it is",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, |list| list),
            },
            Approach {
                name: "swaps values",
                summary: "wrong: right output, but rewrites values instead of relinking nodes",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, swap_values),
            },
            Approach {
                name: "todo",
                summary: "not written yet",
                recursive: false,
                relinks: true,
                run: |_| todo!(),
            },
        ]
    }
}
