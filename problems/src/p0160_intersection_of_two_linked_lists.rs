//! # 160. Intersection of Two Linked Lists
//!
//! <https://leetcode.com/problems/intersection-of-two-linked-lists/> · Easy
//!
//! Given the heads of two singly linked lists `headA` and `headB`, return the node at which the
//! two lists intersect, or `null` if they do not. There are no cycles; the lists must keep their
//! structure. Follow up: O(m + n) time and O(1) memory.
//!
//! **Why an arena.** Two lists that share a tail have a node with two predecessors, which
//! `Option<Box<ListNode>>` (one owner per node) cannot express; LeetCode offers no Rust for this
//! problem. The lists live in an [`Arena`] and the signature takes ids:
//! `get_intersection_node(arena, head_a, head_b) -> Option<NodeId>`. Returning the *node* (its
//! id), not its value, is the point: in example 1 both lists hold a `1` before the shared `8`.
//!
//! **Approach (two pointers that switch lists).** Walk a cursor down A and one down B; when a
//! cursor falls off its list it restarts at the other list's head. After at most m + n steps
//! both have walked the same distance (A's own part + B's own part + the shared tail), so they
//! meet at the first shared node, or both reach `None` together. O(m + n) time, O(1) space.
//!
//! The alternatives are [`hash_set`] (remember A's nodes, find the first of B's among them;
//! O(m) space) and [`lengths`] (advance the longer list by the length difference, then walk in
//! step; O(1) space).

use proptest::prelude::*;

use crate::arena::{Arena, NodeId};
use crate::spec::{Approach, Chapter, Difficulty, Info, Outcome, Problem};

pub struct Solution;

impl Solution {
    pub fn get_intersection_node(
        arena: &Arena,
        head_a: Option<NodeId>,
        head_b: Option<NodeId>,
    ) -> Option<NodeId> {
        let (mut a, mut b) = (head_a, head_b);
        while a != b {
            a = match a {
                Some(id) => arena.next(id),
                None => head_b,
            };
            b = match b {
                Some(id) => arena.next(id),
                None => head_a,
            };
        }
        a
    }
}

/// Hash set: record every node of A, then return the first node of B that is recorded.
/// O(m + n) time, O(m) space.
pub mod hash_set {
    use std::collections::HashSet;

    use crate::arena::{Arena, NodeId};

    pub struct Solution;

    impl Solution {
        pub fn get_intersection_node(
            arena: &Arena,
            head_a: Option<NodeId>,
            head_b: Option<NodeId>,
        ) -> Option<NodeId> {
            let in_a: HashSet<NodeId> = arena.walk(head_a).collect();
            arena.walk(head_b).find(|id| in_a.contains(id))
        }
    }
}

/// Lengths: measure both lists, skip the longer one's extra nodes, then walk both in step until
/// the cursors meet. O(m + n) time, O(1) space.
pub mod lengths {
    use crate::arena::{Arena, NodeId};

    pub struct Solution;

    impl Solution {
        pub fn get_intersection_node(
            arena: &Arena,
            head_a: Option<NodeId>,
            head_b: Option<NodeId>,
        ) -> Option<NodeId> {
            let (m, n) = (arena.walk(head_a).count(), arena.walk(head_b).count());
            let mut a = arena.walk(head_a).skip(m.saturating_sub(n));
            let mut b = arena.walk(head_b).skip(n.saturating_sub(m));
            loop {
                match (a.next(), b.next()) {
                    (Some(x), Some(y)) if x == y => return Some(x),
                    (Some(_), Some(_)) => {}
                    _ => return None,
                }
            }
        }
    }
}

/// LeetCode's input: the two lists as values and where they join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The value of the first shared node, or 0 if the lists do not intersect.
    pub intersect_val: i32,
    pub list_a: Vec<i32>,
    pub list_b: Vec<i32>,
    /// How many nodes of A come before the shared node.
    pub skip_a: usize,
    /// How many nodes of B come before the shared node.
    pub skip_b: usize,
}

/// LeetCode's verdict, naming the node: "Intersected at '8'" or "No intersection".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intersection {
    /// The shared node's value and its id, which [`Arena::with_intersection`] makes its index
    /// in A (so `node == NodeId(skip_a)`).
    IntersectedAt {
        val: i32,
        node: NodeId,
    },
    NoIntersection,
}

/// Builds the arena of `input`, runs `solution` on it and reads its answer as LeetCode prints it
/// (shared by the approaches and a learner's attempt).
pub fn solve(
    input: &Input,
    solution: fn(&Arena, Option<NodeId>, Option<NodeId>) -> Option<NodeId>,
) -> Outcome<Intersection> {
    let (arena, head_a, head_b) = Arena::with_intersection(
        input.intersect_val,
        &input.list_a,
        &input.list_b,
        input.skip_a,
        input.skip_b,
    );
    Outcome::plain(match solution(&arena, head_a, head_b) {
        Some(node) => Intersection::IntersectedAt { val: arena.val(node), node },
        None => Intersection::NoIntersection,
    })
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 160,
        slug: "intersection-of-two-linked-lists",
        title: "Intersection of Two Linked Lists",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Input;
    type Output = Intersection;

    fn examples() -> Vec<(Input, Intersection)> {
        vec![
            (
                Input {
                    intersect_val: 8,
                    list_a: vec![4, 1, 8, 4, 5],
                    list_b: vec![5, 6, 1, 8, 4, 5],
                    skip_a: 2,
                    skip_b: 3,
                },
                Intersection::IntersectedAt { val: 8, node: NodeId(2) },
            ),
            (
                Input {
                    intersect_val: 2,
                    list_a: vec![1, 9, 1, 2, 4],
                    list_b: vec![3, 2, 4],
                    skip_a: 3,
                    skip_b: 1,
                },
                Intersection::IntersectedAt { val: 2, node: NodeId(3) },
            ),
            (
                Input { intersect_val: 0, list_a: vec![2, 6, 4], list_b: vec![1, 5], skip_a: 3, skip_b: 2 },
                Intersection::NoIntersection,
            ),
        ]
    }

    fn model(input: &Input) -> Intersection {
        if input.intersect_val == 0 {
            Intersection::NoIntersection
        } else {
            Intersection::IntersectedAt { val: input.intersect_val, node: NodeId(input.skip_a) }
        }
    }

    /// Own parts and a shared tail (possibly empty: no intersection), m, n <= 3 * 10^4, values
    /// 1..=10^5; often drawn from 1..=3 so the lists hold equal values in different nodes.
    fn inputs() -> BoxedStrategy<Input> {
        let part = |max: usize| {
            prop_oneof![prop::collection::vec(1..=3, 0..=max), prop::collection::vec(1..=100_000, 0..=max),]
        };
        let parts = |max: usize| (part(max), part(max), part(max));
        prop_oneof![4 => parts(6), 2 => parts(300), 1 => parts(10_000)]
            .prop_map(|(own_a, own_b, shared)| shaped(own_a, own_b, shared))
            .boxed()
    }

    /// A: 3 * 10^5 own nodes, B: 6 * 10^5, then a shared tail of 4 * 10^5 (10^6 in B).
    fn sized_input(n: usize) -> Input {
        let values = |len: i32, offset: i32| (0..len).map(|i| (i + offset) % 100_000 + 1).collect();
        let part = |share: usize| (n * share / 13) as i32;
        shaped(values(part(3), 0), values(part(6), 7), values(part(4), 3))
    }

    fn approaches() -> Vec<Approach<Input, Intersection>> {
        vec![
            Approach {
                name: "two pointers",
                summary: "cursors restart on the other list and meet at the join; O(m+n), O(1)",
                recursive: false,
                relinks: false,
                run: |input| solve(input, Solution::get_intersection_node),
            },
            Approach {
                name: "hash set",
                summary: "record A's nodes, first of B's recorded; O(m+n) time, O(m) space",
                recursive: false,
                relinks: false,
                run: |input| solve(input, hash_set::Solution::get_intersection_node),
            },
            Approach {
                name: "lengths",
                summary: "skip the length difference, then walk in step; O(m+n), O(1) space",
                recursive: false,
                relinks: false,
                run: |input| solve(input, lengths::Solution::get_intersection_node),
            },
        ]
    }
}

/// LeetCode's input for lists made of their own parts followed by a shared tail.
fn shaped(own_a: Vec<i32>, own_b: Vec<i32>, shared: Vec<i32>) -> Input {
    // Without a shared tail LeetCode allows any skips; the lengths are the natural choice.
    let (skip_a, skip_b) = (own_a.len(), own_b.len());
    Input {
        intersect_val: shared.first().copied().unwrap_or(0),
        list_a: [own_a, shared.clone()].concat(),
        list_b: [own_b, shared].concat(),
        skip_a,
        skip_b,
    }
}
