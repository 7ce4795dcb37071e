//! AVX2 + FMA e^x: 8 lanes, FMA Cody-Waite reduction, degree-6 polynomial, 2^n added into
//! the exponent field of the polynomial's bits (AVX2 has no `vscalefps`), so results that
//! would be subnormal flush to +0.
//!
//! `exp` and `exp_nonpositive` are `#[inline(always)]` building blocks for AVX2 kernels.

use core::arch::x86_64::*;

use crate::arch::scalar::exp::{
    C2, C3, C4, C5, C6, EXP_HI, EXP_LO, EXP2_LO, LN2_HI, LN2_LO, LOG2E, P1, P2, P3, P4, P5, P6, ROUND_MAGIC,
};

/// p * 2^n per lane where the result is a normal f32, garbage elsewhere (x > EXP_HI,
/// x < EXP_LO, NaN); the callers blend those lanes.
///
/// # Safety
/// The CPU must support AVX2 and FMA; call it only from a function compiled with
/// `#[target_feature(enable = "avx2,fma")]` so it inlines into that code.
#[inline(always)]
unsafe fn exp_core(x: __m256) -> __m256 {
    // SAFETY: the caller guarantees avx2 and fma (this function's contract); these intrinsics
    // only compute on registers, no memory is touched.
    unsafe {
        let t = _mm256_fmadd_ps(x, _mm256_set1_ps(LOG2E), _mm256_set1_ps(ROUND_MAGIC));
        let n = _mm256_sub_ps(t, _mm256_set1_ps(ROUND_MAGIC));
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
        let mut p = _mm256_fmadd_ps(_mm256_set1_ps(C6), r, _mm256_set1_ps(C5));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(C4));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(C3));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(C2));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0));
        // The low bits of t hold n in two's complement; shifted into the exponent field and
        // added to p's bits they multiply p by 2^n (exact while the result stays normal).
        let scale = _mm256_slli_epi32::<23>(_mm256_castps_si256(t));
        _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale))
    }
}

/// e^x per lane: inf above ~88.72, +0 below ~-87.34 (where e^x is no longer a normal f32),
/// NaN for NaN.
///
/// # Safety
/// The CPU must support AVX2 and FMA; call it only from a function compiled with
/// `#[target_feature(enable = "avx2,fma")]` so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp(x: __m256) -> __m256 {
    // SAFETY: avx2+fma is this function's contract and exp_core's only requirement.
    unsafe {
        let y = exp_core(x);
        let y = _mm256_blendv_ps(
            y,
            _mm256_set1_ps(f32::INFINITY),
            _mm256_cmp_ps::<_CMP_GT_OQ>(x, _mm256_set1_ps(EXP_HI)),
        );
        let y = _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_LO)), y);
        _mm256_blendv_ps(y, x, _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x))
    }
}

/// e^x per lane for x <= 0 or NaN (softmax's x - max): skips the overflow fix-up of [`exp`].
/// -inf gives 0 and NaN gives NaN.
///
/// # Safety
/// The CPU must support AVX2 and FMA; call it only from a function compiled with
/// `#[target_feature(enable = "avx2,fma")]` so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp_nonpositive(x: __m256) -> __m256 {
    // SAFETY: avx2+fma is this function's contract and exp_core's only requirement.
    unsafe {
        let y = exp_core(x);
        let y = _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_LO)), y);
        _mm256_blendv_ps(y, x, _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x))
    }
}

/// e^x per lane as 2^t, t = x log2(e), for x <= `EXP2_HI` ln 2 or NaN (attention's scores
/// minus their running max; the error grows with |x| as in `scalar::exp::exp_small`): the
/// degree-6 polynomial of 2^r on r = t - floor(t), then floor(t) added into the exponent
/// field. +0 below 2^-126, NaN for NaN (its bits pass the exponent addition unchanged); no
/// overflow handling.
///
/// # Safety
/// The CPU must support AVX2 and FMA; call it only from a function compiled with
/// `#[target_feature(enable = "avx2,fma")]` so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp_small(x: __m256) -> __m256 {
    // SAFETY: avx2+fma is this function's contract; these intrinsics only compute on
    // registers, no memory is touched.
    unsafe {
        let t = _mm256_mul_ps(x, _mm256_set1_ps(LOG2E));
        let n = _mm256_floor_ps(t);
        let r = _mm256_sub_ps(t, n);
        let mut p = _mm256_fmadd_ps(_mm256_set1_ps(P6), r, _mm256_set1_ps(P5));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P4));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P3));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P2));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P1));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0));
        // p is in [1, 2): adding n to its exponent field gives p * 2^n while that is normal.
        // NaN and -inf convert to 0x8000_0000, which the shift turns into 0.
        let scale = _mm256_slli_epi32::<23>(_mm256_cvttps_epi32(n));
        let y = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), scale));
        _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(t, _mm256_set1_ps(EXP2_LO)), y)
    }
}

/// Lane mask selecting the first `len` (< 8) lanes, for `_mm256_maskload_ps`/`maskstore`.
///
/// # Safety
/// The CPU must support AVX2; call it only from AVX2-enabled code so it inlines there.
#[inline(always)]
pub(crate) unsafe fn tail_mask(len: usize) -> __m256i {
    // SAFETY: avx2 is this function's contract; pure register computation.
    unsafe {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        _mm256_cmpgt_epi32(_mm256_set1_epi32(len as i32), lanes)
    }
}

/// Writes `e^x[i]` to `y[i]` for `i < n`, full vectors then one masked vector for the tail.
///
/// # Safety
/// - The CPU must support AVX2 and FMA (`Isa::Avx2` is only handed out after detection).
/// - `x` must be valid for `n` reads and `y` for `n` writes; they may be the same pointer.
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn exp_slice(x: *const f32, y: *mut f32, n: usize) {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: avx2+fma are enabled on this function; i + 8 <= n (loop bound) keeps the
        // load and the store inside the n elements the caller vouches for.
        unsafe {
            let v = exp(_mm256_loadu_ps(x.add(i)));
            _mm256_storeu_ps(y.add(i), v);
        }
        i += 8;
    }
    if i < n {
        // SAFETY: avx2+fma are enabled on this function; the mask selects lanes i..n only and
        // masked-off lanes are neither read nor written (no fault on them).
        unsafe {
            let mask = tail_mask(n - i);
            let v = exp(_mm256_maskload_ps(x.add(i), mask));
            _mm256_maskstore_ps(y.add(i), mask, v);
        }
    }
}
