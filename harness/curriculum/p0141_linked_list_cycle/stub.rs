//! # 141. Linked List Cycle
//!
//! <https://leetcode.com/problems/linked-list-cycle/> · Easy
//!
//! Given `head`, determine whether the linked list has a cycle: some node that can be reached
//! again by following `next`. (LeetCode builds the input from the values and `pos`, the index
//! the tail links back to, `-1` for none; `pos` is not passed.) Follow up: O(1) memory.
//!
//! `Option<Box<ListNode>>` gives every node one owner, so it cannot hold a cycle, and LeetCode
//! offers no Rust for this problem. Here the list lives in an [`Arena`]: nodes are named by
//! [`NodeId`] and `arena.next(id)` follows a link. Return whether the list from `head` has a cycle.

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
    pub fn has_cycle(arena: &Arena, head: Option<NodeId>) -> bool {
        todo!()
    }
}
