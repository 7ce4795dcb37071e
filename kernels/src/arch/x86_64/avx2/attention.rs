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

    attention_cols::vector_sweeps!();
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
