//! LeetCode's singly linked list, exactly as its Rust template defines it, plus the helpers every
//! problem and check needs: building lists, reading them back, tearing long ones down without
//! recursion, and recording node identity so a check can tell relinked nodes from rewritten values.

use std::collections::HashMap;

/// LeetCode's definition for singly-linked list, unchanged, so solutions paste into LeetCode.
#[derive(PartialEq, Eq, Clone, Debug)]
pub struct ListNode {
    pub val: i32,
    pub next: Option<Box<ListNode>>,
}

impl ListNode {
    #[inline]
    pub fn new(val: i32) -> Self {
        ListNode { next: None, val }
    }
}

/// The head of a list as LeetCode passes it around.
pub type Link = Option<Box<ListNode>>;

/// Builds a list holding `values` in order. Iterative, so any length works.
pub fn from_slice(values: &[i32]) -> Link {
    from_iter(values.iter().copied())
}

/// Builds a list from any sequence of values, in order. Iterative, so any length works.
pub fn from_iter(values: impl IntoIterator<Item = i32>) -> Link {
    let mut head = None;
    let mut tail = &mut head;
    for val in values {
        let node = tail.insert(Box::new(ListNode::new(val)));
        tail = &mut node.next;
    }
    head
}

/// The values of a list, front to back, without consuming it.
pub fn to_vec(head: &Link) -> Vec<i32> {
    iter(head).collect()
}

/// Consumes a list into its values, freeing one node at a time (never recursively).
pub fn into_vec(mut head: Link) -> Vec<i32> {
    let mut values = Vec::new();
    while let Some(mut node) = head {
        head = node.next.take();
        values.push(node.val);
    }
    values
}

/// Frees a list one node at a time. Dropping a `Box<ListNode>` directly recurses once per node
/// and overflows the stack near 10^5 nodes; this never does.
pub fn drop_iteratively(mut head: Link) {
    while let Some(mut node) = head {
        head = node.next.take();
    }
}

/// The values of a list, front to back.
pub fn iter(head: &Link) -> impl Iterator<Item = i32> + '_ {
    std::iter::successors(head.as_deref(), |node| node.next.as_deref()).map(|node| node.val)
}

/// Builds a list from its values: `list![1, 2, 3]`, or `list![]` for the empty list.
#[macro_export]
macro_rules! list {
    () => {
        ::std::option::Option::<::std::boxed::Box<$crate::ListNode>>::None
    };
    ($($val:expr),+ $(,)?) => {
        $crate::list::from_slice(&[$($val),+])
    };
}

/// A list that owns its nodes and frees them iteratively when dropped, so a test can hold a
/// 10^6-node list, pass it to a solution and let it go out of scope safely.
#[derive(Debug, Default)]
pub struct List(pub Link);

impl List {
    /// Takes the list out, leaving this wrapper empty (the caller now owns its teardown).
    pub fn take(&mut self) -> Link {
        self.0.take()
    }
}

impl From<&[i32]> for List {
    fn from(values: &[i32]) -> Self {
        List(from_slice(values))
    }
}

impl From<Link> for List {
    fn from(head: Link) -> Self {
        List(head)
    }
}

impl Drop for List {
    fn drop(&mut self) {
        drop_iteratively(self.0.take());
    }
}

/// Which allocation each value lived in before a solution ran, so that afterwards a check can
/// prove the solution relinked the original nodes rather than rewriting values or allocating
/// new nodes.
#[derive(Debug, Default)]
pub struct Identity {
    val_at: HashMap<usize, i32>,
}

/// How a solution's output broke node identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityViolation {
    /// The node at `position` of the output was not one of the input's nodes.
    NewNode { position: usize, val: i32 },
    /// The node at `position` is an input node, but its value was changed.
    RewrittenValue { position: usize, was: i32, now: i32 },
    /// The same input node appears twice in the output (a cycle or a node linked twice).
    Repeated { position: usize },
}

impl std::fmt::Display for IdentityViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentityViolation::NewNode { position, val } => write!(
                f,
                "output node {position} (val {val}) is a new allocation, not one of the input's nodes"
            ),
            IdentityViolation::RewrittenValue { position, was, now } => write!(
                f,
                "output node {position} is an input node whose value was rewritten from {was} to {now}; \
                 nodes must be relinked, not their values changed"
            ),
            IdentityViolation::Repeated { position } => {
                write!(f, "output node {position} appears earlier in the output too")
            }
        }
    }
}

impl Identity {
    /// Records the address and value of every node of `head`.
    pub fn record(head: &Link) -> Self {
        let mut val_at = HashMap::new();
        let mut cursor = head.as_deref();
        while let Some(node) = cursor {
            val_at.insert(address(node), node.val);
            cursor = node.next.as_deref();
        }
        Identity { val_at }
    }

    /// Records every node of several lists (for problems that take more than one).
    pub fn record_all<'a>(heads: impl IntoIterator<Item = &'a Link>) -> Self {
        let mut all = Identity::default();
        for head in heads {
            all.val_at.extend(Identity::record(head).val_at);
        }
        all
    }

    /// Checks that every node of `output` is an input node still holding its original value,
    /// and that none appears twice.
    pub fn verify(&self, output: &Link) -> Result<(), IdentityViolation> {
        let mut seen = HashMap::with_capacity(self.val_at.len());
        let mut cursor = output.as_deref();
        let mut position = 0;
        while let Some(node) = cursor {
            let addr = address(node);
            match self.val_at.get(&addr) {
                None => {
                    return Err(IdentityViolation::NewNode { position, val: node.val });
                }
                Some(&was) if was != node.val => {
                    return Err(IdentityViolation::RewrittenValue { position, was, now: node.val });
                }
                Some(_) => {}
            }
            if seen.insert(addr, position).is_some() {
                return Err(IdentityViolation::Repeated { position });
            }
            cursor = node.next.as_deref();
            position += 1;
        }
        Ok(())
    }
}

fn address(node: &ListNode) -> usize {
    std::ptr::from_ref(node) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn macro_builds_in_order() {
        assert_eq!(to_vec(&list![1, 2, 3]), vec![1, 2, 3]);
        assert_eq!(list![], None);
        assert_eq!(list![7], Some(Box::new(ListNode::new(7))));
    }

    #[test]
    fn million_nodes_build_read_and_drop_without_recursion() {
        let n = 1_000_000;
        let list = List(from_iter(0..n));
        assert_eq!(iter(&list.0).count(), n as usize);
        assert_eq!(iter(&list.0).last(), Some(n - 1));
        drop(list);
        assert_eq!(into_vec(from_iter(0..n)).len(), n as usize);
    }

    #[test]
    fn identity_accepts_relinked_nodes_and_catches_rewrites() {
        let head = list![1, 2, 3];
        let identity = Identity::record(&head);
        // Relink: 1 -> 2 -> 3 becomes 2 -> 1 -> 3 by moving boxes.
        let mut first = head.unwrap();
        let mut second = first.next.take().unwrap();
        first.next = second.next.take();
        second.next = Some(first);
        let relinked = Some(second);
        assert_eq!(identity.verify(&relinked), Ok(()));

        let mut rewritten = relinked;
        rewritten.as_mut().unwrap().val = 9;
        assert_eq!(
            identity.verify(&rewritten),
            Err(IdentityViolation::RewrittenValue { position: 0, was: 2, now: 9 })
        );
        assert!(matches!(identity.verify(&list![1]), Err(IdentityViolation::NewNode { .. })));
    }
}
