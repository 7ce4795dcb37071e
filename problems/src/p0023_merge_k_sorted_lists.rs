//! # 23. Merge k Sorted Lists
//!
//! <https://leetcode.com/problems/merge-k-sorted-lists/> · Hard
//!
//! You are given an array of `k` linked lists, each sorted in ascending order. Merge all of them
//! into one sorted linked list and return it.
//!
//! **Approach (min-heap of heads).** Keep the lists' current heads in a min-heap keyed by
//! `(value, list index)`; the heap never holds nodes, only which list to take from, so the nodes
//! stay in their lists until they are moved. Pop the smallest, move that list's head onto the
//! result's tail, and push the list's new head. O(N log k) time for N nodes in total, O(k) space.
//!
//! The alternative, [`pairwise`], merges the lists in pairs, round after round (bottom-up divide
//! and conquer), with the two-list merge of problem 21: O(N log k) time, O(1) extra space beyond
//! the vector of heads.

use proptest::prelude::*;

use crate::ListNode;
use crate::p0021_merge_two_sorted_lists::sorted_values;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn merge_k_lists(lists: Vec<Option<Box<ListNode>>>) -> Option<Box<ListNode>> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;

        let mut lists = lists;
        let mut heads: BinaryHeap<Reverse<(i32, usize)>> = lists
            .iter()
            .enumerate()
            .filter_map(|(i, list)| list.as_ref().map(|node| Reverse((node.val, i))))
            .collect();
        let mut dummy = ListNode::new(0);
        let mut tail = &mut dummy;
        while let Some(Reverse((_, i))) = heads.pop() {
            if let Some(mut node) = lists[i].take() {
                lists[i] = node.next.take();
                if let Some(next) = &lists[i] {
                    heads.push(Reverse((next.val, i)));
                }
                tail = tail.next.insert(node);
            }
        }
        dummy.next
    }
}

/// Pairwise: merge list 0 with list 1, 2 with 3, and so on, halving the number of lists each
/// round until one is left. Every node takes part in log k merges: O(N log k) time, O(1) extra
/// space beyond the vector of heads.
pub mod pairwise {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn merge_k_lists(lists: Vec<Option<Box<ListNode>>>) -> Option<Box<ListNode>> {
            let mut lists = lists;
            while lists.len() > 1 {
                let mut merged = Vec::with_capacity(lists.len().div_ceil(2));
                let mut pairs = lists.into_iter();
                while let Some(a) = pairs.next() {
                    let b = pairs.next().flatten();
                    merged.push(Self::merge_two(a, b));
                }
                lists = merged;
            }
            lists.pop().flatten()
        }

        fn merge_two(mut a: Option<Box<ListNode>>, mut b: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
            let mut dummy = ListNode::new(0);
            let mut tail = &mut dummy;
            while let (Some(x), Some(y)) = (&a, &b) {
                let smaller = if x.val <= y.val { &mut a } else { &mut b };
                if let Some(mut node) = smaller.take() {
                    *smaller = node.next.take();
                    tail = tail.next.insert(node);
                }
            }
            tail.next = a.or(b);
            dummy.next
        }
    }
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 23,
        slug: "merge-k-sorted-lists",
        title: "Merge k Sorted Lists",
        difficulty: Difficulty::Hard,
        chapter: Chapter::LinkedListPractice,
    };
    /// The lists' values.
    type Input = Vec<Vec<i32>>;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Vec<Vec<i32>>, Vec<i32>)> {
        vec![
            (vec![vec![1, 4, 5], vec![1, 3, 4], vec![2, 6]], vec![1, 1, 2, 3, 4, 4, 5, 6]),
            (vec![], vec![]),
            (vec![vec![]], vec![]),
        ]
    }

    fn model(lists: &Vec<Vec<i32>>) -> Vec<i32> {
        let mut merged = lists.concat();
        merged.sort_unstable();
        merged
    }

    /// k in 0..=10^4 sorted lists of 0..=500 values in -10^4..=10^4, at most 10^4 values in
    /// all: few short lists, many tiny ones (empty ones included), or a few long ones.
    fn inputs() -> BoxedStrategy<Vec<Vec<i32>>> {
        let range = -10_000..=10_000;
        prop_oneof![
            3 => prop::collection::vec(sorted_values(range.clone(), 8), 0..=8),
            1 => prop::collection::vec(sorted_values(range.clone(), 3), 0..=2000),
            1 => prop::collection::vec(sorted_values(range, 500), 0..=20),
        ]
        .boxed()
    }

    /// 1000 lists of 1000 nodes, interleaved so that every pop switches lists.
    /// About sqrt(n) interleaved lists of sqrt(n) nodes each.
    fn sized_input(n: usize) -> Vec<Vec<i32>> {
        let k = ((n as f64).sqrt() as i32).max(1);
        (0..k).map(|list| (0..n as i32 / k).map(|i| i * k + list).collect()).collect()
    }

    fn approaches() -> Vec<Approach<Vec<Vec<i32>>, Vec<i32>>> {
        vec![
            Approach {
                name: "min-heap",
                summary: "heap of (head value, list), move the smallest head; O(N log k)",
                recursive: false,
                relinks: true,
                run: |lists| spec::relinked_all(lists, Solution::merge_k_lists),
            },
            Approach {
                name: "pairwise",
                summary: "merge lists in pairs, round after round; O(N log k), O(1) extra",
                recursive: false,
                relinks: true,
                run: |lists| spec::relinked_all(lists, pairwise::Solution::merge_k_lists),
            },
        ]
    }
}
