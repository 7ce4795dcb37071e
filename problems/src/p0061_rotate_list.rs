//! # 61. Rotate List
//!
//! <https://leetcode.com/problems/rotate-list/> · Medium
//!
//! Given the `head` of a linked list, rotate the list to the right by `k` places.
//!
//! **Approach (count, cut, splice).** Rotating by the length changes nothing, so measure the
//! length `n` and reduce `k` modulo `n`; if that is 0, return the list as is. Otherwise the last
//! `k` nodes move to the front: walk to node `n - k - 1` (the new tail), cut the list after it,
//! walk to the end of the cut-off part and hang the old head there. No node is copied. O(n) time,
//! O(1) space; `k` up to 2 * 10^9 costs nothing extra.
//!
//! The alternative, [`two_cursors`], finds the new tail with a lead cursor `k` nodes ahead, in
//! the manner of problem 19 (shared references count the trailing cursor's steps, a `&mut`
//! cursor then takes them). The textbook "close the list into a ring, then break it" needs a node
//! with two owners, which `Box` cannot express.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn rotate_right(head: Option<Box<ListNode>>, k: i32) -> Option<Box<ListNode>> {
        let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
        if n == 0 || (k as usize).is_multiple_of(n) {
            return head;
        }
        let k = k as usize % n;
        let mut head = head;
        let mut new_tail = head.as_deref_mut()?;
        for _ in 0..n - k - 1 {
            match new_tail.next.take() {
                Some(next) => new_tail = new_tail.next.insert(next),
                None => break,
            }
        }
        let mut new_head = new_tail.next.take();
        let Some(mut end) = new_head.as_deref_mut() else {
            return head;
        };
        while let Some(next) = end.next.take() {
            end = end.next.insert(next);
        }
        end.next = head;
        new_head
    }
}

/// Two cursors: a lead cursor starts `k mod n` nodes ahead and the trailing cursor's steps are
/// counted until the lead reaches the last node; a `&mut` cursor then takes them and cuts.
/// O(n) time, O(1) space.
pub mod two_cursors {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn rotate_right(head: Option<Box<ListNode>>, k: i32) -> Option<Box<ListNode>> {
            let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
            if n == 0 || (k as usize).is_multiple_of(n) {
                return head;
            }
            let mut lead = head.as_deref();
            for _ in 0..k as usize % n {
                lead = lead.and_then(|node| node.next.as_deref());
            }
            let mut trailing_steps = 0;
            while let Some(next) = lead.and_then(|node| node.next.as_deref()) {
                lead = Some(next);
                trailing_steps += 1;
            }
            let mut head = head;
            let mut trailing = head.as_deref_mut();
            for _ in 0..trailing_steps {
                trailing = trailing.and_then(|node| node.next.as_deref_mut());
            }
            let mut new_head = trailing.and_then(|node| node.next.take());
            let mut end = &mut new_head;
            while let Some(node) = end {
                end = &mut node.next;
            }
            *end = head;
            new_head
        }
    }
}

/// The list and how far to rotate it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub k: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 61,
        slug: "rotate-list",
        title: "Rotate List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 2, 3, 4, 5], k: 2 }, vec![4, 5, 1, 2, 3]),
            (Input { head: vec![0, 1, 2], k: 4 }, vec![2, 0, 1]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let mut values = input.head.clone();
        if !values.is_empty() {
            let k = input.k as usize % values.len();
            values.rotate_right(k);
        }
        values
    }

    /// 0..=500 nodes with values -100..=100 and `k` in 0..=2 * 10^9: small, a multiple of the
    /// length, or huge.
    fn inputs() -> BoxedStrategy<Input> {
        prop_oneof![
            3 => prop::collection::vec(-100..=100, 0..=8),
            1 => prop::collection::vec(-100..=100, 0..=500),
        ]
        .prop_flat_map(|head| {
            let n = head.len() as i32;
            let k = prop_oneof![0..=12, Just(n), Just(3 * n), 0..=2_000_000_000];
            (Just(head), k)
        })
        .prop_map(|(head, k)| Input { head, k })
        .boxed()
    }

    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 201 - 100).collect(), k: 2_000_000_000 - 1 }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "count and cut",
                summary: "k mod n, cut before the last k nodes, splice them in front; O(n), O(1)",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::rotate_right(head, i.k)),
            },
            Approach {
                name: "two cursors",
                summary: "a lead cursor k ahead finds the new tail, then cut and splice; O(n)",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| two_cursors::Solution::rotate_right(head, i.k)),
            },
        ]
    }
}
