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
