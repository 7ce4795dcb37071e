//! Streaming stores, for outputs too large to stay in cache. A plain store first reads its
//! line for ownership; past the caches that read is a third of a copy's memory traffic, and a
//! streaming store, which writes whole lines around the caches, saves it. It needs an aligned
//! address, so a sweep writes the few elements before its output's first aligned vector with
//! plain stores, and fences once at the end.

use super::vector::Vector;

/// Outputs of at least this many bytes are streamed: twice the L2 of the machines measured
/// (2 MiB a core), past which an output cannot stay in the core's caches anyway.
pub(crate) const MIN_BYTES: usize = 4 << 20;

/// Whether outputs of `len` f32 in all are streamed.
pub(crate) fn wanted(len: usize) -> bool {
    len * size_of::<f32>() >= MIN_BYTES
}

/// The elements from `p` to the first address at or after it that `K`'s streaming store
/// accepts (0 if `p` is one).
pub(crate) fn head<K: Vector>(p: *const f32) -> usize {
    let align = K::LANES * size_of::<f32>();
    (align - p as usize % align) % align / size_of::<f32>()
}

/// Whether `p` is aligned for `K`'s streaming store.
pub(crate) fn aligned<K: Vector>(p: *const f32) -> bool {
    head::<K>(p) == 0
}

/// A pass's output row, written with streaming stores from its first aligned vector on when
/// `stream`. In the lockstep of `generic::sweep` the pass covers each block shifted by its
/// row's head (the elements before the first aligned vector), and the head itself with the
/// first block, so that its full vectors fall on aligned addresses whatever the rows of the
/// passes beside it. Without `stream` it covers each block as given.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Out {
    p: *mut f32,
    cols: usize,
    pub head: usize,
    stream: bool,
}

impl Out {
    /// The row of `cols` at `p`.
    pub(crate) fn new<K: Vector>(p: *mut f32, cols: usize, stream: bool) -> Self {
        let head = if stream { head::<K>(p).min(cols) } else { 0 };
        Out { p, cols, head, stream }
    }

    /// The elements `[lo, hi)` the pass covers at the block `[at, at + len)`.
    pub(crate) fn span(&self, at: usize, len: usize) -> (usize, usize) {
        let lo = if at == 0 { 0 } else { at + self.head };
        (lo, (at + len + self.head).min(self.cols))
    }

    /// Stores `v` at element `i`, `left` elements before the end of what the pass covers
    /// there: a streaming store for a full vector of a streamed row, a plain one otherwise,
    /// the first `left` lanes alone when `left < LANES`.
    ///
    /// # Safety
    /// The row valid for `i + min(left, LANES)` elements; `i` one of the starts
    /// [`each_out_vector`] hands out.
    #[inline(always)]
    pub(crate) unsafe fn put<K: Vector>(&self, k: K, i: usize, left: usize, v: K::V) {
        // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's; a tail is masked, and
        // past the head a full vector of a streamed row is aligned (`span`).
        unsafe {
            if left < K::LANES {
                k.store_tail(self.p.add(i), left, v);
            } else {
                store(k, self.p.add(i), self.stream, v);
            }
        }
    }
}

/// Stores the full vector `v` at `p`: a streaming store with `stream`, a plain one otherwise.
///
/// # Safety
/// `p` valid for `LANES` writes, and with `stream` aligned for the streaming store.
#[inline(always)]
pub(crate) unsafe fn store<K: Vector>(k: K, p: *mut f32, stream: bool, v: K::V) {
    // SAFETY: CPU feature: `k` is the proof. Bounds and alignment: the caller's.
    unsafe {
        if stream {
            debug_assert!(aligned::<K>(p), "a streamed vector at {p:?} is not aligned");
            k.store_stream(p, v);
        } else {
            k.store(p, v);
        }
    }
}

/// Runs `$body` for each vector an [`Out`] pass covers at the block `[$at, $at + $len)`, with
/// `$i` its first element and `$left` the elements from there to the end of the span (fewer
/// than `$lanes` for the head and the tail): the head of the row first (under `$lanes`
/// elements, so one vector), then the rest as `sweep::each_vector` runs a block.
macro_rules! each_out_vector {
    ($lanes:expr, $out:expr, $at:expr, $len:expr, |$i:ident, $left:ident| $body:block) => {{
        let (lo, hi) = $out.span($at, $len);
        let head_end = $out.head.min(hi);
        if lo < head_end {
            let ($i, $left) = (lo, head_end - lo);
            $body
        }
        // (A last block shifted past the row's end covers nothing: lo > hi.)
        let from = lo.max(head_end).min(hi);
        $crate::arch::generic::sweep::each_vector!($lanes, from, hi - from, |$i, $left| $body);
    }};
}
pub(crate) use each_out_vector;
