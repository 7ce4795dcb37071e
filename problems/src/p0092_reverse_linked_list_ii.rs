//! # 92. Reverse Linked List II
//!
//! <https://leetcode.com/problems/reverse-linked-list-ii/> · Medium
//!
//! Given the `head` of a singly linked list and two integers `left <= right`, reverse the nodes
//! of the list from position `left` to position `right` (1-indexed), and return the reversed
//! list. Follow up: could you do it in one pass?
//!
//! **Approach (dummy node, front insertion).** Walk a cursor to the node before position `left`
//! (the dummy if `left` is 1). Take the first node of the range out as `first`; then, `right -
//! left` times, unlink the node after `first` and push it onto the front of the part reversed so
//! far, so `first` keeps leading to the rest of the list. Finally `first` goes at the end of the
//! reversed part, which hangs after the cursor. With pointers that is one pass; with `Box` one
//! owner holds each node, so `first` cannot stay linked at the reversed part's end while its
//! front is edited, and one more walk over the range puts it there. O(n) time, O(1) space.
//!
//! The alternative, [`cut_and_splice`], pops the whole range onto a reversed list as in problem
//! 206 and splices it back: the same walks, said plainly.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn reverse_between(head: Option<Box<ListNode>>, left: i32, right: i32) -> Option<Box<ListNode>> {
        let mut dummy = ListNode { val: 0, next: head };
        let mut before = &mut dummy;
        for _ in 1..left {
            match before.next.take() {
                Some(node) => before = before.next.insert(node),
                None => break,
            }
        }
        let Some(mut first) = before.next.take() else {
            return dummy.next;
        };
        // `before -> reversed part`, then `first -> rest`; each step moves first's successor to
        // the front of the reversed part.
        let mut reversed = None;
        for _ in left..right {
            let Some(mut moved) = first.next.take() else {
                break;
            };
            first.next = moved.next.take();
            moved.next = reversed;
            reversed = Some(moved);
        }
        // Hang `first` (with the rest behind it) after the reversed part's last node.
        let mut end = &mut reversed;
        while let Some(node) = end {
            end = &mut node.next;
        }
        *end = Some(first);
        before.next = reversed;
        dummy.next
    }
}

/// Cut and splice: walk to the range, cut it off the list, reverse it, then walk to its new end
/// and hang the rest of the list there. O(n) time, O(1) space, several walks over the range.
pub mod cut_and_splice {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn reverse_between(head: Option<Box<ListNode>>, left: i32, right: i32) -> Option<Box<ListNode>> {
            let mut dummy = ListNode { val: 0, next: head };
            let mut before = &mut dummy;
            for _ in 1..left {
                match before.next.take() {
                    Some(node) => before = before.next.insert(node),
                    None => break,
                }
            }
            let mut rest = before.next.take();
            let mut range = None;
            for _ in left..=right {
                if let Some(mut node) = rest {
                    rest = node.next.take();
                    node.next = range;
                    range = Some(node);
                }
            }
            before.next = range;
            while let Some(node) = before.next.take() {
                before = before.next.insert(node);
            }
            before.next = rest;
            dummy.next
        }
    }
}

/// The list and the 1-indexed range to reverse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub left: i32,
    pub right: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 92,
        slug: "reverse-linked-list-ii",
        title: "Reverse Linked List II",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 2, 3, 4, 5], left: 2, right: 4 }, vec![1, 4, 3, 2, 5]),
            (Input { head: vec![5], left: 1, right: 1 }, vec![5]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let mut values = input.head.clone();
        values[input.left as usize - 1..input.right as usize].reverse();
        values
    }

    /// 1..=500 nodes with values -500..=500 and 1 <= left <= right <= n, often touching an end
    /// of the list or a single node.
    fn inputs() -> BoxedStrategy<Input> {
        prop_oneof![
            3 => prop::collection::vec(-500..=500, 1..=10),
            1 => prop::collection::vec(-500..=500, 1..=500),
        ]
        .prop_flat_map(|head| {
            let n = head.len() as i32;
            let left = prop_oneof![Just(1), 1..=n];
            (Just(head), left).prop_flat_map(move |(head, left)| {
                let right = prop_oneof![Just(left), Just(n), left..=n];
                (Just(head), Just(left), right)
            })
        })
        .prop_map(|(head, left, right)| Input { head, left, right })
        .boxed()
    }

    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 1001 - 500).collect(), left: 2, right: (n as i32 - 1).max(2) }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "front insertion",
                summary: "move each range node to the front of the reversed part; O(n) time, O(1)",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::reverse_between(head, i.left, i.right)),
            },
            Approach {
                name: "cut and splice",
                summary: "cut the range, reverse it, splice it back; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| {
                    spec::relinked(&i.head, |head| {
                        cut_and_splice::Solution::reverse_between(head, i.left, i.right)
                    })
                },
            },
        ]
    }
}
