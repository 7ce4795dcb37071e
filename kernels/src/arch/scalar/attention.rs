//! Scalar attention pieces: the masked exponentials of a score tile, and the entry points of
//! the shared loops in `arch::attention_loop` (no target features to enable here).

use super::MatmulKernel;
use super::exp::exp_small;
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};

/// `st[j * ld + i] = e^(st[j * ld + i] - shift[i])` for `j < rows`, `i < cols`, adding each
/// column's values to `sum[i]` in row order. -inf differences give exactly 0.
pub(crate) fn exp_cols(st: &mut [f32], rows: usize, cols: usize, ld: usize, shift: &[f32], sum: &mut [f32]) {
    let n = cols.min(shift.len()).min(sum.len());
    let (shift, sum) = (&shift[..n], &mut sum[..n]);
    for row in st.chunks_mut(ld).take(rows) {
        for ((x, &sh), acc) in row.iter_mut().zip(shift).zip(sum.iter_mut()) {
            *x = exp_small(*x - sh);
            *acc += *x;
        }
    }
}

/// `max[i] = max(max[i], st[j * ld + i] for j < rows)` for `i < cols`.
pub(crate) fn max_cols(st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
    let n = cols.min(max.len());
    let max = &mut max[..n];
    for row in st.chunks(ld).take(rows) {
        for (m, &x) in max.iter_mut().zip(row) {
            *m = if x > *m { x } else { *m };
        }
    }
}

impl AttnKernel for MatmulKernel {
    fn forward_block(self, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
        attention_loop::forward_block(self, p, blk, scratch);
    }

    fn backward_group(self, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
        attention_loop::backward_group(self, p, task, scratch);
    }

    #[inline(always)]
    fn exp_cols(self, st: &mut [f32], rows: usize, cols: usize, ld: usize, shift: &[f32], sum: &mut [f32]) {
        exp_cols(st, rows, cols, ld, shift, sum);
    }

    #[inline(always)]
    fn max_cols(self, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
        max_cols(st, rows, cols, ld, max);
    }
}
