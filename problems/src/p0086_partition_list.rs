//! # 86. Partition List
//!
//! <https://leetcode.com/problems/partition-list/> · Medium
//!
//! Given the `head` of a linked list and a value `x`, partition it such that all nodes less than
//! `x` come before nodes greater than or equal to `x`, preserving the original relative order of
//! the nodes in each of the two partitions.
//!
//! **Approach (two dummy heads).** Deal the nodes, in order, onto the tail of one of two lists:
//! `less` for values below `x`, `rest` for the others. Appending at the tail keeps each
//! partition's order. Finally hang `rest` after `less`. O(n) time, O(1) space.
//!
//! The alternative, [`in_place`], leaves the `>= x` nodes where they are and only unlinks the
//! `< x` ones onto a separate list, which goes in front at the end: O(n) time, O(1) space, fewer
//! links written when most nodes are large.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn partition(head: Option<Box<ListNode>>, x: i32) -> Option<Box<ListNode>> {
        let mut less = ListNode::new(0);
        let mut rest = ListNode::new(0);
        let (mut less_tail, mut rest_tail) = (&mut less, &mut rest);
        let mut unsorted = head;
        while let Some(mut node) = unsorted {
            unsorted = node.next.take();
            if node.val < x {
                less_tail = less_tail.next.insert(node);
            } else {
                rest_tail = rest_tail.next.insert(node);
            }
        }
        less_tail.next = rest.next;
        less.next
    }
}

/// In place: walk the list unlinking each `< x` node onto the tail of a separate list; the
/// `>= x` nodes never move. Then put the separate list in front. O(n) time, O(1) space.
pub mod in_place {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn partition(head: Option<Box<ListNode>>, x: i32) -> Option<Box<ListNode>> {
            let mut dummy = ListNode { val: 0, next: head };
            let mut less = ListNode::new(0);
            let mut less_tail = &mut less;
            let mut kept = &mut dummy;
            while let Some(mut node) = kept.next.take() {
                if node.val < x {
                    kept.next = node.next.take();
                    less_tail = less_tail.next.insert(node);
                } else {
                    kept = kept.next.insert(node);
                }
            }
            less_tail.next = dummy.next;
            less.next
        }
    }
}

/// The list and the pivot value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub head: Vec<i32>,
    pub x: i32,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 86,
        slug: "partition-list",
        title: "Partition List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { head: vec![1, 4, 3, 2, 5, 2], x: 3 }, vec![1, 2, 2, 4, 3, 5]),
            (Input { head: vec![2, 1], x: 2 }, vec![1, 2]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let (less, rest): (Vec<i32>, Vec<i32>) = input.head.iter().partition(|&&v| v < input.x);
        [less, rest].concat()
    }

    /// 0..=200 nodes with values -100..=100 and `x` in -200..=200, half the time one of the
    /// list's values so that ties with `x` occur.
    fn inputs() -> BoxedStrategy<Input> {
        let head =
            prop_oneof![prop::collection::vec(-5..=5, 0..=12), prop::collection::vec(-100..=100, 0..=200),];
        (head, -200..=200, any::<prop::sample::Index>(), any::<bool>())
            .prop_map(|(head, x, index, from_list)| {
                let x = if from_list && !head.is_empty() { head[index.index(head.len())] } else { x };
                Input { head, x }
            })
            .boxed()
    }

    fn sized_input(n: usize) -> Input {
        Input { head: (0..n as i32).map(|i| i % 201 - 100).collect(), x: 0 }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "two dummy heads",
                summary: "deal nodes onto a less list and a rest list, join; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| Solution::partition(head, i.x)),
            },
            Approach {
                name: "in place",
                summary: "unlink only the < x nodes onto a list put in front; O(n), O(1)",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked(&i.head, |head| in_place::Solution::partition(head, i.x)),
            },
        ]
    }
}
