//! # 86. Partition List
//!
//! <https://leetcode.com/problems/partition-list/> · Medium
//!
//! Given the `head` of a linked list and a value `x`, partition it such that all nodes less than
//! `x` come before nodes greater than or equal to `x`, preserving the original relative order of
//! the nodes in each of the two partitions.

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
    pub fn partition(head: Option<Box<ListNode>>, x: i32) -> Option<Box<ListNode>> {
        todo!()
    }
}
