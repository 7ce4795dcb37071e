//! The portable fallback: plain Rust tile arithmetic that the compiler may vectorise for the
//! baseline target, driven by the same blocked loop nest as the SIMD kernels.

use super::gemm_loop::{self, GemmKernel, Job, Scale, Tile, Workspace};

/// The portable microkernel; runs on every CPU.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MatmulKernel;

const MR: usize = 4;
const NR: usize = 8;

impl GemmKernel for MatmulKernel {
    const MR: usize = MR;
    const NR: usize = NR;

    fn serial(self, job: Job<'_>, ws: &mut Workspace) {
        gemm_loop::serial(self, job, ws);
    }

    #[inline(always)]
    fn kernel(self, a: &[f32], b: &[f32], k: usize, scale: Scale, mut tile: Tile<'_>) {
        let mut acc = [[0.0f32; NR]; MR];
        for (col, row) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(k) {
            for (acc_i, &a_i) in acc.iter_mut().zip(col) {
                for (acc_ij, &b_j) in acc_i.iter_mut().zip(row) {
                    *acc_ij += a_i * b_j;
                }
            }
        }
        tile.store_from(acc.as_flattened(), NR, scale);
    }
}
