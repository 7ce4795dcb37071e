//! # 142. Linked List Cycle II
//!
//! <https://leetcode.com/problems/linked-list-cycle-ii/> · Medium
//!
//! Given the `head` of a linked list, return the node where the cycle begins, or `null` if
//! there is no cycle. (LeetCode builds the input from the values and `pos`, the index the tail
//! links back to, `-1` for none; `pos` is not passed.) Do not modify the list. Follow up: O(1)
//! memory.
//!
//! **Why an arena.** A cycle gives a node two predecessors, which `Option<Box<ListNode>>` (one
//! owner per node) cannot express; LeetCode offers no Rust for this problem. The list lives in an
//! [`Arena`] and the signature takes and returns ids:
//! `detect_cycle(arena, head) -> Option<NodeId>`.
//!
//! **Approach (Floyd's tortoise and hare, two phases).** First the fast cursor (two steps) meets
//! the slow one (one step) inside the cycle, as in 141. Say the cycle starts x steps from the
//! head, the meeting point is y steps into it and the cycle has length c: the fast cursor walked
//! twice as far, so 2(x + y) = x + y + kc, hence x = kc - y. A cursor from the head and one from
//! the meeting point, both at one step, therefore meet exactly at the cycle's entrance after x
//! steps. O(n) time, O(1) space.
//!
//! The alternative, [`hash_set`], returns the first node visited twice: O(n) time, O(n) space.

use proptest::prelude::*;

use crate::arena::{Arena, NodeId};
use crate::p0141_linked_list_cycle::cycle_inputs;
use crate::spec::{Approach, Chapter, Difficulty, Info, Outcome, Problem};

pub struct Solution;

impl Solution {
    pub fn detect_cycle(arena: &Arena, head: Option<NodeId>) -> Option<NodeId> {
        let (mut slow, mut fast) = (head, head);
        loop {
            fast = fast.and_then(|id| arena.next(id)).and_then(|id| arena.next(id));
            slow = slow.and_then(|id| arena.next(id));
            fast?;
            if fast == slow {
                break;
            }
        }
        let mut from_head = head;
        while from_head != slow {
            from_head = from_head.and_then(|id| arena.next(id));
            slow = slow.and_then(|id| arena.next(id));
        }
        from_head
    }
}

/// Hash set: walk the list remembering each node; the first node seen twice is the entrance.
/// O(n) time, O(n) space.
pub mod hash_set {
    use std::collections::HashSet;

    use crate::arena::{Arena, NodeId};

    pub struct Solution;

    impl Solution {
        pub fn detect_cycle(arena: &Arena, head: Option<NodeId>) -> Option<NodeId> {
            let mut seen = HashSet::new();
            arena.walk(head).find(|&id| !seen.insert(id))
        }
    }
}

/// LeetCode's input: the list's values and the index its tail links back to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    /// `-1` for no cycle.
    pub pos: i32,
}

/// LeetCode's verdict: "tail connects to node index 1" or "no cycle".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cycle {
    /// The index of the returned node in the list (its id, as [`Arena::with_cycle`] builds it).
    TailConnectsToNodeIndex(usize),
    NoCycle,
}

/// Builds the arena of `input`, runs `solution` on it and reads its answer as LeetCode prints it
/// (shared by the approaches and a learner's attempt).
pub fn solve(input: &Input, solution: fn(&Arena, Option<NodeId>) -> Option<NodeId>) -> Outcome<Cycle> {
    let (arena, head) = Arena::with_cycle(&input.head, input.pos);
    Outcome::plain(match solution(&arena, head) {
        Some(NodeId(index)) => Cycle::TailConnectsToNodeIndex(index),
        None => Cycle::NoCycle,
    })
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 142,
        slug: "linked-list-cycle-ii",
        title: "Linked List Cycle II",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Input;
    type Output = Cycle;

    fn examples() -> Vec<(Input, Cycle)> {
        vec![
            (Input { head: vec![3, 2, 0, -4], pos: 1 }, Cycle::TailConnectsToNodeIndex(1)),
            (Input { head: vec![1, 2], pos: 0 }, Cycle::TailConnectsToNodeIndex(0)),
            (Input { head: vec![1], pos: -1 }, Cycle::NoCycle),
        ]
    }

    fn model(input: &Input) -> Cycle {
        match usize::try_from(input.pos) {
            Ok(index) => Cycle::TailConnectsToNodeIndex(index),
            Err(_) => Cycle::NoCycle,
        }
    }

    /// The same shapes as 141: see [`cycle_inputs`].
    fn inputs() -> BoxedStrategy<Input> {
        cycle_inputs().prop_map(|(head, pos)| Input { head, pos }).boxed()
    }

    /// 10^6 nodes: a tail of 400 000 leading into a cycle of 600 000.
    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 200_001 - 100_000).collect(), pos: (n * 2 / 5) as i32 }
    }

    fn approaches() -> Vec<Approach<Input, Cycle>> {
        vec![
            Approach {
                name: "tortoise and hare",
                summary: "meet in the cycle, then head and meeting point meet at the entrance; O(1)",
                recursive: false,
                relinks: false,
                run: |input| solve(input, Solution::detect_cycle),
            },
            Approach {
                name: "hash set",
                summary: "the first node visited twice; O(n) time, O(n) space",
                recursive: false,
                relinks: false,
                run: |input| solve(input, hash_set::Solution::detect_cycle),
            },
        ]
    }
}
