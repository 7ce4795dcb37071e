//! # 21. Merge Two Sorted Lists
//!
//! <https://leetcode.com/problems/merge-two-sorted-lists/> · Easy
//!
//! Given the heads of two sorted (non-decreasing) linked lists `list1` and `list2`, merge them
//! into one sorted list made by splicing together the nodes of the two lists, and return its
//! head.
//!
//! **Approach (dummy head and tail cursor).** While both lists have nodes, move the smaller head
//! (the first list's on ties, which keeps the merge stable) onto the tail of the result; then
//! hang whatever remains of the other list on the tail in one link. Nodes are relinked, never
//! copied. O(m + n) time, O(1) extra space.
//!
//! The alternative, [`recursive`], keeps the smaller head and merges the rest behind it:
//! O(m + n) time and stack.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{self, Approach, Chapter, Difficulty, Info, Problem};

pub struct Solution;

impl Solution {
    pub fn merge_two_lists(
        list1: Option<Box<ListNode>>,
        list2: Option<Box<ListNode>>,
    ) -> Option<Box<ListNode>> {
        let (mut a, mut b) = (list1, list2);
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

/// Recursive: the smaller head, followed by the merge of everything else. O(m + n) time and
/// stack, so it is not run on the 10^6-node input.
pub mod recursive {
    use crate::ListNode;

    pub struct Solution;

    impl Solution {
        pub fn merge_two_lists(
            list1: Option<Box<ListNode>>,
            list2: Option<Box<ListNode>>,
        ) -> Option<Box<ListNode>> {
            match (list1, list2) {
                (Some(mut a), Some(b)) if a.val <= b.val => {
                    a.next = Self::merge_two_lists(a.next.take(), Some(b));
                    Some(a)
                }
                (Some(a), Some(mut b)) => {
                    b.next = Self::merge_two_lists(Some(a), b.next.take());
                    Some(b)
                }
                (rest, None) | (None, rest) => rest,
            }
        }
    }
}

/// The two sorted lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub list1: Vec<i32>,
    pub list2: Vec<i32>,
}

pub struct Spec;

impl Problem for Spec {
    const INFO: Info = Info {
        id: 21,
        slug: "merge-two-sorted-lists",
        title: "Merge Two Sorted Lists",
        difficulty: Difficulty::Easy,
        chapter: Chapter::LinkedListPractice,
    };
    type Input = Input;
    type Output = Vec<i32>;

    fn examples() -> Vec<(Input, Vec<i32>)> {
        vec![
            (Input { list1: vec![1, 2, 4], list2: vec![1, 3, 4] }, vec![1, 1, 2, 3, 4, 4]),
            (Input { list1: vec![], list2: vec![] }, vec![]),
            (Input { list1: vec![], list2: vec![0] }, vec![0]),
        ]
    }

    fn model(input: &Input) -> Vec<i32> {
        let mut merged = [input.list1.as_slice(), input.list2.as_slice()].concat();
        merged.sort_unstable();
        merged
    }

    /// Two sorted lists of 0..=50 nodes with values -100..=100, often from a few values so that
    /// ties between the lists are common.
    fn inputs() -> BoxedStrategy<Input> {
        let list = sorted_values(-100..=100, 50);
        (list.clone(), list).prop_map(|(list1, list2)| Input { list1, list2 }).boxed()
    }

    /// 5 * 10^5 even and 5 * 10^5 odd values: the merge alternates on every node.
    fn sized_input(n: usize) -> Input {
        Input {
            list1: (0..(n / 2) as i32).map(|i| 2 * i).collect(),
            list2: (0..(n - n / 2) as i32).map(|i| 2 * i + 1).collect(),
        }
    }

    fn approaches() -> Vec<Approach<Input, Vec<i32>>> {
        vec![
            Approach {
                name: "dummy head",
                summary: "move the smaller head onto a tail cursor; O(m + n) time, O(1) space",
                recursive: false,
                relinks: true,
                run: |i| spec::relinked_pair(&i.list1, &i.list2, Solution::merge_two_lists),
            },
            Approach {
                name: "recursive",
                summary: "the smaller head, then the merge of the rest; O(m + n) stack",
                recursive: true,
                relinks: true,
                run: |i| spec::relinked_pair(&i.list1, &i.list2, recursive::Solution::merge_two_lists),
            },
        ]
    }
}

/// Sorted lists of up to `max_len` values from `range`, half the time from only a few distinct
/// values so that runs of equal values are common.
pub fn sorted_values(
    range: std::ops::RangeInclusive<i32>,
    max_len: usize,
) -> impl Strategy<Value = Vec<i32>> + Clone {
    let (low, high) = (*range.start(), *range.end());
    let few = low..=(low + 3).min(high);
    prop_oneof![prop::collection::vec(range, 0..=max_len), prop::collection::vec(few, 0..=max_len),].prop_map(
        |mut values| {
            values.sort_unstable();
            values
        },
    )
}
