//! # 2. Add Two Numbers
//!
//! <https://leetcode.com/problems/add-two-numbers/> · Medium
//!
//! Two non-empty linked lists represent two non-negative integers, digits stored in reverse
//! order, one digit per node, no leading zeros except the number 0 itself. Add the two numbers
//! and return the sum as a linked list in the same form.
//!
//! **Approach (schoolbook addition, iterative).** Least significant digits come first, so walk
//! both lists together adding digit + digit + carry, appending `sum % 10` to the result behind a
//! tail cursor and carrying `sum / 10`; a final carry becomes one more digit. The inputs are
//! consumed node by node, so nothing is freed recursively. O(max(m, n)) time, O(1) extra space
//! besides the result.
//!
//! The alternative, [`recursive`], adds the first digits and recurses on the rests with the
//! carry: O(max(m, n)) stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn add_two_numbers(l1: Option<Box<ListNode>>, l2: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        let (mut a, mut b) = (l1, l2);
        let mut dummy = ListNode::new(0);
        let mut tail = &mut dummy;
        let mut carry = 0;
        while a.is_some() || b.is_some() || carry != 0 {
            let mut sum = carry;
            for digits in [&mut a, &mut b] {
                if let Some(mut node) = digits.take() {
                    sum += node.val;
                    *digits = node.next.take();
                }
            }
            tail = tail.next.insert(Box::new(ListNode::new(sum % 10)));
            carry = sum / 10;
        }
        dummy.next
    }
}

/// Recursive: the sum's first digit, then the sum of the rests with the carry. O(max(m, n))
/// time and stack, so it is not run on the 10^6-digit input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn add_two_numbers(
            l1: Option<Box<ListNode>>,
            l2: Option<Box<ListNode>>,
        ) -> Option<Box<ListNode>> {
            fn add(a: Option<Box<ListNode>>, b: Option<Box<ListNode>>, carry: i32) -> Option<Box<ListNode>> {
                if a.is_none() && b.is_none() && carry == 0 {
                    return None;
                }
                let (mut sum, mut rests) = (carry, [None, None]);
                for (digits, rest) in [a, b].into_iter().zip(&mut rests) {
                    if let Some(mut node) = digits {
                        sum += node.val;
                        *rest = node.next.take();
                    }
                }
                let [rest_a, rest_b] = rests;
                let mut node = Box::new(ListNode::new(sum % 10));
                node.next = add(rest_a, rest_b, sum / 10);
                Some(node)
            }
            add(l1, l2, 0)
        }
    }
}

/// The two numbers, least significant digit first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub l1: Vec<i32>,
    pub l2: Vec<i32>,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 2,
        slug: "add-two-numbers",
        title: "Add Two Numbers",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { l1: vec![2, 4, 3], l2: vec![5, 6, 4] }, vec![7, 0, 8]),
            (Input { l1: vec![0], l2: vec![0] }, vec![0]),
            (Input { l1: vec![9, 9, 9, 9, 9, 9, 9], l2: vec![9, 9, 9, 9] }, vec![8, 9, 9, 9, 0, 0, 0, 1]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        add_little_endian(&input.l1, &input.l2)
    }

    /// 1..=100 digits each, no leading zeros; often runs of nines so carries ripple.
    fn inputs() -> BoxedStrategy<Input> {
        (number(), number()).prop_map(|(l1, l2)| Input { l1, l2 }).boxed()
    }

    /// 10^6 nines plus one: the carry ripples through every digit.
    fn sized_input(n: usize) -> Input {
        Input { l1: vec![9; n], l2: vec![1] }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "iterative",
                summary: "digit + digit + carry behind a tail cursor; O(max(m, n)) time",
                recursive: false,
                relinks: false,
                run: |i| spec::rebuilt_pair(&i.l1, &i.l2, Solution::add_two_numbers),
            },
            Approach {
                name: "recursive",
                summary: "first digit, then the rests with the carry; O(max(m, n)) stack",
                recursive: true,
                relinks: false,
                run: |i| spec::rebuilt_pair(&i.l1, &i.l2, recursive::Solution::add_two_numbers),
            },
        ]
    }
}

/// The digits of `a + b`, all three least significant first (the model of this problem and,
/// reversed, of 445).
pub fn add_little_endian(a: &[i32], b: &[i32]) -> Vec<i32> {
    let mut sum = Vec::new();
    let mut carry = 0;
    for i in 0..a.len().max(b.len()) {
        let s = a.get(i).unwrap_or(&0) + b.get(i).unwrap_or(&0) + carry;
        sum.push(s % 10);
        carry = s / 10;
    }
    if carry > 0 {
        sum.push(carry);
    }
    sum
}

/// A number of 1..=100 digits, least significant first, no leading zero (0 itself included),
/// often a run of 8s and 9s so that carries ripple: the inputs of this problem and, reversed,
/// of 445.
pub fn number() -> impl Strategy<Value = Vec<i32>> + Clone {
    let digits = |range: std::ops::RangeInclusive<i32>| {
        (prop::collection::vec(range, 0..=99), 1..=9).prop_map(|(mut number, top)| {
            number.push(top);
            number
        })
    };
    prop_oneof![1 => Just(vec![0]), 2 => digits(0..=9), 2 => digits(8..=9)]
}
