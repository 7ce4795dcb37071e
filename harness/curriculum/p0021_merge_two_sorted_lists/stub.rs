//! # 21. Merge Two Sorted Lists
//!
//! <https://leetcode.com/problems/merge-two-sorted-lists/> · Easy
//!
//! Given the heads of two sorted (non-decreasing) linked lists `list1` and `list2`, merge them
//! into one sorted list made by splicing together the nodes of the two lists, and return its
//! head.

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
    pub fn merge_two_lists(
        list1: Option<Box<ListNode>>,
        list2: Option<Box<ListNode>>,
    ) -> Option<Box<ListNode>> {
        todo!()
    }
}
