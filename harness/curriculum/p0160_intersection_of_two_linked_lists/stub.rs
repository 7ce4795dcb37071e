//! # 160. Intersection of Two Linked Lists
//!
//! <https://leetcode.com/problems/intersection-of-two-linked-lists/> · Easy
//!
//! Given the heads of two singly linked lists `headA` and `headB`, return the node at which the
//! two lists intersect, or `null` if they do not. There are no cycles; the lists must keep their
//! structure. Follow up: O(m + n) time and O(1) memory.
//!
//! `Option<Box<ListNode>>` gives every node one owner, so two lists cannot share a tail, and
//! LeetCode offers no Rust for this problem. Here the lists live in one [`Arena`]: nodes are named
//! by [`NodeId`] and `arena.next(id)` follows a link. Return the id of the first shared node (the
//! node itself, not its value: equal values in different nodes do not count), or `None`.

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
    pub fn get_intersection_node(
        arena: &Arena,
        head_a: Option<NodeId>,
        head_b: Option<NodeId>,
    ) -> Option<NodeId> {
        todo!()
    }
}
