//! # 206. Reverse Linked List
//!
//! <https://leetcode.com/problems/reverse-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, reverse the list, and return the reversed list.
//! Follow up: a linked list can be reversed either iteratively or recursively; implement both.
//!
//! **Approach (iterative, pop and push).** Pop nodes off the front of the input one by one and
//! push each onto the front of the result: `take()` the node's `next` as the rest of the input,
//! point the node at the reversed part, and it becomes the reversed part's new head. Every node
//! is relinked once. O(n) time, O(1) extra space.
//!
//! The alternative, [`recursive`], does the same with the reversed part passed down as an
//! accumulator: O(n) time, O(n) stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn reverse_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut reversed = None;
        let mut rest = head;
        while let Some(mut node) = rest {
            rest = node.next.take();
            node.next = reversed;
            reversed = Some(node);
        }
        reversed
    }
}

/// Recursive: move the head onto the reversed part, then reverse the rest onto that. Rust does
/// not eliminate the tail call, so this is O(n) stack and is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn reverse_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            fn onto(rest: Option<Box<ListNode>>, reversed: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
                match rest {
                    None => reversed,
                    Some(mut node) => {
                        let rest = node.next.take();
                        node.next = reversed;
                        onto(rest, Some(node))
                    }
                }
            }
            onto(head, None)
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 206,
        slug: "reverse-linked-list",
        title: "Reverse Linked List",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![(vec![1, 2, 3, 4, 5], vec![5, 4, 3, 2, 1]), (vec![1, 2], vec![2, 1]), (vec![], vec![])]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        head.iter().rev().copied().collect()
    }

    /// 0..=5000 nodes with values -5000..=5000, mostly short.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        prop_oneof![
            3 => prop::collection::vec(-5000..=5000, 0..=10),
            1 => prop::collection::vec(-5000..=5000, 0..=5000),
        ]
        .boxed()
    }

    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).map(|i| i % 10_001 - 5000).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "iterative",
                summary: "pop each node and push it onto the reversed part; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::reverse_list),
            },
            Approach {
                name: "recursive",
                summary: "same, with the reversed part as an accumulator; O(n) time, O(n) stack",
                recursive: true,
                relinks: true,
                run: |head| spec::relinked(head, recursive::Solution::reverse_list),
            },
        ]
    }
}
