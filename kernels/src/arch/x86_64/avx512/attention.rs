//! AVX-512 attention: the entry points that compile the shared loops of
//! `arch::attention_loop` for AVX-512, with the score tiles' column sweeps
//! (`x86_64::attention_cols`) on 16-lane vectors, a query per lane.

use super::MatmulKernel;
use super::softmax::F32x16;
use crate::arch::attention_loop::{self, AttnKernel, GroupTask, Problem, QueryBlock, Scratch};
use crate::arch::x86_64::attention_cols;

impl AttnKernel for MatmulKernel {
    #[inline]
    fn forward_block(self, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller
        // saw avx512f/avx512dq/avx2/fma. Bounds: `forward_avx512` is safe code with no other obligation.
        unsafe { forward_avx512(self, p, blk, scratch) }
    }

    #[inline]
    fn backward_group(self, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
        // SAFETY: CPU feature: as in `forward_block`. Bounds: `backward_avx512` is safe code.
        unsafe { backward_avx512(self, p, task, scratch) }
    }

    #[inline(always)]
    fn exp_cols(self, st: &mut [f32], rows: usize, cols: usize, ld: usize, shift: &[f32], sum: &mut [f32]) {
        attention_cols::exp_cols(vector(self), st, rows, cols, ld, shift, sum);
    }

    #[inline(always)]
    fn max_cols(self, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
        attention_cols::max_cols(vector(self), st, rows, cols, ld, max);
    }
}

/// The forward loop compiled for AVX-512.
#[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
fn forward_avx512(kernel: MatmulKernel, p: &Problem<'_>, blk: QueryBlock<'_>, scratch: &mut Scratch) {
    attention_loop::forward_block(kernel, p, blk, scratch);
}

/// The backward loop compiled for AVX-512.
#[target_feature(enable = "avx512f,avx512dq,avx2,fma")]
fn backward_avx512(kernel: MatmulKernel, p: &Problem<'_>, task: GroupTask<'_>, scratch: &mut Scratch) {
    attention_loop::backward_group(kernel, p, task, scratch);
}

/// The vector token the shared column sweeps run on.
#[inline(always)]
fn vector(_proof: MatmulKernel) -> F32x16 {
    // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller saw
    // avx512f and avx512dq, all that `F32x16` stands for. Bounds: no memory is touched.
    unsafe { F32x16::new_unchecked() }
}
