//! # 23. Merge k Sorted Lists
//!
//! <https://leetcode.com/problems/merge-k-sorted-lists/> · Hard
//!
//! You are given an array of `k` linked lists, each sorted in ascending order. Merge all of them
//! into one sorted linked list and return it.

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
    pub fn merge_k_lists(lists: Vec<Option<Box<ListNode>>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
