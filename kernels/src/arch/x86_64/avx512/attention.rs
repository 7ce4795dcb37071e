//! AVX-512 attention pieces: the masked exponentials of a score tile (16 queries a vector),
//! and the entry points that compile the shared loops of `arch::attention_loop` for AVX-512.

use core::arch::x86_64::*;

use super::MatmulKernel;
use super::exp::exp_nonpositive;
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};

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
        // SAFETY: CPU feature: avx512f is enabled on this function. Bounds: the group's lanes
        // i + l < min(i + 16, cols) are in bounds of shift and sum (checked above) and
        // (j, i + l) is at j * ld + i + l <= (rows - 1) * ld + cols - 1 < st.len().
        unsafe {
            if i + 16 <= cols {
                exp_col_group::<true>(
                    base.add(i),
                    rows,
                    ld,
                    lanes(16),
                    shift.as_ptr().add(i),
                    sum.as_mut_ptr().add(i),
                );
            } else {
                let mask = lanes(cols - i);
                exp_col_group::<false>(
                    base.add(i),
                    rows,
                    ld,
                    mask,
                    shift.as_ptr().add(i),
                    sum.as_mut_ptr().add(i),
                );
            }
        }
    }
}

/// [`exp_cols`] for the (at most) 16 columns at `st`: plain loads and stores when `FULL`, the
/// lanes of `mask` otherwise (masked ones cost throughput even with every lane enabled).
///
/// # Safety
/// avx512f; the lanes `mask` selects (all 16 when `FULL`) of `shift`, `sum` and of the `rows`
/// rows `st + j * ld` are in bounds.
#[inline(always)]
unsafe fn exp_col_group<const FULL: bool>(
    st: *mut f32,
    rows: usize,
    ld: usize,
    mask: __mmask16,
    shift: *const f32,
    sum: *mut f32,
) {
    // SAFETY: CPU feature: the caller's avx512f. Bounds: the caller's, lane by lane; masked-off
    // lanes are not accessed and cannot fault.
    unsafe {
        let sh = load::<FULL>(mask, shift);
        let mut acc = _mm512_setzero_ps();
        for j in 0..rows {
            let ptr = st.add(j * ld);
            let e = exp_nonpositive(_mm512_sub_ps(load::<FULL>(mask, ptr), sh));
            store::<FULL>(mask, ptr, e);
            acc = _mm512_add_ps(acc, e);
        }
        store::<FULL>(mask, sum, _mm512_add_ps(load::<FULL>(mask, sum), acc));
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
        // SAFETY: CPU feature: avx512f is enabled on this function. Bounds: lanes i + l <
        // min(i + 16, cols) <= max.len(); element (j, i + l) is at j * ld + i + l <= (rows - 1) *
        // ld + cols - 1 < st.len() (checked above).
        unsafe {
            let (src, out) = (st.as_ptr().add(i), max.as_mut_ptr().add(i));
            if i + 16 <= cols {
                max_col_group::<true>(src, rows, ld, lanes(16), out);
            } else {
                max_col_group::<false>(src, rows, ld, lanes(cols - i), out);
            }
        }
    }
}

/// [`max_cols`] for the (at most) 16 columns at `st`, unmasked when `FULL`.
///
/// # Safety
/// avx512f; the lanes `mask` selects (all 16 when `FULL`) of `max` and of the `rows` rows
/// `st + j * ld` are in bounds.
#[inline(always)]
unsafe fn max_col_group<const FULL: bool>(
    st: *const f32,
    rows: usize,
    ld: usize,
    mask: __mmask16,
    max: *mut f32,
) {
    // SAFETY: CPU feature: the caller's avx512f. Bounds: the caller's, lane by lane.
    unsafe {
        let mut acc = load::<FULL>(mask, max);
        for j in 0..rows {
            acc = _mm512_max_ps(acc, load::<FULL>(mask, st.add(j * ld)));
        }
        store::<FULL>(mask, max, acc);
    }
}

/// The 16 floats at `ptr`, or (unless `FULL`) the lanes of `mask`, others 0.
///
/// # Safety
/// avx512f; the lanes `mask` selects (all 16 when `FULL`) are readable.
#[inline(always)]
unsafe fn load<const FULL: bool>(mask: __mmask16, ptr: *const f32) -> __m512 {
    // SAFETY: the caller's obligations, which are this function's.
    unsafe { if FULL { _mm512_loadu_ps(ptr) } else { _mm512_maskz_loadu_ps(mask, ptr) } }
}

/// Writes the 16 lanes of `v` to `ptr`, or (unless `FULL`) only those of `mask`.
///
/// # Safety
/// avx512f; the lanes `mask` selects (all 16 when `FULL`) are writable.
#[inline(always)]
unsafe fn store<const FULL: bool>(mask: __mmask16, ptr: *mut f32, v: __m512) {
    // SAFETY: the caller's obligations, which are this function's.
    unsafe {
        if FULL {
            _mm512_storeu_ps(ptr, v);
        } else {
            _mm512_mask_storeu_ps(ptr, mask, v);
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
