//! AVX2 + FMA vector operations (`x86_64::vector::Vector`, 8 lanes), on which the softmax
//! family (`x86_64::softmax_loop`) and attention's column sweeps run, and the entry points that
//! compile the softmax routines for AVX2. Tails use `vmaskmovps` loads (blended with the fill
//! value) and masked stores.

use core::arch::x86_64::*;

use super::exp::{exp, exp_nonpositive, exp_small, tail_mask};
use crate::arch::x86_64::softmax_loop;
use crate::arch::x86_64::vector::Vector;

/// Proof that this CPU runs avx2 and fma, and the operations on its 8-lane vectors.
#[derive(Clone, Copy, Debug)]
pub(crate) struct F32x8 {
    _proof: (),
}

impl F32x8 {
    /// # Safety
    /// The CPU must support `avx2` and `fma` (`Isa::Avx2` is available).
    #[inline(always)]
    pub(super) unsafe fn new_unchecked() -> Self {
        F32x8 { _proof: () }
    }
}

/// Runs an AVX2 intrinsic from the methods below, which have no `#[target_feature]` of their
/// own (they are `#[inline(always)]` into the entry points that do).
macro_rules! avx2 {
    ($e:expr) => {
        // SAFETY: CPU feature: an `F32x8` exists only after `new_unchecked`, whose caller
        // runs with avx2 and fma enabled. Bounds: registers only, no memory is touched.
        unsafe { $e }
    };
}

impl Vector for F32x8 {
    type V = __m256;
    type Mask = __m256;
    const LANES: usize = 8;

    #[inline(always)]
    fn splat(self, x: f32) -> __m256 {
        avx2!(_mm256_set1_ps(x))
    }
    #[inline(always)]
    fn add(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_add_ps(a, b))
    }
    #[inline(always)]
    fn sub(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_sub_ps(a, b))
    }
    #[inline(always)]
    fn mul(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_mul_ps(a, b))
    }
    #[inline(always)]
    fn max(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_max_ps(a, b))
    }
    #[inline(always)]
    fn mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        avx2!(_mm256_fmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn neg_mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        avx2!(_mm256_fnmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn eq(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_cmp_ps::<_CMP_EQ_OQ>(a, b))
    }
    #[inline(always)]
    fn ne(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_cmp_ps::<_CMP_NEQ_UQ>(a, b))
    }
    #[inline(always)]
    fn select(self, mask: __m256, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_blendv_ps(b, a, mask))
    }
    #[inline(always)]
    fn no_lanes(self) -> __m256 {
        avx2!(_mm256_setzero_ps())
    }
    #[inline(always)]
    fn or_mask(self, a: __m256, b: __m256) -> __m256 {
        avx2!(_mm256_or_ps(a, b))
    }
    #[inline(always)]
    fn any(self, mask: __m256) -> bool {
        avx2!(_mm256_movemask_ps(mask)) != 0
    }
    #[inline(always)]
    fn reduce_max(self, v: __m256) -> f32 {
        avx2!({
            let h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
            let h = _mm_max_ps(h, _mm_movehl_ps(h, h));
            _mm_cvtss_f32(_mm_max_ss(h, _mm_movehdup_ps(h)))
        })
    }
    #[inline(always)]
    fn reduce_add(self, v: __m256) -> f32 {
        avx2!({
            let h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
            let h = _mm_add_ps(h, _mm_movehl_ps(h, h));
            _mm_cvtss_f32(_mm_add_ss(h, _mm_movehdup_ps(h)))
        })
    }
    #[inline(always)]
    fn exp(self, v: __m256) -> __m256 {
        avx2!(exp(v))
    }
    #[inline(always)]
    fn exp_nonpositive(self, v: __m256) -> __m256 {
        avx2!(exp_nonpositive(v))
    }
    #[inline(always)]
    fn exp_small(self, v: __m256) -> __m256 {
        avx2!(exp_small(v))
    }

    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256 {
        // SAFETY: CPU feature: `self` proves avx2. Bounds: the caller's, 8 readable floats.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn load_tail(self, p: *const f32, len: usize, fill: __m256) -> __m256 {
        // SAFETY: CPU feature: `self` proves avx2. Bounds: the mask covers the first len lanes,
        // which the caller vouches for; masked-off lanes are not accessed.
        unsafe {
            let mask = tail_mask(len);
            _mm256_blendv_ps(fill, _mm256_maskload_ps(p, mask), _mm256_castsi256_ps(mask))
        }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m256) {
        // SAFETY: CPU feature: `self` proves avx2. Bounds: the caller's, 8 writable floats.
        unsafe { _mm256_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn store_tail(self, p: *mut f32, len: usize, v: __m256) {
        // SAFETY: CPU feature: `self` proves avx2. Bounds: the mask covers the first len lanes,
        // which the caller vouches for; masked-off lanes are not written.
        unsafe { _mm256_maskstore_ps(p, tail_mask(len), v) }
    }
}

/// Softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// - The CPU must support AVX2 and FMA (`Isa::Avx2` is only handed out after detection).
/// - `x` valid for `rows * cols` reads and `y` for as many writes; `y` may equal `x` (in
///   place) but must not otherwise overlap it.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    // SAFETY: CPU feature: avx2+fma are enabled on this function. Bounds: the caller's, as
    // `softmax_loop::softmax_rows` states them.
    unsafe { softmax_loop::softmax_rows(F32x8::new_unchecked(), x, y, rows, cols) }
}

/// log_softmax of `rows` rows of `cols` elements from `x` into `y`.
///
/// # Safety
/// Same as [`softmax_rows`].
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn log_softmax_rows(x: *const f32, y: *mut f32, rows: usize, cols: usize) {
    // SAFETY: CPU feature: avx2+fma are enabled on this function. Bounds: the caller's, as
    // `softmax_loop::log_softmax_rows` states them.
    unsafe { softmax_loop::log_softmax_rows(F32x8::new_unchecked(), x, y, rows, cols) }
}

/// dx = y * (dy - sum(dy * y)) per row.
///
/// # Safety
/// - The CPU must support AVX2 and FMA (`Isa::Avx2` is only handed out after detection).
/// - `y` and `dy` valid for `rows * cols` reads, `dx` for as many writes, `dx` not
///   overlapping the inputs.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn softmax_backward_rows(
    y: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    // SAFETY: CPU feature: avx2+fma are enabled on this function. Bounds: the caller's, as
    // `softmax_loop::softmax_backward_rows` states them.
    unsafe { softmax_loop::softmax_backward_rows(F32x8::new_unchecked(), y, dy, dx, rows, cols) }
}

/// dx = dy - e^y_log * sum(dy) per row; zeros for a row whose y_log is all -inf.
///
/// # Safety
/// Same as [`softmax_backward_rows`].
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn log_softmax_backward_rows(
    y_log: *const f32,
    dy: *const f32,
    dx: *mut f32,
    rows: usize,
    cols: usize,
) {
    // SAFETY: CPU feature: avx2+fma are enabled on this function. Bounds: the caller's, as
    // `softmax_loop::log_softmax_backward_rows` states them.
    unsafe { softmax_loop::log_softmax_backward_rows(F32x8::new_unchecked(), y_log, dy, dx, rows, cols) }
}
