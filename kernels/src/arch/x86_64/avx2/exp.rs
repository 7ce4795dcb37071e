//! AVX2 scaling for the shared exponentials (`generic::exp`): 2^n added into the exponent
//! field of the polynomial's bits (AVX2 has no `vscalefps`), with the special values blended
//! in, so that results that would be subnormal flush to +0.

use core::arch::x86_64::*;

use super::Avx2;
use crate::arch::generic::exp::{EXP_HI, EXP_LO, EXP2_LO, poly_2, poly_e, reduce};

/// p * 2^n per lane where the result is a normal f32, garbage elsewhere (x > EXP_HI,
/// x < EXP_LO, NaN); the callers blend those lanes.
#[inline(always)]
fn exp_core(k: Avx2, x: __m256) -> __m256 {
    let (t, _, r) = reduce(k, x);
    let p = poly_e(k, r);
    // The low bits of t hold n in two's complement; shifted into the exponent field and added
    // to p's bits they multiply p by 2^n (exact while the result stays normal).
    x86!({
        let scale = _mm256_slli_epi32::<23>(_mm256_castps_si256(t));
        _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale))
    })
}

/// e^x per lane: inf above ~88.72, +0 below ~-87.34 (where e^x is no longer a normal f32),
/// NaN for NaN.
#[inline(always)]
pub(super) fn exp(k: Avx2, x: __m256) -> __m256 {
    let y = exp_core(k, x);
    x86!({
        let big = _mm256_cmp_ps::<_CMP_GT_OQ>(x, _mm256_set1_ps(EXP_HI));
        let y = _mm256_blendv_ps(y, _mm256_set1_ps(f32::INFINITY), big);
        let y = _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_LO)), y);
        _mm256_blendv_ps(y, x, _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x))
    })
}

/// e^x per lane for x <= 0 or NaN (softmax's x - max): skips the overflow fix-up of [`exp`].
/// -inf gives 0 and NaN gives NaN.
#[inline(always)]
pub(super) fn exp_nonpositive(k: Avx2, x: __m256) -> __m256 {
    let y = exp_core(k, x);
    x86!({
        let y = _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_LO)), y);
        _mm256_blendv_ps(y, x, _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x))
    })
}

/// 2^t per lane for t <= `EXP2_HI` or NaN: the shared polynomial of 2^r on r = t - floor(t),
/// then floor(t) added into the exponent field. +0 below 2^-126, NaN for NaN (its bits pass
/// the exponent addition unchanged); no overflow handling.
#[inline(always)]
pub(super) fn exp2(k: Avx2, t: __m256) -> __m256 {
    let n = x86!(_mm256_floor_ps(t));
    let p = poly_2(k, x86!(_mm256_sub_ps(t, n)));
    x86!({
        // p is in [1, 2): adding n to its exponent field gives p * 2^n while that is normal.
        // NaN and -inf convert to 0x8000_0000, which the shift turns into 0.
        let scale = _mm256_slli_epi32::<23>(_mm256_cvttps_epi32(n));
        let y = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale));
        _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(t, _mm256_set1_ps(EXP2_LO)), y)
    })
}

/// Lane mask selecting the first `len` (at most 8) lanes, for `vmaskmovps` loads and stores.
#[inline(always)]
pub(super) fn tail_mask(len: usize) -> __m256i {
    x86!(_mm256_cmpgt_epi32(_mm256_set1_epi32(len as i32), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
}
