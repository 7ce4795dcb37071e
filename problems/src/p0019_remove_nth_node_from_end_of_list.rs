//! # 19. Remove Nth Node From End of List
//!
//! <https://leetcode.com/problems/remove-nth-node-from-end-of-list/> · Medium
//!
//! Given the `head` of a linked list, remove the `n`th node from the end of the list and return
//! its head. Follow up: could you do this in one pass?
//!
//! **Approach (two cursors, measured then cut).** The textbook answer runs a fast cursor `n`
//! nodes ahead, then moves a slow cursor in step with it until the fast one falls off the end:
//! the slow cursor then stands before the node to remove. In safe Rust a shared cursor and a
//! mutable one cannot be live in the same list at once, so the fast cursor runs with `&`
//! references and *counts* the slow cursor's steps instead of taking them; then a `&mut` cursor
//! takes exactly those steps from a dummy head and unlinks the next node. That is the same node
//! visits as the textbook (n + (len - n) for the fast cursor, len - n for the slow one), no
//! `clone()` of the list. O(len) time, O(1) extra space.
//!
//! The alternatives are [`counting`] (measure the length, then walk `len - n` steps; the same
//! work, said plainly) and [`recursive`] (a truly single pass that counts positions from the end
//! as the recursion unwinds; O(len) stack).

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn remove_nth_from_end(head: Option<Box<ListNode>>, n: i32) -> Option<Box<ListNode>> {
        let mut dummy = ListNode { val: 0, next: head };
        // The fast cursor starts `n` nodes ahead of the slow one, which starts at the dummy.
        let mut fast = dummy.next.as_deref();
        for _ in 0..n {
            fast = fast.and_then(|node| node.next.as_deref());
        }
        let mut slow_steps = 0;
        while let Some(node) = fast {
            fast = node.next.as_deref();
            slow_steps += 1;
        }
        let mut slow = &mut dummy;
        for _ in 0..slow_steps {
            match slow.next.take() {
                Some(node) => slow = slow.next.insert(node),
                None => break,
            }
        }
        if let Some(mut removed) = slow.next.take() {
            slow.next = removed.next.take();
        }
        dummy.next
    }
}

/// Counting: one pass to measure the length, a second to stop before node `len - n`.
/// O(len) time, O(1) extra space.
pub mod counting {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn remove_nth_from_end(head: Option<Box<ListNode>>, n: i32) -> Option<Box<ListNode>> {
            let len = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
            let mut dummy = ListNode { val: 0, next: head };
            let mut before = &mut dummy;
            for _ in 0..len.saturating_sub(n as usize) {
                match before.next.take() {
                    Some(node) => before = before.next.insert(node),
                    None => break,
                }
            }
            if let Some(mut removed) = before.next.take() {
                before.next = removed.next.take();
            }
            dummy.next
        }
    }
}

/// Recursive: a single pass down; on the way back up each call learns its position from the end
/// and the `n`th one drops itself. O(len) time and O(len) stack, so it is not run on the 10^6-node
/// input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn remove_nth_from_end(head: Option<Box<ListNode>>, n: i32) -> Option<Box<ListNode>> {
            /// The list without its `n`th node from the end, and the list's length.
            fn strip(link: Option<Box<ListNode>>, n: i32) -> (Option<Box<ListNode>>, i32) {
                match link {
                    None => (None, 0),
                    Some(mut node) => {
                        let (rest, len) = strip(node.next.take(), n);
                        if len + 1 == n {
                            (rest, len + 1)
                        } else {
                            node.next = rest;
                            (Some(node), len + 1)
                        }
                    }
                }
            }
            strip(head, n).0
        }
    }
}

/// The list and which node from the end to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub n: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 19,
        slug: "remove-nth-node-from-end-of-list",
        title: "Remove Nth Node From End of List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 2, 3, 4, 5], n: 2 }, vec![1, 2, 3, 5]),
            (Input { head: vec![1], n: 1 }, vec![]),
            (Input { head: vec![1, 2], n: 1 }, vec![1]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let mut values = input.head.clone();
        values.remove(values.len() - input.n as usize);
        values
    }

    /// 1..=30 nodes with values 0..=100 and `n` in 1..=len, often the first or last node.
    fn inputs() -> BoxedStrategy<Input> {
        prop::collection::vec(0..=100, 1..=30)
            .prop_flat_map(|head| {
                let len = head.len() as i32;
                let n = prop_oneof![Just(1), Just(len), 1..=len];
                (Just(head), n)
            })
            .prop_map(|(head, n)| Input { head, n })
            .boxed()
    }

    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 101).collect(), n: (n / 3).max(1) as i32 }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "two cursors",
                summary: "fast & cursor n ahead counts the slow steps, a &mut cursor cuts; O(len)",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::remove_nth_from_end(head, i.n)),
            },
            Approach {
                name: "counting",
                summary: "measure the length, stop before node len - n; O(len) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| counting::Solution::remove_nth_from_end(head, i.n)),
            },
            Approach {
                name: "recursive",
                summary: "one pass, positions counted from the end on unwinding; O(len) stack",
                recursive: true,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| recursive::Solution::remove_nth_from_end(head, i.n)),
            },
        ]
    }
}
