//! # 328. Odd Even Linked List
//!
//! <https://leetcode.com/problems/odd-even-linked-list/> · Medium
//!
//! Given the `head` of a singly linked list, group all the nodes with odd indices together
//! followed by the nodes with even indices (the first node is odd, the second even, and so on),
//! keeping the relative order inside each group, and return the reordered list. Follow up: O(1)
//! extra space and O(n) time.

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
    pub fn odd_even_list(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
        todo!()
    }
}
