//! # 24. Swap Nodes in Pairs
//!
//! <https://leetcode.com/problems/swap-nodes-in-pairs/> · Medium
//!
//! Given a linked list, swap every two adjacent nodes and return its head. You must solve the
//! problem without modifying the values in the list's nodes (i.e., only nodes themselves may be
//! changed.)
//!
//! **Approach (dummy node, iterative).** `prev` is the node before the next pair (the dummy at
//! first). Take the pair's first node out of `prev.next` and the second out of `first.next`,
//! hang the rest of the list on `first`, then link `prev -> second -> first`; `first` becomes the
//! new `prev`. `Option::insert` hands back a `&mut` to what it linked, so the cursor moves without
//! any `unwrap`. O(n) time, O(1) extra space.
//!
//! The alternative, [`recursive`], swaps the first pair onto the swapped rest: O(n) time, O(n)
//! stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut dummy = ListNode { val: 0, next: head };
        let mut prev = &mut dummy;
        while let Some(mut first) = prev.next.take() {
            match first.next.take() {
                Some(mut second) => {
                    first.next = second.next.take();
                    prev = prev.next.insert(second).next.insert(first);
                }
                None => {
                    prev.next = Some(first);
                    break;
                }
            }
        }
        dummy.next
    }
}

/// Recursive: swap the rest after the first pair, then put the pair in front of it in reverse.
/// O(n) time and O(n) stack, so it is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut first = head?;
            match first.next.take() {
                Some(mut second) => {
                    first.next = Self::swap_pairs(second.next.take());
                    second.next = Some(first);
                    Some(second)
                }
                None => Some(first),
            }
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 24,
        slug: "swap-nodes-in-pairs",
        title: "Swap Nodes in Pairs",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![
            (vec![1, 2, 3, 4], vec![2, 1, 4, 3]),
            (vec![], vec![]),
            (vec![1], vec![1]),
            (vec![1, 2, 3], vec![2, 1, 3]),
        ]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        head.chunks(2).flat_map(|pair| pair.iter().rev().copied()).collect()
    }

    /// 0..=100 nodes with values 0..=100.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        prop::collection::vec(0..=100, 0..=100).boxed()
    }

    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).map(|i| i % 101).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "dummy node",
                summary: "dummy head, relink each pair behind a cursor; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::swap_pairs),
            },
            Approach {
                name: "recursive",
                summary: "swap the rest, then the first pair onto it; O(n) time, O(n) stack",
                recursive: true,
                relinks: true,
                run: |head| spec::relinked(head, recursive::Solution::swap_pairs),
            },
        ]
    }
}
