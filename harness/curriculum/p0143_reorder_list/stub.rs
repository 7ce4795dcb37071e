//! # 143. Reorder List
//!
//! <https://leetcode.com/problems/reorder-list/> · Medium
//!
//! Given the head of a singly linked list `L0 -> L1 -> ... -> Ln-1 -> Ln`, reorder it to
//! `L0 -> Ln -> L1 -> Ln-1 -> L2 -> Ln-2 -> ...`. You may not modify the values in the nodes,
//! only the nodes themselves may be changed. LeetCode's Rust signature edits the list in place
//! through `&mut Option<Box<ListNode>>` and returns nothing.

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
    pub fn reorder_list(head: &mut Option<Box<ListNode>>) {
        todo!()
    }
}
