//! # 707. Design Linked List
//!
//! <https://leetcode.com/problems/design-linked-list/> · Medium
//!
//! Design a linked list with `get(index)` (the value of the 0-indexed `index`th node, or `-1` if
//! the index is invalid), `addAtHead(val)`, `addAtTail(val)`, `addAtIndex(index, val)` (insert
//! before the `index`th node; at the end if `index` equals the length; nothing if it is greater)
//! and `deleteAtIndex(index)` (if the index is valid). Do not use a built-in linked list.
//!
//! **Approach (singly linked, one slot walk).** Every operation walks to the *link* that points
//! at the `index`th node (the head link for 0, the last node's `next` for the length) and edits
//! that `&mut Option<Box<Node>>`: inserting and removing are then the same at the head, in the
//! middle and at the tail, with no special case and no dummy. A length counter rejects invalid
//! indices in O(1). `get` and the edits are O(index), `addAtHead` is O(1), `addAtTail` is O(n).
//! The list frees its nodes iteratively, so a 10^6-node list drops without recursion.
//!
//! The alternative, [`doubly`], keeps a doubly linked list in a `Vec` arena (indices, not
//! pointers, so it stays safe) with a sentinel, walking from whichever end is nearer:
//! O(min(index, n - index)) per operation, `addAtTail` O(1).

use std::collections::VecDeque;

use proptest::prelude::*;

use crate::spec::{Approach, Chapter, Difficulty, Info, Problem};

struct Node {
    val: i32,
    next: Option<Box<Node>>,
}

#[derive(Default)]
pub struct MyLinkedList {
    head: Option<Box<Node>>,
    len: usize,
}

impl MyLinkedList {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, index: i32) -> i32 {
        let Some(index) = usize::try_from(index).ok().filter(|&i| i < self.len) else {
            return -1;
        };
        let mut node = self.head.as_deref();
        for _ in 0..index {
            node = node.and_then(|n| n.next.as_deref());
        }
        node.map_or(-1, |n| n.val)
    }

    pub fn add_at_head(&mut self, val: i32) {
        self.add_at_index(0, val);
    }

    pub fn add_at_tail(&mut self, val: i32) {
        self.add_at_index(self.len as i32, val);
    }

    pub fn add_at_index(&mut self, index: i32, val: i32) {
        let Some(slot) = self.slot(index, self.len) else {
            return;
        };
        let next = slot.take();
        *slot = Some(Box::new(Node { val, next }));
        self.len += 1;
    }

    pub fn delete_at_index(&mut self, index: i32) {
        let Some(slot) = self.slot(index, self.len.saturating_sub(1)) else {
            return;
        };
        if let Some(mut node) = slot.take() {
            *slot = node.next.take();
            self.len -= 1;
        }
    }

    /// The link pointing at node `index` (the head link for 0), if `index <= max`.
    fn slot(&mut self, index: i32, max: usize) -> Option<&mut Option<Box<Node>>> {
        let index = usize::try_from(index).ok().filter(|&i| i <= max)?;
        let mut slot = &mut self.head;
        for _ in 0..index {
            slot = &mut slot.as_mut()?.next;
        }
        Some(slot)
    }
}

/// Dropping the head box would free the nodes recursively, one stack frame per node.
impl Drop for MyLinkedList {
    fn drop(&mut self) {
        let mut head = self.head.take();
        while let Some(mut node) = head {
            head = node.next.take();
        }
    }
}

/// Doubly linked, in a `Vec` arena: slot 0 is a sentinel whose `next` is the head and whose
/// `prev` is the tail, so every insertion and removal has both neighbours. Freed slots are
/// reused. O(min(index, n - index)) per operation.
pub mod doubly {
    const SENTINEL: usize = 0;

    struct Node {
        val: i32,
        prev: usize,
        next: usize,
    }

    pub struct MyLinkedList {
        nodes: Vec<Node>,
        free: Vec<usize>,
        len: usize,
    }

    impl Default for MyLinkedList {
        fn default() -> Self {
            Self::new()
        }
    }

    impl MyLinkedList {
        pub fn new() -> Self {
            let sentinel = Node { val: -1, prev: SENTINEL, next: SENTINEL };
            MyLinkedList { nodes: vec![sentinel], free: Vec::new(), len: 0 }
        }

        pub fn get(&self, index: i32) -> i32 {
            match usize::try_from(index) {
                Ok(i) if i < self.len => self.nodes[self.node(i)].val,
                _ => -1,
            }
        }

        pub fn add_at_head(&mut self, val: i32) {
            self.add_at_index(0, val);
        }

        pub fn add_at_tail(&mut self, val: i32) {
            self.add_at_index(self.len as i32, val);
        }

        pub fn add_at_index(&mut self, index: i32, val: i32) {
            let Some(i) = usize::try_from(index).ok().filter(|&i| i <= self.len) else {
                return;
            };
            let after = self.node(i);
            let before = self.nodes[after].prev;
            let node = Node { val, prev: before, next: after };
            let id = match self.free.pop() {
                Some(id) => {
                    self.nodes[id] = node;
                    id
                }
                None => {
                    self.nodes.push(node);
                    self.nodes.len() - 1
                }
            };
            self.nodes[before].next = id;
            self.nodes[after].prev = id;
            self.len += 1;
        }

        pub fn delete_at_index(&mut self, index: i32) {
            let Some(i) = usize::try_from(index).ok().filter(|&i| i < self.len) else {
                return;
            };
            let id = self.node(i);
            let (before, after) = (self.nodes[id].prev, self.nodes[id].next);
            self.nodes[before].next = after;
            self.nodes[after].prev = before;
            self.free.push(id);
            self.len -= 1;
        }

        /// The slot of node `index`, walking from the nearer end; `index == len` is the sentinel.
        fn node(&self, index: usize) -> usize {
            let mut at = SENTINEL;
            if index < self.len / 2 {
                for _ in 0..=index {
                    at = self.nodes[at].next;
                }
            } else {
                for _ in index..self.len {
                    at = self.nodes[at].prev;
                }
            }
            at
        }
    }
}

/// One call on the list, as LeetCode's operation arrays spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Get(i32),
    AddAtHead(i32),
    AddAtTail(i32),
    AddAtIndex(i32, i32),
    DeleteAtIndex(i32),
}

/// Runs LeetCode's operations `$ops` (`&[Op]`) on a fresh `$list`, any type with
/// `MyLinkedList`'s methods (each approach here, or a learner's attempt), and collects what
/// each `get` returned as an `Outcome`.
#[macro_export]
macro_rules! drive_design {
    ($list:ty, $ops:expr) => {{
        use $crate::p0707_design_linked_list::Op;
        let mut list = <$list>::new();
        let mut got = ::std::vec::Vec::new();
        for &op in $ops {
            match op {
                Op::Get(index) => got.push(list.get(index)),
                Op::AddAtHead(val) => list.add_at_head(val),
                Op::AddAtTail(val) => list.add_at_tail(val),
                Op::AddAtIndex(index, val) => list.add_at_index(index, val),
                Op::DeleteAtIndex(index) => list.delete_at_index(index),
            }
        }
        $crate::spec::Outcome::plain(got)
    }};
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 707,
        slug: "design-linked-list",
        title: "Design Linked List",
        difficulty: Difficulty::Medium,
        chapter: Chapter::LinkedListBasics,
    };
    /// The calls after the constructor.
    type Input = Vec<Op>;
    /// What each `get` returned, in order (the other calls return nothing).
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<Op>, Vec<i32>)> {
        vec![(
            vec![
                Op::AddAtHead(1),
                Op::AddAtTail(3),
                Op::AddAtIndex(1, 2),
                Op::Get(1),
                Op::DeleteAtIndex(1),
                Op::Get(1),
            ],
            vec![2, 3],
        )]
    }

    /// A `VecDeque`: a `Vec` whose front pushes are O(1), so the 10^6 heads of the long input
    /// cost the model linear time, not quadratic.
    fn model(ops: &Vec<Op>) -> Vec<i32> {
        let mut list = VecDeque::new();
        let mut got = Vec::new();
        let valid = |index: i32, len: usize| usize::try_from(index).ok().filter(|&i| i <= len);
        for &op in ops {
            match op {
                Op::Get(index) => {
                    let at = usize::try_from(index).ok().and_then(|i| list.get(i));
                    got.push(at.copied().unwrap_or(-1));
                }
                Op::AddAtHead(val) => list.push_front(val),
                Op::AddAtTail(val) => list.push_back(val),
                Op::AddAtIndex(index, val) => {
                    if let Some(i) = valid(index, list.len()) {
                        list.insert(i, val);
                    }
                }
                Op::DeleteAtIndex(index) => {
                    if let Some(i) = valid(index, list.len()) {
                        list.remove(i);
                    }
                }
            }
        }
        got
    }

    /// Up to 2000 calls with indices and values in 0..=1000; most indices are small so that
    /// they land inside the list (and at its end) as often as past it.
    fn inputs() -> BoxedStrategy<Vec<Op>> {
        let index = prop_oneof![4 => 0..=8i32, 1 => 0..=1000i32];
        let val = 0..=1000i32;
        let op = prop_oneof![
            index.clone().prop_map(Op::Get),
            val.clone().prop_map(Op::AddAtHead),
            val.clone().prop_map(Op::AddAtTail),
            (index.clone(), val).prop_map(|(i, v)| Op::AddAtIndex(i, v)),
            index.prop_map(Op::DeleteAtIndex),
        ];
        prop_oneof![
            3 => prop::collection::vec(op.clone(), 0..=40),
            1 => prop::collection::vec(op, 0..=2000),
        ]
        .boxed()
    }

    /// 10^6 heads, then reads and edits at both ends and in the middle.
    fn sized_input(n: usize) -> Vec<Op> {
        let n = n as i32;
        let mut ops: Vec<Op> = (0..n).map(|i| Op::AddAtHead(i % 1001)).collect();
        ops.extend([
            Op::Get(0),
            Op::Get(n - 1),
            Op::Get(n),
            Op::AddAtIndex(n / 2, 7),
            Op::Get(n / 2),
            Op::AddAtTail(9),
            Op::Get(n + 1),
            Op::DeleteAtIndex(n + 1),
            Op::DeleteAtIndex(0),
            Op::Get(0),
            Op::Get(n),
        ]);
        ops
    }

    fn approaches() -> Vec<Approach<Vec<Op>, Vec<i32>>> {
        vec![
            Approach {
                name: "singly linked",
                summary: "walk to the link at the index and edit it; O(index) per call",
                recursive: false,
                relinks: false,
                run: |ops| drive_design!(MyLinkedList, ops),
            },
            Approach {
                name: "doubly linked arena",
                summary: "Vec arena with a sentinel, walk from the nearer end; O(min(i, n-i))",
                recursive: false,
                relinks: false,
                run: |ops| drive_design!(doubly::MyLinkedList, ops),
            },
        ]
    }
}
