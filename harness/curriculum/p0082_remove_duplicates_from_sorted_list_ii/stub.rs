//! # 82. Remove Duplicates from Sorted List II
//!
//! <https://leetcode.com/problems/remove-duplicates-from-sorted-list-ii/> · Medium
//!
//! Given the `head` of a sorted linked list, delete all nodes that have duplicate numbers,
//! leaving only distinct numbers from the original list. Return the linked list sorted as well.

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
