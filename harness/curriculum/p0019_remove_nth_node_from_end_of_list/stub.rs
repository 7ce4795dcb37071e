//! # 19. Remove Nth Node From End of List
//!
//! <https://leetcode.com/problems/remove-nth-node-from-end-of-list/> · Medium
//!
//! Given the `head` of a linked list, remove the `n`th node from the end of the list and return
//! its head. Follow up: could you do this in one pass?

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
    pub fn remove_nth_from_end(head: Option<Box<ListNode>>, n: i32) -> Option<Box<ListNode>> {
        todo!()
    }
}
