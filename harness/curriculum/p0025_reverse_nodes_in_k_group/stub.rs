//! # 25. Reverse Nodes in k-Group
//!
//! <https://leetcode.com/problems/reverse-nodes-in-k-group/> · Hard
//!
//! Given the `head` of a linked list, reverse the nodes of the list `k` at a time, and return the
//! modified list. `k` is a positive integer no greater than the length of the list; if the number
//! of nodes is not a multiple of `k`, the nodes left over at the end stay as they are. You may
//! not alter the values in the nodes, only the nodes themselves. Follow up: O(1) extra memory.

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
    pub fn reverse_k_group(head: Option<Box<ListNode>>, k: i32) -> Option<Box<ListNode>> {
        todo!()
    }
}
