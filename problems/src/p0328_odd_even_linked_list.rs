//! # 328. Odd Even Linked List
//!
//! <https://leetcode.com/problems/odd-even-linked-list/> · Medium
//!
//! Given the `head` of a singly linked list, group all the nodes with odd indices together
//! followed by the nodes with even indices (the first node is odd, the second even, and so on),
//! keeping the relative order inside each group, and return the reordered list. Follow up: O(1)
//! extra space and O(n) time.
//!
//! **Approach (two tails).** Deal the nodes alternately onto the tail of an odd list and of an
//! even list (both behind dummy heads), then hang the even list after the odd one. O(n) time,
//! O(1) extra space.
//!
//! The alternative, [`in_place`], walks the odd nodes where they are and unlinks every node after
//! an odd one onto the even list: the same idea, one dummy fewer.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn odd_even_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut odd = ListNode::new(0);
        let mut even = ListNode::new(0);
        let (mut odd_tail, mut even_tail) = (&mut odd, &mut even);
        let mut rest = head;
        let mut is_odd = true;
        while let Some(mut node) = rest {
            rest = node.next.take();
            if is_odd {
                odd_tail = odd_tail.next.insert(node);
            } else {
                even_tail = even_tail.next.insert(node);
            }
            is_odd = !is_odd;
        }
        odd_tail.next = even.next;
        odd.next
    }
}

/// In place: stand on each odd node, move the node after it onto the even list's tail and
/// re-link the odd node to the node after that. O(n) time, O(1) extra space.
pub mod in_place {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn odd_even_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut head = head;
            let mut even = ListNode::new(0);
            let mut even_tail = &mut even;
            let mut odd = head.as_deref_mut()?;
            while let Some(mut moved) = odd.next.take() {
                odd.next = moved.next.take();
                even_tail = even_tail.next.insert(moved);
                match odd.next.take() {
                    Some(next) => odd = odd.next.insert(next),
                    None => break,
                }
            }
            odd.next = even.next;
            head
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 328,
        slug: "odd-even-linked-list",
        title: "Odd Even Linked List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![
            (vec![1, 2, 3, 4, 5], vec![1, 3, 5, 2, 4]),
            (vec![2, 1, 3, 5, 6, 4, 7], vec![2, 3, 6, 7, 1, 5, 4]),
        ]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        let odd = head.iter().step_by(2);
        let even = head.iter().skip(1).step_by(2);
        odd.chain(even).copied().collect()
    }

    /// 0..=10^4 nodes with values -10^6..=10^6, mostly short.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        prop_oneof![
            3 => prop::collection::vec(-1_000_000..=1_000_000, 0..=12),
            1 => prop::collection::vec(-1_000_000..=1_000_000, 0..=10_000),
        ]
        .boxed()
    }

    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "two tails",
                summary: "deal nodes alternately onto odd and even tails, join; O(n), O(1)",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::odd_even_list),
            },
            Approach {
                name: "in place",
                summary: "unlink the node after each odd node onto the even list; O(n), O(1)",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, in_place::Solution::odd_even_list),
            },
        ]
    }
}
