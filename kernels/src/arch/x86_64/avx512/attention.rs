//! AVX-512 attention pieces: the masked exponentials of a score tile (16 queries a vector),
//! and the entry points that compile the shared loops of `arch::attention_loop` for AVX-512.

use core::arch::x86_64::*;

use super::MatmulKernel;
use super::exp::exp_nonpositive;
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};
use crate::arch::scalar::exp::EXP_LO;

/// Lane mask selecting the first `n` (at most 16) lanes.
#[inline(always)]
fn lanes(n: usize) -> __mmask16 {
    if n >= 16 { 0xffff } else { (1u16 << n) - 1 }
}

/// `st[j * ld + i] = e^(st[j * ld + i] - shift[i])` for `j < rows`, `i < cols`, adding each
/// column's values to `sum[i]` in row order. -inf differences give exactly 0, as does any
/// result below the normal range (every difference is at most a rounding error above 0: the
/// shift is the column max or the lse).
/// Arguments that do not fit leave `st` untouched.
///
/// # Safety
/// The CPU must support avx512f (`Isa::Avx512` is available).
#[target_feature(enable = "avx512f,avx2,fma")]
pub(crate) unsafe fn exp_cols(
    st: &mut [f32],
    rows: usize,
    cols: usize,
    ld: usize,
    shift: &[f32],
    sum: &mut [f32],
) {
    if rows == 0
        || cols == 0
        || ld < cols
        || shift.len() < cols
        || sum.len() < cols
        || st.len() < (rows - 1) * ld + cols
    {
        return;
    }
    let base = st.as_mut_ptr();
    for i in (0..cols).step_by(16) {
        let mask = lanes(cols - i);
        // SAFETY: CPU feature: avx512f is enabled on this function. Bounds: lane l is live only if
        // i + l < cols <= shift.len(), sum.len(); (j, i + l) is at j * ld + i + l <= (rows - 1) * ld
        // + cols - 1 < st.len() (checked above); masked-off lanes are not accessed and cannot fault.
        unsafe {
            let sh = _mm512_maskz_loadu_ps(mask, shift.as_ptr().add(i));
            let lo = _mm512_set1_ps(EXP_LO);
            let mut acc = _mm512_setzero_ps();
            for j in 0..rows {
                let ptr = base.add(j * ld + i);
                let x = _mm512_sub_ps(_mm512_maskz_loadu_ps(mask, ptr), sh);
                // Results below the normal range (masked scores above all) are set to 0 by a
                // select instead of letting vscalefps underflow: every underflowing or
                // subnormal result costs a microcode assist, which made causal tiles as slow
                // as full ones. The flushed values are < 2^-126 against a sum >= 1.
                let normal = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(x, lo);
                let e = _mm512_maskz_mov_ps(normal, exp_nonpositive(_mm512_max_ps(x, lo)));
                _mm512_mask_storeu_ps(ptr, mask, e);
                acc = _mm512_add_ps(acc, e);
            }
            let s = sum.as_mut_ptr().add(i);
            _mm512_mask_storeu_ps(s, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, s), acc));
        }
    }
}

/// `max[i] = max(max[i], st[j * ld + i] for j < rows)` for `i < cols`: a lane per column.
/// Arguments that do not fit leave `max` untouched.
///
/// # Safety
/// The CPU must support avx512f (`Isa::Avx512` is available).
#[target_feature(enable = "avx512f,avx2,fma")]
pub(crate) unsafe fn max_cols(st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
    if rows == 0 || cols == 0 || ld < cols || max.len() < cols || st.len() < (rows - 1) * ld + cols {
        return;
    }
    for i in (0..cols).step_by(16) {
        let mask = lanes(cols - i);
        // SAFETY: CPU feature: avx512f is enabled on this function. Bounds: the mask enables lane l only when
        // i + l < cols <= max.len(); element (j, i + l) is at j * ld + i + l <= (rows - 1) * ld + cols - 1 <
        // st.len() (checked above). Masked-off lanes are not accessed and cannot fault.
        unsafe {
            let out = max.as_mut_ptr().add(i);
            let mut acc = _mm512_maskz_loadu_ps(mask, out);
            for j in 0..rows {
                acc = _mm512_max_ps(acc, _mm512_maskz_loadu_ps(mask, st.as_ptr().add(j * ld + i)));
            }
            _mm512_mask_storeu_ps(out, mask, acc);
        }
    }
}

impl AttnKernel for MatmulKernel {
    #[inline]
    fn forward_block(self, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller
        // saw avx512f/avx2/fma. Bounds: `forward_avx512` is safe code with no other obligation.
        unsafe { forward_avx512(self, p, blk, scratch) }
    }

    #[inline]
    fn backward_group(self, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: as in `forward_block`. Bounds: `backward_avx512` is safe code.
        unsafe { backward_avx512(self, p, task, scratch) }
    }

    #[inline(always)]
    fn exp_cols(self, st: &mut [f32], rows: usize, cols: usize, ld: usize, shift: &[f32], sum: &mut [f32]) {
        // SAFETY: CPU feature: `self` proves avx512f (see `MatmulKernel::new_unchecked`).
        // Bounds: `exp_cols` checks its slices itself.
        unsafe { exp_cols(st, rows, cols, ld, shift, sum) }
    }

    #[inline(always)]
    fn max_cols(self, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
        // SAFETY: CPU feature: `self` proves avx512f (see `MatmulKernel::new_unchecked`).
        // Bounds: `max_cols` checks its slices itself.
        unsafe { max_cols(st, rows, cols, ld, max) }
    }
}

/// The forward loop compiled for AVX-512.
#[target_feature(enable = "avx512f,avx2,fma")]
fn forward_avx512(kernel: MatmulKernel, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
    attention_loop::forward_block(kernel, p, blk, scratch);
}

/// The backward loop compiled for AVX-512.
#[target_feature(enable = "avx512f,avx2,fma")]
fn backward_avx512(kernel: MatmulKernel, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
    attention_loop::backward_group(kernel, p, task, scratch);
}
