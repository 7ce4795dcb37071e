//! AVX-512 e^x: 16 lanes, FMA Cody-Waite reduction, degree-6 polynomial, `vscalefps` for 2^n
//! (which also produces overflow to inf); results below the normal range are zeroed by the
//! scale's mask.
//!
//! `exp` and `exp_nonpositive` are `#[inline(always)]` building blocks for any AVX-512 kernel
//! that needs e^x in its inner loop (softmax here, attention later).

use core::arch::x86_64::*;

use crate::arch::scalar::exp::{
    C2, C3, C4, C5, C6, EXP_CLAMP_HI, EXP_LO, EXP2_LO, LN2_HI, LN2_LO, LOG2E, P1, P2, P3, P4, P5, P6,
    ROUND_MAGIC,
};

/// e^x per lane for x <= EXP_CLAMP_HI or NaN, and +0 in the lanes outside `keep` (which
/// must hold every lane below EXP_LO: their reduction may overflow into inf or NaN).
///
/// # Safety
/// The CPU must support AVX-512F; call it only from a function compiled with
/// `#[target_feature(enable = "avx512f")]` so it inlines into that code.
#[inline(always)]
unsafe fn exp_clamped(x: __m512, keep: __mmask16) -> __m512 {
    // SAFETY: the caller guarantees avx512f (this function's contract); these intrinsics only
    // compute on registers, no memory is touched.
    unsafe {
        let t = _mm512_fmadd_ps(x, _mm512_set1_ps(LOG2E), _mm512_set1_ps(ROUND_MAGIC));
        let n = _mm512_sub_ps(t, _mm512_set1_ps(ROUND_MAGIC));
        let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), x);
        let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
        let mut p = _mm512_fmadd_ps(_mm512_set1_ps(C6), r, _mm512_set1_ps(C5));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(C4));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(C3));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(C2));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0));
        // Zeroing the underflow lanes instead of letting vscalefps produce subnormals keeps
        // the hardware off its slow microcode path (an exp(-inf) per masked logit would
        // otherwise cost ~100 cycles).
        _mm512_maskz_scalef_ps(keep, p, n)
    }
}

/// e^x per lane: inf above ~88.72, +0 below ~-87.34 (where e^x is no longer a normal f32),
/// NaN for NaN.
///
/// # Safety
/// The CPU must support AVX-512F; call it only from a function compiled with
/// `#[target_feature(enable = "avx512f")]` so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp(x: __m512) -> __m512 {
    // SAFETY: avx512f is this function's contract and exp_clamped's only requirement.
    unsafe {
        // Not-less-than, unordered: true for NaN, so NaN lanes are kept (and propagate).
        // Lanes below EXP_LO (-inf included) may compute garbage; the mask zeroes them.
        let keep = _mm512_cmp_ps_mask::<_CMP_NLT_UQ>(x, _mm512_set1_ps(EXP_LO));
        // min returns its second operand when one is NaN, so NaN lanes pass through.
        exp_clamped(_mm512_min_ps(_mm512_set1_ps(EXP_CLAMP_HI), x), keep)
    }
}

/// e^x per lane for x <= 0 or NaN (softmax's x - max): without the overflow clamp of [`exp`].
/// -inf gives 0 and NaN gives NaN.
///
/// # Safety
/// The CPU must support AVX-512F; call it only from a function compiled with
/// `#[target_feature(enable = "avx512f")]` so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp_nonpositive(x: __m512) -> __m512 {
    // SAFETY: avx512f is this function's contract and exp_clamped's only requirement.
    unsafe {
        // Lanes below EXP_LO (-inf included) may compute garbage; the mask zeroes them.
        let keep = _mm512_cmp_ps_mask::<_CMP_NLT_UQ>(x, _mm512_set1_ps(EXP_LO));
        exp_clamped(x, keep)
    }
}

/// e^x per lane as 2^t, t = x log2(e), for x <= `EXP2_HI` ln 2 or NaN (attention's scores
/// minus their running max; the error grows with |x| as in `scalar::exp::exp_small`):
/// `vreduceps` gives t - floor(t) in one instruction, the degree-6 polynomial takes 2^ of that
/// on [0, 1), and `vscalefps` multiplies by 2^floor(t). +0 below 2^-126 (where the result is
/// no longer a normal f32), NaN for NaN; no overflow handling.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512DQ; call it only from a function compiled with
/// both enabled so it inlines into that code.
#[inline(always)]
pub(crate) unsafe fn exp_small(x: __m512) -> __m512 {
    // SAFETY: avx512f and avx512dq are this function's contract; these intrinsics only compute
    // on registers, no memory is touched.
    unsafe {
        let t = _mm512_mul_ps(x, _mm512_set1_ps(LOG2E));
        // Not-less-than, unordered: true for NaN, so NaN lanes are kept (and propagate).
        let keep = _mm512_cmp_ps_mask::<_CMP_NLT_UQ>(t, _mm512_set1_ps(EXP2_LO));
        // imm8 0x09: keep 0 fraction bits, round down, suppress the precision exception.
        let r = _mm512_reduce_ps::<0x09>(t);
        let mut p = _mm512_fmadd_ps(_mm512_set1_ps(P6), r, _mm512_set1_ps(P5));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P4));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P3));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P2));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P1));
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0));
        _mm512_maskz_scalef_ps(keep, p, t)
    }
}

/// Writes `e^x[i]` to `y[i]` for `i < n`, full vectors then one masked vector for the tail.
///
/// # Safety
/// - The CPU must support AVX-512F (`Isa::Avx512` is only handed out after detection).
/// - `x` must be valid for `n` reads and `y` for `n` writes; they may be the same pointer.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn exp_slice(x: *const f32, y: *mut f32, n: usize) {
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: avx512f is enabled on this function; i + 16 <= n (loop bound) keeps the load
        // and the store inside the n elements the caller vouches for.
        unsafe {
            let v = exp(_mm512_loadu_ps(x.add(i)));
            _mm512_storeu_ps(y.add(i), v);
        }
        i += 16;
    }
    if i < n {
        let mask: __mmask16 = ((1u32 << (n - i)) - 1) as u16;
        // SAFETY: avx512f is enabled on this function; the mask covers lanes i..n only, and
        // masked-off lanes are neither read nor written (no fault on them).
        unsafe {
            let v = exp(_mm512_maskz_loadu_ps(mask, x.add(i)));
            _mm512_mask_storeu_ps(y.add(i), mask, v);
        }
    }
}
