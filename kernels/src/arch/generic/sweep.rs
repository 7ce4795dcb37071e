//! Passes over a row that run in lockstep. An op that must know a row's statistics before it
//! can write the row (the norms, cross-entropy's gradient) reads each row more than once; the
//! loops here run the first pass of one row in the same loop as the last pass of an earlier
//! one, so that one row streams in from memory while the earlier one, still in cache, is
//! written out: the memory sees a steady read and write stream, as in a copy. The two passes
//! softmax and cross-entropy share, a row's max and its exponentials, live here too.

use super::vector::Vector;

/// Vectors per block: a pass is handed its row a block at a time, and folds its f32 partial
/// sums into f64 once per block, so that no f32 sum runs over more than a block.
pub(crate) const BLOCK_VECS: usize = 8;

/// Runs `$body` for each vector of the block `[$at, $at + $len)`, with `$i` the vector's first
/// element and `$left` the elements from there to the block's end (a tail when under
/// `$lanes`): the loop of every pass over a block. The whole vectors run in a loop of their
/// own, where `$left` is `$lanes` and the body's tail branches fold away. A macro, not a
/// function taking a closure: a closure would not inherit the ISA's target features.
macro_rules! each_vector {
    ($lanes:expr, $at:expr, $len:expr, |$i:ident, $left:ident| $body:block) => {{
        let (end, lanes) = ($at + $len, $lanes);
        let mut $i = $at;
        while $i + lanes <= end {
            let $left = lanes;
            $body
            $i += lanes;
        }
        if $i < end {
            let $left = end - $i;
            $body
        }
    }};
}
pub(crate) use each_vector;

/// One pass over one row, with its own pointers into the row and its running state.
pub(crate) trait Sweep<K: Vector> {
    /// Processes elements `[at, at + len)` of the row, `0 < len <= BLOCK_VECS * LANES`; the
    /// blocks come in order and every one but the row's last is full. (A pass that writes
    /// through `stream::Out` covers each block shifted by its row's head instead: over the
    /// row, the same elements.)
    ///
    /// # Safety
    /// The pass's row pointers are valid for `at + len` elements.
    unsafe fn block(&mut self, k: K, at: usize, len: usize);
}

/// A pass that may be absent: the rows before the first and after the last of a pipeline.
impl<K: Vector, S: Sweep<K>> Sweep<K> for Option<S> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        if let Some(s) = self {
            // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's, passed on.
            unsafe { s.block(k, at, len) }
        }
    }
}

/// Two passes in lockstep, block by block.
impl<K: Vector, A: Sweep<K>, B: Sweep<K>> Sweep<K> for (A, B) {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's, for both passes.
        unsafe {
            self.0.block(k, at, len);
            self.1.block(k, at, len);
        }
    }
}

/// The first pass of a row whose later passes need its max (softmax, cross-entropy): the
/// lane-wise max, folded to the row's by [`Max::row_max`]. Where max ignores a NaN, the later
/// passes still meet it.
pub(crate) struct Max<K: Vector> {
    x: *const f32,
    m: K::V,
}

impl<K: Vector> Max<K> {
    /// The max pass over the row at `x`.
    #[inline(always)]
    pub(crate) fn new(k: K, x: *const f32) -> Self {
        Max { x, m: k.splat(f32::NEG_INFINITY) }
    }

    /// The row's max, once every block has been through.
    #[inline(always)]
    pub(crate) fn row_max(&self, k: K) -> f32 {
        k.reduce_max(self.m)
    }
}

impl<K: Vector> Sweep<K> for Max<K> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let neg_inf = k.splat(f32::NEG_INFINITY);
        each_vector!(K::LANES, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
            // length; a tail is masked, its other lanes -inf.
            self.m = k.max(self.m, unsafe { load(k, self.x, i, left, neg_inf) });
        });
    }
}

/// The pass after a row's [`Max`]: `e^(x - max)` per element (`Vector::exp_small`), summed in
/// f32 within each block and the block sums in f64; with `e`, also stored there (softmax's
/// output, cross-entropy's scratch row). A NaN anywhere makes the sum NaN.
pub(crate) struct ExpSum<K: Vector> {
    x: *const f32,
    shift: K::V,
    sum: f64,
    e: Option<*mut f32>,
}

impl<K: Vector> ExpSum<K> {
    /// The pass over the row at `x` whose max is `max`, storing into `e` if given.
    #[inline(always)]
    pub(crate) fn new(k: K, x: *const f32, max: f32, e: Option<*mut f32>) -> Self {
        // An all -inf row shifts by 0, so that no lane computes -inf - -inf.
        let shift = k.splat(if max == f32::NEG_INFINITY { 0.0 } else { max });
        ExpSum { x, shift, sum: 0.0, e }
    }

    /// The row's sum, once every block has been through.
    #[inline(always)]
    pub(crate) fn sum(&self) -> f64 {
        self.sum
    }
}

impl<K: Vector> Sweep<K> for ExpSum<K> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let neg_inf = k.splat(f32::NEG_INFINITY);
        let mut acc = k.splat(0.0);
        each_vector!(K::LANES, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
            // length, in the row of `x` and of `e`; a tail is masked (its other lanes -inf,
            // whose e^ is 0) and not stored past the row.
            unsafe {
                let e = k.exp_small(k.sub(load(k, self.x, i, left, neg_inf), self.shift));
                if let Some(to) = self.e {
                    store(k, to, i, left, e);
                }
                acc = k.add(acc, e);
            }
        });
        self.sum += f64::from(k.reduce_add(acc));
    }
}

/// Runs `sweep` over a row of `cols` elements, block by block.
///
/// # Safety
/// The pass's row pointers are valid for `cols` elements.
#[inline(always)]
pub(crate) unsafe fn run<K: Vector, S: Sweep<K>>(k: K, cols: usize, sweep: &mut S) {
    let block = BLOCK_VECS * K::LANES;
    let mut at = 0;
    while at < cols {
        let len = block.min(cols - at);
        // SAFETY: CPU feature: `k` is the proof. Bounds: at + len <= cols.
        unsafe { sweep.block(k, at, len) };
        at += len;
    }
}

/// Row `step` of the pipeline's stage that runs `lag` steps behind its first, if that row
/// exists.
pub(crate) fn row_at(step: usize, lag: usize, rows: usize) -> Option<usize> {
    step.checked_sub(lag).filter(|&r| r < rows)
}

/// The vector at `p + i` when `left = end - i` (`> 0`) elements remain: a full load, or the
/// last `left < LANES` elements with the other lanes set to `fill`.
///
/// # Safety
/// `p` valid for `i + min(left, LANES)` reads.
#[inline(always)]
pub(crate) unsafe fn load<K: Vector>(k: K, p: *const f32, i: usize, left: usize, fill: K::V) -> K::V {
    // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's; a tail is masked.
    unsafe { if left >= K::LANES { k.load(p.add(i)) } else { k.load_tail(p.add(i), left, fill) } }
}

/// Stores `v` at `p + i`, or its first `left < LANES` lanes.
///
/// # Safety
/// `p` valid for `i + min(left, LANES)` writes.
#[inline(always)]
pub(crate) unsafe fn store<K: Vector>(k: K, p: *mut f32, i: usize, left: usize, v: K::V) {
    // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's; a tail is masked.
    unsafe { if left >= K::LANES { k.store(p.add(i), v) } else { k.store_tail(p.add(i), left, v) } }
}

/// The sum of the lanes of `v` in f64, where each lane is exact and only the additions round.
#[inline(always)]
pub(crate) fn sum_lanes_f64<K: Vector>(k: K, v: K::V) -> f64 {
    const MAX_LANES: usize = 16;
    const { assert!(K::LANES <= MAX_LANES) };
    let mut lanes = [0.0f32; MAX_LANES];
    // SAFETY: CPU feature: `k` is the proof. Bounds: LANES <= 16 floats of a local array.
    unsafe { k.store(lanes.as_mut_ptr(), v) };
    lanes[..K::LANES].iter().map(|&x| f64::from(x)).sum()
}
