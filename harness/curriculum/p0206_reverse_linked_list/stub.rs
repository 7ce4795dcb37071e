//! # 206. Reverse Linked List
//!
//! <https://leetcode.com/problems/reverse-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, reverse the list, and return the reversed list.
//! Follow up: a linked list can be reversed either iteratively or recursively; implement both.

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
    pub fn reverse_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
