//! # 707. Design Linked List
//!
//! <https://leetcode.com/problems/design-linked-list/> · Medium
//!
//! Design a linked list with `get(index)` (the value of the 0-indexed `index`th node, or `-1` if
//! the index is invalid), `addAtHead(val)`, `addAtTail(val)`, `addAtIndex(index, val)` (insert
//! before the `index`th node; at the end if `index` equals the length; nothing if it is greater)
//! and `deleteAtIndex(index)` (if the index is valid). Do not use a built-in linked list.

pub struct MyLinkedList {
    // Your fields here: declare your own node type above (or use `problems::ListNode`).
}

/*
 * `&self` means the method takes an immutable reference.
 * The methods that change the list take `&mut self`.
 */
impl MyLinkedList {
    pub fn new() -> Self {
        todo!()
    }

    pub fn get(&self, index: i32) -> i32 {
        todo!()
    }

    pub fn add_at_head(&mut self, val: i32) {
        todo!()
    }

    pub fn add_at_tail(&mut self, val: i32) {
        todo!()
    }

    pub fn add_at_index(&mut self, index: i32, val: i32) {
        todo!()
    }

    pub fn delete_at_index(&mut self, index: i32) {
        todo!()
    }
}

/*
 * Your MyLinkedList object will be instantiated and called as such:
 * let mut obj = MyLinkedList::new();
 * let ret_1: i32 = obj.get(index);
 * obj.add_at_head(val);
 * obj.add_at_tail(val);
 * obj.add_at_index(index, val);
 * obj.delete_at_index(index);
 */
