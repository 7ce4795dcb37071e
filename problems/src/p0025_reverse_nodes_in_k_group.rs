//! # 25. Reverse Nodes in k-Group
//!
//! <https://leetcode.com/problems/reverse-nodes-in-k-group/> · Hard
//!
//! Given the `head` of a linked list, reverse the nodes of the list `k` at a time, and return the
//! modified list. `k` is a positive integer no greater than the length of the list; if the number
//! of nodes is not a multiple of `k`, the nodes left over at the end stay as they are. You may
//! not alter the values in the nodes, only the nodes themselves. Follow up: O(1) extra memory.
//!
//! **Approach (dummy node, group by group).** `tail` is the last node of the finished part (the
//! dummy at first). Look ahead with a shared reference: if fewer than `k` nodes remain, stop.
//! Otherwise pop the next `k` nodes off the rest, pushing each onto the front of a `group` list
//! (which reverses them), hang the group on `tail`, walk `tail` to the group's end (the group's
//! old first node) and hang the rest of the list after it. O(n) time, O(1) extra space.
//!
//! The alternative, [`recursive`], cuts off the first group, reverses the remainder recursively
//! and pushes the group's nodes onto the front of that: O(n) time, O(n / k) stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn reverse_k_group(head: Option<Box<ListNode>>, k: i32) -> Option<Box<ListNode>> {
        let k = k.max(1) as usize;
        let mut dummy = ListNode { val: 0, next: head };
        let mut tail = &mut dummy;
        loop {
            let ahead = std::iter::successors(tail.next.as_deref(), |node| node.next.as_deref());
            if ahead.take(k).count() < k {
                break;
            }
            let mut rest = tail.next.take();
            let mut group = None;
            for _ in 0..k {
                if let Some(mut node) = rest {
                    rest = node.next.take();
                    node.next = group;
                    group = Some(node);
                }
            }
            tail.next = group;
            while let Some(node) = tail.next.take() {
                tail = tail.next.insert(node);
            }
            tail.next = rest;
        }
        dummy.next
    }
}

/// Recursive: cut off the first `k` nodes, reverse-in-groups the rest, then push the group's
/// nodes one by one onto its front (which reverses them). O(n) time, O(n / k) stack, which is
/// O(n) for k = 1, so it is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn reverse_k_group(head: Option<Box<ListNode>>, k: i32) -> Option<Box<ListNode>> {
            let k = k.max(1) as usize;
            let ahead = std::iter::successors(head.as_deref(), |node| node.next.as_deref());
            if ahead.take(k).count() < k {
                return head;
            }
            let mut group = head;
            let mut rest = None;
            if let Some(mut last) = group.as_deref_mut() {
                for _ in 1..k {
                    match last.next.take() {
                        Some(next) => last = last.next.insert(next),
                        None => break,
                    }
                }
                rest = last.next.take();
            }
            let mut reversed = Self::reverse_k_group(rest, k as i32);
            while let Some(mut node) = group {
                group = node.next.take();
                node.next = reversed;
                reversed = Some(node);
            }
            reversed
        }
    }
}

/// The list and the group size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub k: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 25,
        slug: "reverse-nodes-in-k-group",
        title: "Reverse Nodes in k-Group",
        difficulty: Difficulty::Hard,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 2, 3, 4, 5], k: 2 }, vec![2, 1, 4, 3, 5]),
            (Input { head: vec![1, 2, 3, 4, 5], k: 3 }, vec![3, 2, 1, 4, 5]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let k = input.k as usize;
        let mut out = Vec::with_capacity(input.head.len());
        for group in input.head.chunks(k) {
            if group.len() == k {
                out.extend(group.iter().rev());
            } else {
                out.extend(group);
            }
        }
        out
    }

    /// 1..=5000 nodes with values 0..=1000 and `k` in 1..=n, often an edge: 1, 2, n - 1 or n.
    fn inputs() -> BoxedStrategy<Input> {
        prop_oneof![
            3 => prop::collection::vec(0..=1000, 1..=12),
            1 => prop::collection::vec(0..=1000, 1..=5000),
        ]
        .prop_flat_map(|head| {
            let n = head.len() as i32;
            let k = prop_oneof![Just(1), Just(2.min(n)), Just((n - 1).max(1)), Just(n), 1..=n];
            (Just(head), k)
        })
        .prop_map(|(head, k)| Input { head, k })
        .boxed()
    }

    /// 10^6 nodes in groups of 3, with one node left over.
    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 1001).collect(), k: 3 }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "dummy node",
                summary: "pop k nodes onto a group, hang it behind the tail; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::reverse_k_group(head, i.k)),
            },
            Approach {
                name: "recursive",
                summary: "cut a group, recurse on the rest, push the group onto it; O(n/k) stack",
                recursive: true,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| recursive::Solution::reverse_k_group(head, i.k)),
            },
        ]
    }
}
