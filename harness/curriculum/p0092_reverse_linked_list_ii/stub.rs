//! # 92. Reverse Linked List II
//!
//! <https://leetcode.com/problems/reverse-linked-list-ii/> · Medium
//!
//! Given the `head` of a singly linked list and two integers `left <= right`, reverse the nodes
//! of the list from position `left` to position `right` (1-indexed), and return the reversed
//! list. Follow up: could you do it in one pass?

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
    pub fn reverse_between(head: Option<Box<ListNode>>, left: i32, right: i32) -> Option<Box<ListNode>> {
        todo!()
    }
}
