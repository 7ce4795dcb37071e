//! # 445. Add Two Numbers II
//!
//! <https://leetcode.com/problems/add-two-numbers-ii/> · Medium
//!
//! Two non-empty linked lists represent two non-negative integers, most significant digit first,
//! one digit per node, no leading zeros except the number 0 itself. Add the two numbers and
//! return the sum as a linked list in the same form. Follow up: could you solve it without
//! reversing the input lists?
//!
//! **Approach (two stacks).** Addition starts at the least significant digit, which is at the
//! end of each list, so pour both lists' digits into stacks (consuming the nodes one by one),
//! then pop them in pairs adding with carry. Each sum digit is *pushed onto the front* of the
//! result, so the result comes out most significant first with no final reversal, and the inputs
//! are never reversed. O(m + n) time, O(m + n) space.
//!
//! The alternative, [`reversing`], reverses both inputs in place, adds least significant first
//! (as in problem 2) while pushing each sum digit onto the front of the result: O(m + n) time,
//! O(1) extra space, but it relinks the inputs, which the follow-up asks to avoid.

use proptest::prelude::*;

use crate::ListNode;
use crate::p0002_add_two_numbers::{add_little_endian, number};
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn add_two_numbers(l1: Option<Box<ListNode>>, l2: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        fn digits(mut list: Option<Box<ListNode>>) -> Vec<i32> {
            let mut stack = Vec::new();
            while let Some(mut node) = list {
                stack.push(node.val);
                list = node.next.take();
            }
            stack
        }
        let (mut a, mut b) = (digits(l1), digits(l2));
        let mut sum = None;
        let mut carry = 0;
        while !a.is_empty() || !b.is_empty() || carry != 0 {
            let s = a.pop().unwrap_or(0) + b.pop().unwrap_or(0) + carry;
            sum = Some(Box::new(ListNode { val: s % 10, next: sum }));
            carry = s / 10;
        }
        sum
    }
}

/// Reversing: reverse both inputs in place, add from the least significant digit, and push each
/// sum digit onto the front of the result. O(m + n) time, O(1) extra space.
pub mod reversing {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn add_two_numbers(
            l1: Option<Box<ListNode>>,
            l2: Option<Box<ListNode>>,
        ) -> Option<Box<ListNode>> {
            fn reverse(mut list: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
                let mut reversed = None;
                while let Some(mut node) = list {
                    list = node.next.take();
                    node.next = reversed;
                    reversed = Some(node);
                }
                reversed
            }
            let (mut a, mut b) = (reverse(l1), reverse(l2));
            let mut sum = None;
            let mut carry = 0;
            while a.is_some() || b.is_some() || carry != 0 {
                let mut s = carry;
                for digits in [&mut a, &mut b] {
                    if let Some(mut node) = digits.take() {
                        s += node.val;
                        *digits = node.next.take();
                    }
                }
                sum = Some(Box::new(ListNode { val: s % 10, next: sum }));
                carry = s / 10;
            }
            sum
        }
    }
}

/// The two numbers, most significant digit first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub l1: Vec<i32>,
    pub l2: Vec<i32>,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 445,
        slug: "add-two-numbers-ii",
        title: "Add Two Numbers II",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { l1: vec![7, 2, 4, 3], l2: vec![5, 6, 4] }, vec![7, 8, 0, 7]),
            (Input { l1: vec![2, 4, 3], l2: vec![5, 6, 4] }, vec![8, 0, 7]),
            (Input { l1: vec![0], l2: vec![0] }, vec![0]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let reversed = |digits: &[i32]| digits.iter().rev().copied().collect::<Vec<_>>();
        let mut sum = add_little_endian(&reversed(&input.l1), &reversed(&input.l2));
        sum.reverse();
        sum
    }

    /// 1..=100 digits each, no leading zeros; often runs of nines so carries ripple.
    fn inputs() -> BoxedStrategy<Input> {
        let big_endian = || {
            number().prop_map(|mut digits| {
                digits.reverse();
                digits
            })
        };
        (big_endian(), big_endian()).prop_map(|(l1, l2)| Input { l1, l2 }).boxed()
    }

    /// 10^6 nines plus one: the carry ripples through every digit into a new leading 1.
    fn sized_input(n: usize) -> Input {
        Input { l1: vec![9; n], l2: vec![1] }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "two stacks",
                summary: "pop digit pairs from stacks, push sums onto the front; O(m + n) space",
                recursive: false,
                relinks: false,
                run: |i| spec::rebuilt_pair(&i.l1, &i.l2, Solution::add_two_numbers),
            },
            Approach {
                name: "reversing",
                summary: "reverse the inputs, add, push sums onto the front; O(1) extra space",
                recursive: false,
                relinks: false,
                run: |i| spec::rebuilt_pair(&i.l1, &i.l2, reversing::Solution::add_two_numbers),
            },
        ]
    }
}
