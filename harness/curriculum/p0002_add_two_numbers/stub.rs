//! # 2. Add Two Numbers
//!
//! <https://leetcode.com/problems/add-two-numbers/> · Medium
//!
//! Two non-empty linked lists represent two non-negative integers, digits stored in reverse
//! order, one digit per node, no leading zeros except the number 0 itself. Add the two numbers
//! and return the sum as a linked list in the same form.

use problems::ListNode;

// Definition for singly-linked list.
// #[derive(PartialEq, Eq, Clone, Debug)]
// pub struct ListNode {
//   pub val: i32,
//   pub next: Option<Box<ListNode>>
// }
//
// impl ListNode {
//   #[inline]
//   fn new(val: i32) -> Self {
//     ListNode {
//       next: None,
//       val
//     }
//   }
// }

pub struct Solution;

impl Solution {
    pub fn add_two_numbers(l1: Option<Box<ListNode>>, l2: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
