//! AVX-512 vector operations ([`Vector`], 16 lanes), on which every generic sweep runs. Tails
//! use masked loads (filled with the fill value) and masked stores.

use core::arch::x86_64::*;

use super::exp::{exp, exp_nonpositive, exp2};
use super::{Avx512, lanes};
use crate::arch::Vector;

impl Vector for Avx512 {
    type V = __m512;
    type Mask = __mmask16;
    const LANES: usize = 16;
    const FMA: bool = true;

    arithmetic!(
        __m512,
        __mmask16,
        _mm512_set1_ps,
        _mm512_cmp_ps_mask,
        _mm512_or_ps,
        _mm512_rcp14_ps,
        binary: [add _mm512_add_ps, sub _mm512_sub_ps, mul _mm512_mul_ps, div _mm512_div_ps, max _mm512_max_ps],
        ternary: [mul_add _mm512_fmadd_ps, neg_mul_add _mm512_fnmadd_ps]
    );

    #[inline(always)]
    fn select(self, mask: __mmask16, a: __m512, b: __m512) -> __m512 {
        x86!(_mm512_mask_mov_ps(b, mask, a))
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
        x86!(_mm512_reduce_max_ps(v))
    }
    #[inline(always)]
    fn reduce_add(self, v: __m512) -> f32 {
        x86!(_mm512_reduce_add_ps(v))
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
        unsafe { _mm512_mask_loadu_ps(fill, lanes(len), p) }
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
        unsafe { _mm512_mask_storeu_ps(p, lanes(len), v) }
    }
    #[inline(always)]
    unsafe fn store_stream(self, p: *mut f32, v: __m512) {
        // SAFETY: CPU feature: `self` proves avx512f. Bounds: the caller's, 16 writable floats
        // aligned to 64 bytes.
        unsafe { _mm512_stream_ps(p, v) }
    }
}
