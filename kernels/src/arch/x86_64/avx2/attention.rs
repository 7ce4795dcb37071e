//! AVX2+FMA attention: the entry points that compile the shared loops of
//! `arch::attention_loop` for AVX2, with the score tiles' column sweeps
//! (`x86_64::attention_cols`) on 8-lane vectors, a query per lane.

use super::MatmulKernel;
use super::softmax::F32x8;
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};
use crate::arch::x86_64::attention_cols;

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
        attention_cols::exp_cols(vector(self), st, rows, cols, ld, shift, sum);
    }

    #[inline(always)]
    fn max_cols(self, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
        attention_cols::max_cols(vector(self), st, rows, cols, ld, max);
    }

    #[inline(always)]
    fn weighted_rows(self, w: &[f32], stride: usize, rows: &[f32], d: usize, out: &mut [f32]) {
        attention_cols::weighted_rows(vector(self), w, stride, rows, d, out);
    }

    #[inline(always)]
    fn max_row(self, x: &[f32], init: f32) -> f32 {
        attention_cols::max_row(vector(self), x, init)
    }

    #[inline(always)]
    fn exp_row(self, x: &mut [f32], shift: f32) -> f32 {
        attention_cols::exp_row(vector(self), x, shift)
    }

    #[inline(always)]
    fn dot_rows(self, rows: &[f32], d: usize, x: &[f32], scale: f32, out: &mut [f32], stride: usize) {
        attention_cols::dot_rows(vector(self), rows, d, x, scale, out, stride);
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

/// The vector token the shared column sweeps run on.
#[inline(always)]
fn vector(_proof: MatmulKernel) -> F32x8 {
    // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller saw
    // avx2 and fma, all that `F32x8` stands for. Bounds: no memory is touched.
    unsafe { F32x8::new_unchecked() }
}
