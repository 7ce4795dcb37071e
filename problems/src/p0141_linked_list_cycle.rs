//! # 141. Linked List Cycle
//!
//! <https://leetcode.com/problems/linked-list-cycle/> · Easy
//!
//! Given `head`, determine whether the linked list has a cycle: some node that can be reached
//! again by following `next`. (LeetCode builds the input from the values and `pos`, the index
//! the tail links back to, `-1` for none; `pos` is not passed.) Follow up: O(1) memory.
//!
//! **Why an arena.** A cycle gives a node two predecessors, which `Option<Box<ListNode>>` (one
//! owner per node) cannot express; LeetCode offers no Rust for this problem. The list lives in an
//! [`Arena`] and the signature takes an id: `has_cycle(arena, head) -> bool`.
//!
//! **Approach (Floyd's tortoise and hare).** A slow cursor takes one step while a fast one takes
//! two. Without a cycle the fast cursor falls off the end; with one, both end up circling it and
//! the fast one gains one node per step, so it catches the slow one within one lap. O(n) time,
//! O(1) space.
//!
//! The alternative, [`hash_set`], remembers every node visited and stops at the first repeat:
//! O(n) time, O(n) space.

use proptest::prelude::*;

use crate::arena::{Arena, NodeId};
use crate::spec::{Approach, Chapter, Difficulty, Info, Outcome, Problem};

pub struct Solution;

impl Solution {
    pub fn has_cycle(arena: &Arena, head: Option<NodeId>) -> bool {
        let (mut slow, mut fast) = (head, head);
        while let Some(after_fast) = fast.and_then(|id| arena.next(id)) {
            fast = arena.next(after_fast);
            slow = slow.and_then(|id| arena.next(id));
            if fast.is_some() && fast == slow {
                return true;
            }
        }
        false
    }
}

/// Hash set: walk the list, remembering each node; a node seen twice means a cycle.
/// O(n) time, O(n) space.
pub mod hash_set {
    use std::collections::HashSet;

    use crate::arena::{Arena, NodeId};

    pub struct Solution;

    impl Solution {
        pub fn has_cycle(arena: &Arena, head: Option<NodeId>) -> bool {
            let mut seen = HashSet::new();
            arena.walk(head).any(|id| !seen.insert(id))
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

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 141,
        slug: "linked-list-cycle",
        title: "Linked List Cycle",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Input;
    type Output = bool;

    fn examples() -> Vec<(Input, bool)> {
        vec![
            (Input { head: vec![3, 2, 0, -4], pos: 1 }, true),
            (Input { head: vec![1, 2], pos: 0 }, true),
            (Input { head: vec![1], pos: -1 }, false),
        ]
    }

    fn model(input: &Input) -> bool {
        input.pos >= 0
    }

    /// See [`cycle_inputs`].
    fn inputs() -> BoxedStrategy<Input> {
        cycle_inputs().prop_map(|(head, pos)| Input { head, pos }).boxed()
    }

    /// 10^6 nodes whose tail links back to the head: one long cycle.
    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 200_001 - 100_000).collect(), pos: 0 }
    }

    fn approaches() -> Vec<Approach<Input, bool>> {
        vec![
            Approach {
                name: "tortoise and hare",
                summary: "a cursor at double speed meets the slow one iff there is a cycle; O(1)",
                recursive: false,
                relinks: false,
                run: |input| {
                    let (arena, head) = Arena::with_cycle(&input.head, input.pos);
                    Outcome::plain(Solution::has_cycle(&arena, head))
                },
            },
            Approach {
                name: "hash set",
                summary: "remember visited nodes, stop at a repeat; O(n) time, O(n) space",
                recursive: false,
                relinks: false,
                run: |input| {
                    let (arena, head) = Arena::with_cycle(&input.head, input.pos);
                    Outcome::plain(hash_set::Solution::has_cycle(&arena, head))
                },
            },
        ]
    }
}

/// Lists of 0..=10^4 nodes with values -10^5..=10^5 (mostly short) and `pos`: -1, the head, the
/// tail (a self-loop) or any index. Shared by 141 and 142, which take the same input.
pub fn cycle_inputs() -> BoxedStrategy<(Vec<i32>, i32)> {
    let values = |max: usize| prop::collection::vec(-100_000..=100_000, 0..=max);
    prop_oneof![3 => values(12), 2 => values(300), 1 => values(10_000)]
        .prop_flat_map(|head| {
            let len = head.len() as i32;
            let pos = if len == 0 {
                Just(-1).boxed()
            } else {
                prop_oneof![Just(-1), Just(0), Just(len - 1), 0..len].boxed()
            };
            (Just(head), pos)
        })
        .boxed()
}
