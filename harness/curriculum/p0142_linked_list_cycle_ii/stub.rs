//! # 142. Linked List Cycle II
//!
//! <https://leetcode.com/problems/linked-list-cycle-ii/> · Medium
//!
//! Given the `head` of a linked list, return the node where the cycle begins, or `null` if
//! there is no cycle. (LeetCode builds the input from the values and `pos`, the index the tail
//! links back to, `-1` for none; `pos` is not passed.) Do not modify the list. Follow up: O(1)
//! memory.
//!
//! `Option<Box<ListNode>>` gives every node one owner, so it cannot hold a cycle, and LeetCode
//! offers no Rust for this problem. Here the list lives in an [`Arena`]: nodes are named by
//! [`NodeId`] and `arena.next(id)` follows a link. Return the id of the node where the cycle
//! begins, or `None`.

use problems::arena::{Arena, NodeId};

// The nodes live in an arena (problems::arena), linked by index:
// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
// pub struct NodeId(pub usize);   // which node; two ids are equal iff they name the same node
//
// impl Arena {
//   pub fn val(&self, id: NodeId) -> i32
//   pub fn next(&self, id: NodeId) -> Option<NodeId>
//   pub fn walk(&self, head: Option<NodeId>) -> impl Iterator<Item = NodeId>   // endless on a cycle
// }

pub struct Solution;

impl Solution {
    pub fn detect_cycle(arena: &Arena, head: Option<NodeId>) -> Option<NodeId> {
        todo!()
    }
}
