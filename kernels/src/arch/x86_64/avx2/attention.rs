//! AVX2+FMA attention pieces: the masked exponentials of a score tile (8 queries a vector),
//! and the entry points that compile the shared loops of `arch::attention_loop` for AVX2.

use core::arch::x86_64::*;

use super::MatmulKernel;
use super::exp::{exp_nonpositive, tail_mask};
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};

/// `st[j * ld + i] = e^(st[j * ld + i] - shift[i])` for `j < rows`, `i < cols`, adding each
/// column's values to `sum[i]` in row order. -inf differences give exactly 0 (and every
/// difference is at most a rounding error above 0: the shift is the column max or the lse).
/// Arguments that do not fit leave `st` untouched.
///
/// # Safety
/// The CPU must support avx2 and fma (`Isa::Avx2` is available).
#[target_feature(enable = "avx2,fma")]
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
    for i in (0..cols).step_by(8) {
        // SAFETY: CPU feature: avx2 and fma are enabled on this function. Bounds: lane l is live only
        // if i + l < cols <= shift.len(), sum.len(); (j, i + l) is at j * ld + i + l <= (rows - 1) * ld
        // + cols - 1 < st.len() (checked above); masked-off lanes are not accessed and cannot fault.
        unsafe {
            let mask = tail_mask((cols - i).min(8));
            let sh = _mm256_maskload_ps(shift.as_ptr().add(i), mask);
            let mut acc = _mm256_setzero_ps();
            for j in 0..rows {
                let ptr = base.add(j * ld + i);
                let e = exp_nonpositive(_mm256_sub_ps(_mm256_maskload_ps(ptr, mask), sh));
                _mm256_maskstore_ps(ptr, mask, e);
                acc = _mm256_add_ps(acc, e);
            }
            let s = sum.as_mut_ptr().add(i);
            _mm256_maskstore_ps(s, mask, _mm256_add_ps(_mm256_maskload_ps(s, mask), acc));
        }
    }
}

/// `max[i] = max(max[i], st[j * ld + i] for j < rows)` for `i < cols`: a lane per column.
/// Arguments that do not fit leave `max` untouched.
///
/// # Safety
/// The CPU must support avx2 and fma (`Isa::Avx2` is available).
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn max_cols(st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
    if rows == 0 || cols == 0 || ld < cols || max.len() < cols || st.len() < (rows - 1) * ld + cols {
        return;
    }
    for i in (0..cols).step_by(8) {
        // SAFETY: CPU feature: avx2 and fma are enabled on this function. Bounds: the mask enables lane l
        // only when i + l < cols <= max.len(); element (j, i + l) is at j * ld + i + l <= (rows - 1) * ld +
        // cols - 1 < st.len() (checked above). Masked-off lanes are not accessed and cannot fault.
        unsafe {
            let mask = tail_mask((cols - i).min(8));
            let out = max.as_mut_ptr().add(i);
            let mut acc = _mm256_maskload_ps(out, mask);
            for j in 0..rows {
                acc = _mm256_max_ps(acc, _mm256_maskload_ps(st.as_ptr().add(j * ld + i), mask));
            }
            _mm256_maskstore_ps(out, mask, acc);
        }
    }
}

impl AttnKernel for MatmulKernel {
    #[inline]
    fn forward_block(self, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller
        // saw avx2 and fma. Bounds: `forward_avx2` is safe code with no other obligation.
        unsafe { forward_avx2(self, p, blk, scratch) }
    }

    #[inline]
    fn backward_group(self, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: as in `forward_block`. Bounds: `backward_avx2` is safe code.
        unsafe { backward_avx2(self, p, task, scratch) }
    }

    #[inline(always)]
    fn exp_cols(self, st: &mut [f32], rows: usize, cols: usize, ld: usize, shift: &[f32], sum: &mut [f32]) {
        // SAFETY: CPU feature: `self` proves avx2 and fma (see `MatmulKernel::new_unchecked`).
        // Bounds: `exp_cols` checks its slices itself.
        unsafe { exp_cols(st, rows, cols, ld, shift, sum) }
    }

    #[inline(always)]
    fn max_cols(self, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
        // SAFETY: CPU feature: `self` proves avx2 and fma (see `MatmulKernel::new_unchecked`).
        // Bounds: `max_cols` checks its slices itself.
        unsafe { max_cols(st, rows, cols, ld, max) }
    }
}

/// The forward loop compiled for AVX2+FMA.
#[target_feature(enable = "avx2,fma")]
fn forward_avx2(kernel: MatmulKernel, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
    attention_loop::forward_block(kernel, p, blk, scratch);
}

/// The backward loop compiled for AVX2+FMA.
#[target_feature(enable = "avx2,fma")]
fn backward_avx2(kernel: MatmulKernel, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
    attention_loop::backward_group(kernel, p, task, scratch);
}
