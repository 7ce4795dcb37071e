//! # 148. Sort List
//!
//! <https://leetcode.com/problems/sort-list/> · Medium
//!
//! Given the `head` of a linked list, return the list after sorting it in ascending order.
//! Follow up: can you sort it in O(n log n) time and O(1) memory (constant space)?
//!
//! **Approach (bottom-up merge sort).** Sorted runs of width 1, 2, 4, ... are merged pairwise,
//! pass after pass, until one run covers the list. Each pass walks the list once: cut off two runs
//! of the current width, merge them (problem 21) onto the tail of the pass's result, and go on
//! with the rest. No recursion and no buffer: O(n log n) time, O(1) extra space, and every node
//! is relinked, never copied.
//!
//! The alternatives are [`top_down`] (split at the middle, sort both halves recursively, merge;
//! O(log n) stack, so it still runs on 10^6 nodes) and [`node_vec`] (detach the nodes into a
//! `Vec`, sort it by value, relink; O(n) space).

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn sort_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
        let mut head = head;
        let mut width = 1;
        while width < n {
            let mut sorted = ListNode::new(0);
            let mut tail = &mut sorted;
            let mut rest = head;
            while rest.is_some() {
                let (left, after_left) = Self::split(rest, width);
                let (right, after_right) = Self::split(after_left, width);
                tail = Self::merge_onto(tail, left, right);
                rest = after_right;
            }
            head = sorted.next;
            width *= 2;
        }
        head
    }

    /// The first `len` nodes of `list`, and the rest.
    fn split(mut list: Option<Box<ListNode>>, len: usize) -> (Option<Box<ListNode>>, Option<Box<ListNode>>) {
        let Some(mut last) = list.as_deref_mut() else {
            return (None, None);
        };
        for _ in 1..len {
            match last.next.take() {
                Some(next) => last = last.next.insert(next),
                None => break,
            }
        }
        let rest = last.next.take();
        (list, rest)
    }

    /// Merges two sorted lists onto `tail` and returns the merged list's last node.
    fn merge_onto(
        mut tail: &mut ListNode,
        mut a: Option<Box<ListNode>>,
        mut b: Option<Box<ListNode>>,
    ) -> &mut ListNode {
        while let (Some(x), Some(y)) = (&a, &b) {
            let smaller = if x.val <= y.val { &mut a } else { &mut b };
            if let Some(mut node) = smaller.take() {
                *smaller = node.next.take();
                tail = tail.next.insert(node);
            }
        }
        tail.next = a.or(b);
        while let Some(node) = tail.next.take() {
            tail = tail.next.insert(node);
        }
        tail
    }
}

/// Top-down merge sort: cut the list in half, sort each half recursively, merge. The recursion
/// is only log n deep (each level halves the list), so unlike the O(n)-stack recursions it runs
/// on the 10^6-node input. O(n log n) time, O(log n) stack.
pub mod top_down {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn sort_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
            Self::sort(head, n)
        }

        /// Sorts `list`, which has `n` nodes.
        fn sort(mut list: Option<Box<ListNode>>, n: usize) -> Option<Box<ListNode>> {
            if n < 2 {
                return list;
            }
            let mut last = list.as_deref_mut()?;
            for _ in 1..n / 2 {
                match last.next.take() {
                    Some(next) => last = last.next.insert(next),
                    None => break,
                }
            }
            let second = last.next.take();
            let (mut a, mut b) = (Self::sort(list, n / 2), Self::sort(second, n - n / 2));
            let mut merged = ListNode::new(0);
            let mut tail = &mut merged;
            while let (Some(x), Some(y)) = (&a, &b) {
                let smaller = if x.val <= y.val { &mut a } else { &mut b };
                if let Some(mut node) = smaller.take() {
                    *smaller = node.next.take();
                    tail = tail.next.insert(node);
                }
            }
            tail.next = a.or(b);
            merged.next
        }
    }
}

/// Node vector: detach every node into a `Vec`, sort the boxes by value (a stable sort, moving
/// pointers, not nodes) and relink them back to front. O(n log n) time, O(n) space.
pub mod node_vec {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn sort_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut nodes = Vec::new();
            let mut rest = head;
            while let Some(mut node) = rest {
                rest = node.next.take();
                nodes.push(node);
            }
            nodes.sort_by_key(|node| node.val);
            let mut sorted = None;
            for mut node in nodes.into_iter().rev() {
                node.next = sorted;
                sorted = Some(node);
            }
            sorted
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 148,
        slug: "sort-list",
        title: "Sort List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![
            (vec![4, 2, 1, 3], vec![1, 2, 3, 4]),
            (vec![-1, 5, 3, 4, 0], vec![-1, 0, 3, 4, 5]),
            (vec![], vec![]),
        ]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        let mut values = head.clone();
        values.sort_unstable();
        values
    }

    /// 0..=5 * 10^4 nodes with values -10^5..=10^5, mostly short, sometimes from a few values
    /// (many ties) or already sorted or reversed.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        let range = -100_000..=100_000;
        let shuffled = prop_oneof![
            6 => prop::collection::vec(range.clone(), 0..=12),
            3 => prop::collection::vec(range.clone(), 0..=1000),
            3 => prop::collection::vec(-2..=2, 0..=100),
            1 => prop::collection::vec(range, 0..=50_000),
        ];
        (shuffled, 0..4)
            .prop_map(|(mut values, order)| {
                match order {
                    0 => values.sort_unstable(),
                    1 => values.sort_unstable_by(|a: &i32, b| b.cmp(a)),
                    _ => {}
                }
                values
            })
            .boxed()
    }

    /// 10^6 pseudo-random values (a linear congruential sequence) in -10^5..=10^5.
    fn sized_input(n: usize) -> Vec<i32> {
        let mut state: u32 = 148;
        (0..n)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as i32 % 200_001 - 100_000
            })
            .collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "bottom-up merge sort",
                summary: "merge runs of width 1, 2, 4, ... pass by pass; O(n log n), O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::sort_list),
            },
            Approach {
                name: "top-down merge sort",
                summary: "halve, sort halves recursively, merge; O(n log n), O(log n) stack",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, top_down::Solution::sort_list),
            },
            Approach {
                name: "node vector",
                summary: "detach nodes into a Vec, sort by value, relink; O(n log n), O(n) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, node_vec::Solution::sort_list),
            },
        ]
    }
}
