//! # 82. Remove Duplicates from Sorted List II
//!
//! <https://leetcode.com/problems/remove-duplicates-from-sorted-list-ii/> · Medium
//!
//! Given the `head` of a sorted linked list, delete all nodes that have duplicate numbers,
//! leaving only distinct numbers from the original list. Return the linked list sorted as well.
//!
//! **Approach (dummy node, skip whole runs).** The head itself may be a duplicate, so a dummy
//! node goes in front. `kept` is the last node kept so far. Take the node after it: if its
//! successor holds the same value, the whole run of that value goes, node by node; otherwise the
//! node is kept and `kept` moves onto it. O(n) time, O(1) space.
//!
//! The alternative, [`recursive`], drops a leading run or keeps a lone head, then recurses on
//! the rest: O(n) stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::p0021_merge_two_sorted_lists::sorted_values;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn delete_duplicates(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut dummy = ListNode { val: 0, next: head };
        let mut kept = &mut dummy;
        while let Some(mut node) = kept.next.take() {
            if node.next.as_ref().is_some_and(|next| next.val == node.val) {
                let mut rest = node.next.take();
                while rest.as_ref().is_some_and(|next| next.val == node.val) {
                    rest = rest.and_then(|mut next| next.next.take());
                }
                kept.next = rest;
            } else {
                kept = kept.next.insert(node);
            }
        }
        dummy.next
    }
}

/// Recursive: if the head starts a run, drop the run and recurse on what follows; otherwise keep
/// the head in front of the recursion on its rest. O(n) time and O(n) stack, so it is not run on
/// the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn delete_duplicates(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut node = head?;
            let mut rest = node.next.take();
            if rest.as_ref().is_some_and(|next| next.val == node.val) {
                while rest.as_ref().is_some_and(|next| next.val == node.val) {
                    rest = rest.and_then(|mut next| next.next.take());
                }
                Self::delete_duplicates(rest)
            } else {
                node.next = Self::delete_duplicates(rest);
                Some(node)
            }
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 82,
        slug: "remove-duplicates-from-sorted-list-ii",
        title: "Remove Duplicates from Sorted List II",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![(vec![1, 2, 3, 3, 4, 4, 5], vec![1, 2, 5]), (vec![1, 1, 1, 2, 3], vec![2, 3])]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        head.chunk_by(|a, b| a == b).filter(|run| run.len() == 1).map(|run| run[0]).collect()
    }

    /// Sorted lists of 0..=300 nodes with values -100..=100, often with long runs.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        sorted_values(-100..=100, 300).boxed()
    }

    /// 10^6 sorted nodes: runs of one, two and three equal values.
    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).map(|i| 3 * (i / 6) + [0, 1, 1, 2, 2, 2][i as usize % 6]).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "dummy node",
                summary: "keep lone nodes, unlink whole runs behind a cursor; O(n) time, O(1)",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::delete_duplicates),
            },
            Approach {
                name: "recursive",
                summary: "drop a leading run or keep a lone head, recurse; O(n) stack",
                recursive: true,
                relinks: true,
                run: |head| spec::relinked(head, recursive::Solution::delete_duplicates),
            },
        ]
    }
}
