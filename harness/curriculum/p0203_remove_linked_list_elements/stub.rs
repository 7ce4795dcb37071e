//! # 203. Remove Linked List Elements
//!
//! <https://leetcode.com/problems/remove-linked-list-elements/> · Easy
//!
//! Given the head of a linked list and an integer `val`, remove all the nodes of the linked list
//! that have `Node.val == val`, and return the new head.

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
    pub fn remove_elements(head: Option<Box<ListNode>>, val: i32) -> Option<Box<ListNode>> {
        todo!()
    }
}
