//! # 24. Swap Nodes in Pairs
//!
//! <https://leetcode.com/problems/swap-nodes-in-pairs/> · Medium
//!
//! Given a linked list, swap every two adjacent nodes and return its head. You must solve the
//! problem without modifying the values in the list's nodes (i.e., only nodes themselves may be
//! changed.)

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
    pub fn swap_pairs(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
