//! AVX-512 scaling for the shared exponentials (`generic::exp`): `vscalefps` multiplies by 2^n
//! and produces overflow to inf itself; its zeroing mask flushes results below the normal
//! range, and `vreduceps` (AVX-512DQ) takes `t - floor(t)` in one instruction for exp2.

use core::arch::x86_64::*;

use super::Avx512;
use crate::arch::generic::exp::{EXP_CLAMP_HI, EXP_LO, EXP2_LO, poly_2, poly_e, reduce};

/// e^x per lane for x <= EXP_CLAMP_HI or NaN, and +0 in the lanes outside `keep` (which
/// must hold every lane below EXP_LO: their reduction may overflow into inf or NaN).
#[inline(always)]
fn exp_clamped(k: Avx512, x: __m512, keep: __mmask16) -> __m512 {
    let (_, n, r) = reduce(k, x);
    let p = poly_e(k, r);
    // Zeroing the underflow lanes instead of letting vscalefps produce subnormals keeps the
    // hardware off its slow microcode path (an exp(-inf) per masked logit would otherwise
    // cost ~100 cycles).
    x86!(_mm512_maskz_scalef_ps(keep, p, n))
}

/// e^x per lane: inf above ~88.72, +0 below ~-87.34 (where e^x is no longer a normal f32),
/// NaN for NaN.
#[inline(always)]
pub(super) fn exp(k: Avx512, x: __m512) -> __m512 {
    // Not-less-than, unordered: true for NaN, so NaN lanes are kept (and propagate).
    // Lanes below EXP_LO (-inf included) may compute garbage; the mask zeroes them.
    let keep = x86!(_mm512_cmp_ps_mask::<_CMP_NLT_UQ>(x, _mm512_set1_ps(EXP_LO)));
    // min returns its second operand when one is NaN, so NaN lanes pass through.
    exp_clamped(k, x86!(_mm512_min_ps(_mm512_set1_ps(EXP_CLAMP_HI), x)), keep)
}

/// e^x per lane for x <= 0 or NaN (softmax's x - max): without the overflow clamp of [`exp`].
/// -inf gives 0 and NaN gives NaN.
#[inline(always)]
pub(super) fn exp_nonpositive(k: Avx512, x: __m512) -> __m512 {
    // Lanes below EXP_LO (-inf included) may compute garbage; the mask zeroes them.
    let keep = x86!(_mm512_cmp_ps_mask::<_CMP_NLT_UQ>(x, _mm512_set1_ps(EXP_LO)));
    exp_clamped(k, x, keep)
}

/// 2^t per lane for t <= `EXP2_HI` or NaN: `vreduceps` gives t - floor(t), the shared
/// polynomial takes 2^ of that on [0, 1), and `vscalefps` multiplies by 2^floor(t). +0 below
/// 2^-126 (where the result is no longer a normal f32), NaN for NaN; no overflow handling.
#[inline(always)]
pub(super) fn exp2(k: Avx512, t: __m512) -> __m512 {
    // Not-less-than, unordered: true for NaN, so NaN lanes are kept (and propagate).
    let keep = x86!(_mm512_cmp_ps_mask::<_CMP_NLT_UQ>(t, _mm512_set1_ps(EXP2_LO)));
    // imm8 0x09: keep 0 fraction bits, round down, suppress the precision exception.
    let r = x86!(_mm512_reduce_ps::<0x09>(t));
    let p = poly_2(k, r);
    x86!(_mm512_maskz_scalef_ps(keep, p, t))
}
