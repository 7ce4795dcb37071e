//! # 83. Remove Duplicates from Sorted List
//!
//! <https://leetcode.com/problems/remove-duplicates-from-sorted-list/> · Easy
//!
//! Given the `head` of a sorted linked list, delete all duplicates such that each element
//! appears only once. Return the linked list sorted as well.
//!
//! **Approach (one cursor).** The list is sorted, so duplicates sit next to each other. At each
//! node, unlink successors while they hold the same value, then move on. The head never changes,
//! so no dummy is needed. O(n) time, O(1) space.
//!
//! The alternative, [`recursive`], deduplicates the rest first and then drops the head if it
//! equals the new rest's head: O(n) stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::p0021_merge_two_sorted_lists::sorted_values;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn delete_duplicates(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut head = head;
        let mut cursor = head.as_deref_mut();
        while let Some(node) = cursor {
            while node.next.as_ref().is_some_and(|next| next.val == node.val) {
                node.next = node.next.take().and_then(|mut next| next.next.take());
            }
            cursor = node.next.as_deref_mut();
        }
        head
    }
}

/// Recursive: deduplicate the rest, then keep the head only if it differs from the rest's head.
/// O(n) time and O(n) stack, so it is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn delete_duplicates(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut node = head?;
            let rest = Self::delete_duplicates(node.next.take());
            if rest.as_ref().is_some_and(|next| next.val == node.val) {
                rest
            } else {
                node.next = rest;
                Some(node)
            }
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 83,
        slug: "remove-duplicates-from-sorted-list",
        title: "Remove Duplicates from Sorted List",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![(vec![1, 1, 2], vec![1, 2]), (vec![1, 1, 2, 3, 3], vec![1, 2, 3])]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        let mut values = head.clone();
        values.dedup();
        values
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
                name: "one cursor",
                summary: "unlink successors equal to the current node; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::delete_duplicates),
            },
            Approach {
                name: "recursive",
                summary: "deduplicate the rest, keep the head if it differs; O(n) stack",
                recursive: true,
                relinks: true,
                run: |head| spec::relinked(head, recursive::Solution::delete_duplicates),
            },
        ]
    }
}
