//! An index-based singly linked list for the problems whose lists share nodes or loop back on
//! themselves (141, 142, 160). `Option<Box<ListNode>>` gives every node exactly one owner, so it
//! can express neither a shared tail nor a cycle; that is why LeetCode offers no Rust for them.
//! Here nodes live in a `Vec` and `next` is a typed index, so any shape is expressible in safe
//! Rust, node identity is the index (`NodeId`), and freeing is one `Vec` drop, never recursive.

/// Which node: its index in the arena. Two cursors are at the same node iff their ids are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// One node: a value and the id of the next node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub val: i32,
    pub next: Option<NodeId>,
}

/// The nodes of one or more lists, linked by id.
#[derive(Clone, Debug, Default)]
pub struct Arena {
    nodes: Vec<Node>,
}

impl Arena {
    pub fn new() -> Self {
        Arena::default()
    }

    /// The number of nodes in the arena (not the length of any one list).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Adds an unlinked node.
    pub fn push(&mut self, val: i32) -> NodeId {
        self.nodes.push(Node { val, next: None });
        NodeId(self.nodes.len() - 1)
    }

    pub fn val(&self, id: NodeId) -> i32 {
        self.nodes[id.0].val
    }

    pub fn next(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id.0].next
    }

    pub fn set_next(&mut self, id: NodeId, next: Option<NodeId>) {
        self.nodes[id.0].next = next;
    }

    /// Adds `values` as a chain of new nodes whose last node links to `then`; returns the first
    /// node (or `then` if `values` is empty). The new nodes get consecutive ids, in order.
    pub fn chain(&mut self, values: &[i32], then: Option<NodeId>) -> Option<NodeId> {
        let first = self.nodes.len();
        for (i, &val) in values.iter().enumerate() {
            let next = if i + 1 < values.len() { Some(NodeId(first + i + 1)) } else { then };
            self.nodes.push(Node { val, next });
        }
        if values.is_empty() { then } else { Some(NodeId(first)) }
    }

    /// The ids from `head` on, following `next`. Endless if the list has a cycle.
    pub fn walk(&self, head: Option<NodeId>) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(head, |&id| self.next(id))
    }

    /// LeetCode's input for 141 and 142: `head` as values and `pos`, the index the tail links
    /// back to (`-1` for none). Node `i` of the list gets `NodeId(i)`.
    pub fn with_cycle(values: &[i32], pos: i32) -> (Arena, Option<NodeId>) {
        let mut arena = Arena::new();
        let head = arena.chain(values, None);
        if let (Ok(pos), Some(last)) = (usize::try_from(pos), values.len().checked_sub(1)) {
            assert!(pos <= last, "pos {pos} is not an index of the list");
            arena.set_next(NodeId(last), Some(NodeId(pos)));
        }
        (arena, head)
    }

    /// LeetCode's input for 160: both lists as values, the value at the intersection (`0` for
    /// none) and how many nodes of each list come before it. List A's node `i` gets
    /// `NodeId(i)`; list B's own nodes follow and its tail is A's nodes from `skip_a` on.
    pub fn with_intersection(
        intersect_val: i32,
        list_a: &[i32],
        list_b: &[i32],
        skip_a: usize,
        skip_b: usize,
    ) -> (Arena, Option<NodeId>, Option<NodeId>) {
        let mut arena = Arena::new();
        let head_a = arena.chain(list_a, None);
        let head_b = if intersect_val == 0 {
            arena.chain(list_b, None)
        } else {
            assert_eq!(
                list_a[skip_a..],
                list_b[skip_b..],
                "the lists must share their tail after skipA and skipB nodes"
            );
            assert_eq!(list_a[skip_a], intersect_val, "intersectVal is not listA[skipA]");
            arena.chain(&list_b[..skip_b], Some(NodeId(skip_a)))
        };
        (arena, head_a, head_b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn cycle_links_tail_to_pos() {
        let (arena, head) = Arena::with_cycle(&[3, 2, 0, -4], 1);
        let ids: Vec<usize> = arena.walk(head).take(6).map(|id| id.0).collect();
        assert_eq!(ids, vec![0, 1, 2, 3, 1, 2]);
        let (arena, head) = Arena::with_cycle(&[1], -1);
        assert_eq!(arena.walk(head).count(), 1);
        assert_eq!(Arena::with_cycle(&[], -1).1, None);
    }

    #[test]
    fn intersection_shares_the_tail() {
        let (arena, a, b) = Arena::with_intersection(8, &[4, 1, 8, 4, 5], &[5, 6, 1, 8, 4, 5], 2, 3);
        let values = |head| arena.walk(head).map(|id| arena.val(id)).collect::<Vec<_>>();
        assert_eq!(values(a), vec![4, 1, 8, 4, 5]);
        assert_eq!(values(b), vec![5, 6, 1, 8, 4, 5]);
        assert_eq!(arena.len(), 8);
        assert_eq!(arena.walk(b).nth(3), Some(NodeId(2)));

        let (arena, a, b) = Arena::with_intersection(0, &[2, 6, 4], &[1, 5], 3, 2);
        assert_eq!(arena.len(), 5);
        assert_eq!(arena.walk(a).last(), Some(NodeId(2)));
        assert_eq!(arena.walk(b).last(), Some(NodeId(4)));
    }
}
