//! # 83. Remove Duplicates from Sorted List
//!
//! <https://leetcode.com/problems/remove-duplicates-from-sorted-list/> · Easy
//!
//! Given the `head` of a sorted linked list, delete all duplicates such that each element
//! appears only once. Return the linked list sorted as well.

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
    pub fn delete_duplicates(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
