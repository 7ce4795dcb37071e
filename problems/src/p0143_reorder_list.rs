//! # 143. Reorder List
//!
//! <https://leetcode.com/problems/reorder-list/> · Medium
//!
//! Given the head of a singly linked list `L0 -> L1 -> ... -> Ln-1 -> Ln`, reorder it to
//! `L0 -> Ln -> L1 -> Ln-1 -> L2 -> Ln-2 -> ...`. You may not modify the values in the nodes,
//! only the nodes themselves may be changed. LeetCode's Rust signature edits the list in place
//! through `&mut Option<Box<ListNode>>` and returns nothing.
//!
//! **Approach (split, reverse, weave).** Measure the length `n`, cut the list after its first
//! `ceil(n / 2)` nodes, reverse the second half (problem 206), then weave: after each node of the
//! first half, splice in the next node of the reversed second half. O(n) time, O(1) extra space.
//!
//! The alternative, [`deque`], detaches every node into a `VecDeque` and relinks them taking
//! alternately from the front and the back: O(n) time, O(n) space, no pointer juggling.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn reorder_list(head: &mut Option<Box<ListNode>>) {
        let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
        let Some(mut last_of_first) = head.as_deref_mut() else {
            return;
        };
        for _ in 1..n.div_ceil(2) {
            match last_of_first.next.take() {
                Some(next) => last_of_first = last_of_first.next.insert(next),
                None => break,
            }
        }
        let mut second = last_of_first.next.take();
        let mut reversed = None;
        while let Some(mut node) = second {
            second = node.next.take();
            node.next = reversed;
            reversed = Some(node);
        }
        let mut cursor = head.as_deref_mut();
        while let Some(node) = cursor {
            let Some(mut woven) = reversed else {
                break;
            };
            reversed = woven.next.take();
            woven.next = node.next.take();
            cursor = node.next.insert(woven).next.as_deref_mut();
        }
    }
}

/// Deque: detach every node into a `VecDeque`, then relink them front, back, front, back...
/// O(n) time, O(n) space.
pub mod deque {
    use std::collections::VecDeque;

    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn reorder_list(head: &mut Option<Box<ListNode>>) {
            let mut nodes = VecDeque::new();
            let mut rest = head.take();
            while let Some(mut node) = rest {
                rest = node.next.take();
                nodes.push_back(node);
            }
            let mut order = Vec::with_capacity(nodes.len());
            while let Some(front) = nodes.pop_front() {
                order.push(front);
                if let Some(back) = nodes.pop_back() {
                    order.push(back);
                }
            }
            for mut node in order.into_iter().rev() {
                node.next = head.take();
                *head = Some(node);
            }
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 143,
        slug: "reorder-list",
        title: "Reorder List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![(vec![1, 2, 3, 4], vec![1, 4, 2, 3]), (vec![1, 2, 3, 4, 5], vec![1, 5, 2, 4, 3])]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        let (mut front, mut back) = (0, head.len());
        let mut out = Vec::with_capacity(head.len());
        while front < back {
            out.push(head[front]);
            front += 1;
            if front < back {
                back -= 1;
                out.push(head[back]);
            }
        }
        out
    }

    /// 1..=5 * 10^4 nodes with values 1..=1000, mostly short.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        prop_oneof![
            6 => prop::collection::vec(1..=1000, 1..=12),
            3 => prop::collection::vec(1..=1000, 1..=1000),
            1 => prop::collection::vec(1..=1000, 1..=50_000),
        ]
        .boxed()
    }

    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).map(|i| i % 1000 + 1).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "split, reverse, weave",
                summary: "reverse the second half, weave it into the first; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| {
                    spec::relinked(head, |mut list| {
                        Solution::reorder_list(&mut list);
                        list
                    })
                },
            },
            Approach {
                name: "deque",
                summary: "detach nodes into a deque, relink front/back alternately; O(n) space",
                recursive: false,
                relinks: true,
                run: |head| {
                    spec::relinked(head, |mut list| {
                        deque::Solution::reorder_list(&mut list);
                        list
                    })
                },
            },
        ]
    }
}
