//! # 148. Sort List
//!
//! <https://leetcode.com/problems/sort-list/> · Medium
//!
//! Given the `head` of a linked list, return the list after sorting it in ascending order.
//! Follow up: can you sort it in O(n log n) time and O(1) memory (constant space)?

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
    pub fn sort_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
