//! AVX2 + FMA vector operations ([`Vector`], 8 lanes), on which every generic sweep runs.
//! Tails use `vmaskmovps` loads (blended with the fill value) and masked stores.

use core::arch::x86_64::*;

use super::Avx2;
use super::exp::{exp, exp_nonpositive, exp2, tail_mask};
use crate::arch::Vector;

impl Vector for Avx2 {
    type V = __m256;
    type Mask = __m256;
    const LANES: usize = 8;
    const FMA: bool = true;

    arithmetic!(
        __m256,
        __m256,
        _mm256_set1_ps,
        _mm256_cmp_ps,
        _mm256_or_ps,
        _mm256_rcp_ps,
        binary: [add _mm256_add_ps, sub _mm256_sub_ps, mul _mm256_mul_ps, div _mm256_div_ps, max _mm256_max_ps],
        ternary: [mul_add _mm256_fmadd_ps, neg_mul_add _mm256_fnmadd_ps]
    );

    #[inline(always)]
    fn select(self, mask: __m256, a: __m256, b: __m256) -> __m256 {
        x86!(_mm256_blendv_ps(b, a, mask))
    }
    #[inline(always)]
    fn no_lanes(self) -> __m256 {
        x86!(_mm256_setzero_ps())
    }
    #[inline(always)]
    fn or_mask(self, a: __m256, b: __m256) -> __m256 {
        x86!(_mm256_or_ps(a, b))
    }
    #[inline(always)]
    fn any(self, mask: __m256) -> bool {
        x86!(_mm256_movemask_ps(mask)) != 0
    }
    #[inline(always)]
    fn reduce_max(self, v: __m256) -> f32 {
        fold(v, |a, b| x86!(_mm_max_ps(a, b)))
    }
    #[inline(always)]
    fn reduce_add(self, v: __m256) -> f32 {
        fold(v, |a, b| x86!(_mm_add_ps(a, b)))
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
    #[inline(always)]
    unsafe fn store_stream(self, p: *mut f32, v: __m256) {
        // SAFETY: CPU feature: `self` proves avx. Bounds: the caller's, 8 writable floats
        // aligned to 32 bytes.
        unsafe { _mm256_stream_ps(p, v) }
    }
}

/// Folds the 8 lanes of `v` with `op` (max or add) in a fixed order: the two halves, then
/// pairs, then the last two lanes.
#[inline(always)]
fn fold(v: __m256, op: impl Fn(__m128, __m128) -> __m128) -> f32 {
    let h = op(x86!(_mm256_castps256_ps128(v)), x86!(_mm256_extractf128_ps::<1>(v)));
    let h = op(h, x86!(_mm_movehl_ps(h, h)));
    x86!(_mm_cvtss_f32(op(h, _mm_movehdup_ps(h))))
}
