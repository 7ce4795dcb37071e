//! # 234. Palindrome Linked List
//!
//! <https://leetcode.com/problems/palindrome-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, return `true` if it is a palindrome.
//! Follow up: could you do it in O(n) time and O(1) space?
//!
//! **Approach (reverse the first half).** Measure the length `n`. Pop the first `n / 2` nodes
//! onto the front of a second list, which reverses them; drop the middle node if `n` is odd; the
//! two lists now read the same front to back exactly when the original was a palindrome, so walk
//! them together comparing values. The list is owned, so it is consumed node by node (compare all
//! pairs rather than returning at the first mismatch, which would hand the rest of a long list to
//! the recursive `Box` drop). O(n) time, O(1) extra space.
//!
//! The alternative, [`values`], copies the values into a `Vec` and compares it with its reverse:
//! O(n) time, O(n) space.

use proptest::prelude::*;

use crate::ListNode;
use crate::list;
use crate::spec::{Approach, Chapter, Difficulty, Info, Outcome, Problem};

pub struct Solution;

impl Solution {
    pub fn is_palindrome(head: Option<Box<ListNode>>) -> bool {
        let n = std::iter::successors(head.as_deref(), |node| node.next.as_deref()).count();
        let mut rest = head;
        let mut front_reversed = None;
        for _ in 0..n / 2 {
            if let Some(mut node) = rest {
                rest = node.next.take();
                node.next = front_reversed;
                front_reversed = Some(node);
            }
        }
        if n % 2 == 1 {
            rest = rest.and_then(|mut middle| middle.next.take());
        }
        let mut palindrome = true;
        while let (Some(mut a), Some(mut b)) = (front_reversed, rest) {
            palindrome &= a.val == b.val;
            front_reversed = a.next.take();
            rest = b.next.take();
        }
        palindrome
    }
}

/// Values: copy them into a `Vec` (consuming the list node by node) and compare it with its
/// reverse. O(n) time, O(n) space.
pub mod values {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn is_palindrome(head: Option<Box<ListNode>>) -> bool {
            let mut values = Vec::new();
            let mut rest = head;
            while let Some(mut node) = rest {
                values.push(node.val);
                rest = node.next.take();
            }
            values.iter().eq(values.iter().rev())
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 234,
        slug: "palindrome-linked-list",
        title: "Palindrome Linked List",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Vec<i32>;
    type Output = bool;

    fn examples() -> Vec<(Vec<i32>, bool)> {
        vec![(vec![1, 2, 2, 1], true), (vec![1, 2], false)]
    }

    fn model(head: &Vec<i32>) -> bool {
        head.iter().eq(head.iter().rev())
    }

    /// 1..=10^5 nodes with values 0..=9; half are palindromes (a half mirrored, odd or even
    /// length) and some of those get one value changed, so near misses are common.
    fn inputs() -> BoxedStrategy<Vec<i32>> {
        let half = prop_oneof![
            3 => prop::collection::vec(0..=9, 0..=8),
            1 => prop::collection::vec(0..=9, 0..50_000),
        ];
        let palindrome = (half, prop::option::of(0..=9)).prop_map(|(half, middle)| {
            let mut values = half.clone();
            values.extend(middle);
            values.extend(half.iter().rev());
            if values.is_empty() {
                values.push(0);
            }
            values
        });
        let near_miss =
            (palindrome.clone(), any::<prop::sample::Index>(), 0..=9).prop_map(|(mut values, index, val)| {
                let i = index.index(values.len());
                values[i] = val;
                values
            });
        prop_oneof![
            palindrome,
            near_miss,
            prop::collection::vec(0..=9, 1..=12),
            prop::collection::vec(0..=1, 1..=1000),
        ]
        .boxed()
    }

    /// A 10^6-node palindrome, so every pair is compared.
    fn sized_input(n: usize) -> Vec<i32> {
        let half: Vec<i32> = (0..(n / 2) as i32).map(|i| i % 10).collect();
        half.iter().chain(half.iter().rev()).copied().collect()
    }

    fn approaches() -> Vec<Approach<Vec<i32>, bool>> {
        vec![
            Approach {
                name: "reverse the first half",
                summary: "pop half the nodes onto a reversed list, compare; O(n) time, O(1) space",
                recursive: false,
                relinks: false,
                run: |head| Outcome::plain(Solution::is_palindrome(list::from_slice(head))),
            },
            Approach {
                name: "values",
                summary: "copy the values into a Vec, compare with its reverse; O(n) space",
                recursive: false,
                relinks: false,
                run: |head| Outcome::plain(values::Solution::is_palindrome(list::from_slice(head))),
            },
        ]
    }
}
