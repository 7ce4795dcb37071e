//! AVX-512 vector operations (`x86_64::vector::Vector`, 16 lanes), on which the softmax family
//! (`x86_64::softmax_loop`) and attention's column sweeps run, and the entry points that
//! compile the softmax routines for AVX-512. Tails use masked loads (filled with the fill
//! value) and masked stores.

use core::arch::x86_64::*;

use super::exp::{exp, exp_nonpositive, exp_small};
use crate::arch::x86_64::softmax_loop;
use crate::arch::x86_64::vector::Vector;

/// Proof that this CPU runs avx512f and avx512dq, and the operations on its 16-lane vectors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct F32x16 {
    _proof: (),
}

impl F32x16 {
    /// # Safety
    /// The CPU must support `avx512f` and `avx512dq` (`Isa::Avx512` is available).
    #[inline(always)]
    pub(super) unsafe fn new_unchecked() -> Self {
        F32x16 { _proof: () }
    }
}

/// Mask of the first `len` (< 16) lanes.
#[inline(always)]
fn tail_mask(len: usize) -> __mmask16 {
    ((1u32 << len) - 1) as u16
}

/// Runs an AVX-512 intrinsic from the methods below, which have no `#[target_feature]` of
/// their own (they are `#[inline(always)]` into the entry points that do).
macro_rules! avx512 {
    ($e:expr) => {
        // SAFETY: CPU feature: an `F32x16` exists only after `new_unchecked`, whose caller
        // runs with avx512f enabled (and avx512dq for `exp_small`: attention's entry points).
        // Bounds: registers only, no memory is touched.
        unsafe { $e }
    };
}

impl Vector for F32x16 {
    type V = __m512;
    type Mask = __mmask16;
    const LANES: usize = 16;

    #[inline(always)]
    fn splat(self, x: f32) -> __m512 {
        avx512!(_mm512_set1_ps(x))
    }
    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        avx512!(_mm512_add_ps(a, b))
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        avx512!(_mm512_sub_ps(a, b))
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        avx512!(_mm512_mul_ps(a, b))
    }
    #[inline(always)]
    fn max(self, a: __m512, b: __m512) -> __m512 {
        avx512!(_mm512_max_ps(a, b))
    }
    #[inline(always)]
    fn mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        avx512!(_mm512_fmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn neg_mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        avx512!(_mm512_fnmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn eq(self, a: __m512, b: __m512) -> __mmask16 {
        avx512!(_mm512_cmp_ps_mask::<_CMP_EQ_OQ>(a, b))
    }
    #[inline(always)]
    fn ne(self, a: __m512, b: __m512) -> __mmask16 {
        avx512!(_mm512_cmp_ps_mask::<_CMP_NEQ_UQ>(a, b))
    }
    #[inline(always)]
    fn select(self, mask: __mmask16, a: __m512, b: __m512) -> __m512 {
        avx512!(_mm512_mask_mov_ps(b, mask, a))
    }
    #[inline(always)]
    fn no_lanes(self) -> __mmask16 {
        0
    }
    #[inline(always)]
    fn or_mask(self, a: __mmask16, b: __mmask16) -> __mmask16 {
        a | b
    }
    #[inline(always)]
    fn any(self, mask: __mmask16) -> bool {
        mask != 0
    }
    #[inline(always)]
    fn reduce_max(self, v: __m512) -> f32 {
        avx512!(_mm512_reduce_max_ps(v))
    }
    #[inline(always)]
    fn reduce_add(self, v: __m512) -> f32 {
        avx512!(_mm512_reduce_add_ps(v))
    }
    #[inline(always)]
    fn exp(self, v: __m512) -> __m512 {
        avx512!(exp(v))
    }
    #[inline(always)]
    fn exp_nonpositive(self, v: __m512) -> __m512 {
        avx512!(exp_nonpositive(v))
    }
    #[inline(always)]
    fn exp_small(self, v: __m512) -> __m512 {
        avx512!(exp_small(v))
    }

    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512 {
        // SAFETY: CPU feature: `self` proves avx512f. Bounds: the caller's, 16 readable floats.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn load_tail(self, p: *const f32, len: usize, fill: __m512) -> __m512 {
        // SAFETY: CPU feature: `self` proves avx512f. Bounds: the mask covers the first len
        // lanes, which the caller vouches for; masked-off lanes are not accessed.
        unsafe { _mm512_mask_loadu_ps(fill, tail_mask(len), p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m512) {
        // SAFETY: CPU feature: `self` proves avx512f. Bounds: the caller's, 16 writable floats.
        unsafe { _mm512_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn store_tail(self, p: *mut f32, len: usize, v: __m512) {
        // SAFETY: CPU feature: `self` proves avx512f. Bounds: the mask covers the first len
        // lanes, which the caller vouches for; masked-off lanes are not written.
        unsafe { _mm512_mask_storeu_ps(p, tail_mask(len), v) }
    }
}

/// Softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// - The CPU must support AVX-512F and DQ (`Isa::Avx512` is only handed out after detection).
/// - `x` valid for `rows * cols` reads and `y` for as many writes; `y` may equal `x` (in
///   place) but must not otherwise overlap it.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    // SAFETY: CPU feature: the caller's AVX-512F and DQ, all `F32x16` stands for. Bounds: the caller's, as
    // `softmax_loop::softmax_rows` states them.
    unsafe { softmax_loop::softmax_rows(F32x16::new_unchecked(), x, y, rows, cols) }
}

/// log_softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// Same as [`softmax_rows`].
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn log_softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    // SAFETY: CPU feature: the caller's AVX-512F and DQ, all `F32x16` stands for. Bounds: the caller's, as
    // `softmax_loop::log_softmax_rows` states them.
    unsafe { softmax_loop::log_softmax_rows(F32x16::new_unchecked(), x, y, rows, cols) }
}

/// dx = y * (dy - sum(dy * y)) per row.
///
/// # Safety
/// - The CPU must support AVX-512F and DQ (`Isa::Avx512` is only handed out after detection).
/// - `y` and `dy` valid for `rows * cols` reads, `dx` for as many writes, `dx` not
///   overlapping the inputs.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn softmax_backward_rows(
    y: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    // SAFETY: CPU feature: the caller's AVX-512F and DQ, all `F32x16` stands for. Bounds: the caller's, as
    // `softmax_loop::softmax_backward_rows` states them.
    unsafe { softmax_loop::softmax_backward_rows(F32x16::new_unchecked(), y, dy, dx, rows, cols) }
}

/// dx = dy - e^y_log * sum(dy) per row; zeros for a row whose y_log is all -inf.
///
/// # Safety
/// Same as [`softmax_backward_rows`].
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn log_softmax_backward_rows(
    y_log: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    // SAFETY: CPU feature: the caller's AVX-512F and DQ, all `F32x16` stands for. Bounds: the caller's, as
    // `softmax_loop::log_softmax_backward_rows` states them.
    unsafe { softmax_loop::log_softmax_backward_rows(F32x16::new_unchecked(), y_log, dy, dx, rows, cols) }
}
