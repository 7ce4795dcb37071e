//! # 234. Palindrome Linked List
//!
//! <https://leetcode.com/problems/palindrome-linked-list/> · Easy
//!
//! Given the `head` of a singly linked list, return `true` if it is a palindrome.
//! Follow up: could you do it in O(n) time and O(1) space?

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
    pub fn is_palindrome(head: Option<Box<ListNode>>) -> bool {
        todo!()
    }
}
