//! # 876. Middle of the Linked List
//!
//! <https://leetcode.com/problems/middle-of-the-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, return the middle node of the list. If there are
//! two middle nodes, return the second one.
//!
//! **Approach (fast and slow cursors).** A fast cursor takes two steps for each step of a slow
//! one; when the fast cursor cannot take two more, the slow one is at the (second) middle. The
//! cursors only read, so they run with shared references and the slow one's steps are counted;
//! then the nodes before the middle are released one by one (never recursively) and the middle
//! node itself is returned, with the rest of the list behind it. O(n) time, O(1) space.
//!
//! The alternative, [`counting`], measures the length and skips `len / 2` nodes: the same work,
//! said plainly.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn middle_node(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let mut slow_steps = 0;
        let mut fast = head.as_deref();
        while let Some(next) = fast.and_then(|node| node.next.as_deref()) {
            fast = next.next.as_deref();
            slow_steps += 1;
        }
        let mut head = head;
        for _ in 0..slow_steps {
            head = head.and_then(|mut node| node.next.take());
        }
        head
    }
}

/// Counting: measure the length, then drop the first `len / 2` nodes. O(n) time, O(1) space.
pub mod counting {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn middle_node(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let len = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
            let mut head = head;
            for _ in 0..len / 2 {
                head = head.and_then(|mut node| node.next.take());
            }
            head
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 876,
        slug: "middle-of-the-linked-list",
        title: "Middle of the Linked List",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    /// The returned node's serialization: the middle node and everything after it.
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {
        vec![(vec![1, 2, 3, 4, 5], vec![3, 4, 5]), (vec![1, 2, 3, 4, 5, 6], vec![4, 5, 6])]
    }

    fn model(head: &Vec<i32>) -> Vec<i32> {
        head[head.len() / 2..].to_vec()
    }

    /// 1..=100 nodes with values 1..=100.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        prop::collection::vec(1..=100, 1..=100).boxed()
    }

    fn sized_input(n: usize) -> Vec<i32> {
        (0..n as i32).map(|i| i % 100 + 1).collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {
        vec![
            Approach {
                name: "fast and slow",
                summary: "a double-speed cursor counts the slow one's steps; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, Solution::middle_node),
            },
            Approach {
                name: "counting",
                summary: "measure the length, skip len / 2 nodes; O(n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |head| spec::relinked(head, counting::Solution::middle_node),
            },
        ]
    }
}
