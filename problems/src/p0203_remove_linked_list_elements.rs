//! # 203. Remove Linked List Elements
//!
//! <https://leetcode.com/problems/remove-linked-list-elements/> · Easy
//!
//! Given the head of a linked list and an integer `val`, remove all the nodes of the linked list
//! that have `Node.val == val`, and return the new head.
//!
//! **Approach (dummy node, one cursor).** A dummy node in front of the head makes removing the
//! head the same as removing any other node. The cursor is the last node kept so far: if the node
//! after it matches, unlink it (`take()` it and splice in its successor); otherwise advance.
//! O(n) time, O(1) extra space.
//!
//! The alternatives are [`head_first`] (strip matching heads, then walk without a dummy) and
//! [`recursive`] (filter the tail, then decide about the head; O(n) stack).

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn remove_elements(head: Option<Box<ListNode>>, val: i32) -> Option<Box<ListNode>> {
        let mut dummy = ListNode { val: 0, next: head };
        let mut kept = &mut dummy;
        while let Some(mut node) = kept.next.take() {
            if node.val == val {
                kept.next = node.next.take();
            } else {
                kept = kept.next.insert(node);
            }
        }
        dummy.next
    }
}

/// Without a dummy: drop matching nodes from the front first, then the head can no longer
/// change and a cursor walks the rest. O(n) time, O(1) extra space.
pub mod head_first {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn remove_elements(mut head: Option<Box<ListNode>>, val: i32) -> Option<Box<ListNode>> {
            while head.as_ref().is_some_and(|node| node.val == val) {
                head = head.and_then(|mut node| node.next.take());
            }
            let mut cursor = head.as_mut();
            while let Some(node) = cursor {
                while node.next.as_ref().is_some_and(|next| next.val == val) {
                    node.next = node.next.take().and_then(|mut next| next.next.take());
                }
                cursor = node.next.as_mut();
            }
            head
        }
    }
}

/// Recursive: remove from the tail, then keep or drop the head. O(n) time and O(n) stack, so
/// it is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn remove_elements(head: Option<Box<ListNode>>, val: i32) -> Option<Box<ListNode>> {
            let mut node = head?;
            let rest = Self::remove_elements(node.next.take(), val);
            if node.val == val {
                rest
            } else {
                node.next = rest;
                Some(node)
            }
        }
    }
}

/// The list and the value to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub val: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 203,
        slug: "remove-linked-list-elements",
        title: "Remove Linked List Elements",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListBasics,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 2, 6, 3, 4, 5, 6], val: 6 }, vec![1, 2, 3, 4, 5]),
            (Input { head: vec![], val: 1 }, vec![]),
            (Input { head: vec![7, 7, 7, 7], val: 7 }, vec![]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        input.head.iter().copied().filter(|&v| v != input.val).collect()
    }

    /// 0..=10^4 nodes with values 1..=50 and `val` in 0..=50; half the time `val` is taken from
    /// the list and short lists use few distinct values, so removals (and runs of them) happen.
    fn inputs() -> BoxedStrategy<Input> {
        let head = prop_oneof![
            prop::collection::vec(1..=3, 0..=20),
            prop::collection::vec(1..=50, 0..=20),
            prop::collection::vec(1..=50, 0..=10_000),
        ];
        (head, 0..=50, any::<prop::sample::Index>(), any::<bool>())
            .prop_map(|(head, val, index, from_list)| {
                let val = if from_list && !head.is_empty() { head[index.index(head.len())] } else { val };
                Input { head, val }
            })
            .boxed()
    }

    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 50 + 1).collect(), val: 7 }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "dummy node",
                summary: "dummy head, one cursor unlinks matches; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::remove_elements(head, i.val)),
            },
            Approach {
                name: "head first",
                summary: "strip matching heads, then walk without a dummy; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| head_first::Solution::remove_elements(head, i.val)),
            },
            Approach {
                name: "recursive",
                summary: "filter the tail, then keep or drop the head; O(n) time, O(n) stack",
                recursive: true,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| recursive::Solution::remove_elements(head, i.val)),
            },
        ]
    }
}
