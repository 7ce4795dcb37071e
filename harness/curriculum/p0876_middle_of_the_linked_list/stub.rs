//! # 876. Middle of the Linked List
//!
//! <https://leetcode.com/problems/middle-of-the-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, return the middle node of the list. If there are
//! two middle nodes, return the second one.

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
    pub fn middle_node(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
