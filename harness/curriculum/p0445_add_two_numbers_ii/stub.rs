//! # 445. Add Two Numbers II
//!
//! <https://leetcode.com/problems/add-two-numbers-ii/> · Medium
//!
//! Two non-empty linked lists represent two non-negative integers, most significant digit first,
//! one digit per node, no leading zeros except the number 0 itself. Add the two numbers and
//! return the sum as a linked list in the same form. Follow up: could you solve it without
//! reversing the input lists?

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
