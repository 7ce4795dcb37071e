//! The portable fallback: plain Rust tile arithmetic that the compiler may vectorise for the
//! baseline target, driven by the same blocked loop nest as the SIMD kernels.

pub(crate) mod attention;
pub(crate) mod exp;
pub(crate) mod peak;
pub(crate) mod softmax;

use super::gemm_loop::{self, GemmKernel, Job, Scale, Tile, Workspace};
use crate::MatRef;

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
    fn kernel(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut tile: Tile<'_>) {
        let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
        if rows > MR || cols > NR || b.rows() != k || tile.rows() != rows || tile.cols() != cols {
            return;
        }
        let (a_data, a_rs, a_cs) = (a.as_slice(), a.row_stride(), a.col_stride());
        let (b_data, b_rs, b_cs) = (b.as_slice(), b.row_stride(), b.col_stride());
        let mut acc = [[0.0f32; NR]; MR];
        if rows == MR && cols == NR && b_cs == 1 {
            full_tile(&mut acc, a_data, a_rs, a_cs, b_data, b_rs, k);
        } else {
            for p in 0..k {
                let mut b_row = [0.0f32; NR];
                for (j, slot) in b_row.iter_mut().enumerate().take(cols) {
                    *slot = b_data[p * b_rs + j * b_cs];
                }
                for (i, acc_i) in acc.iter_mut().enumerate().take(rows) {
                    let a_ip = a_data[i * a_rs + p * a_cs];
                    for (acc_ij, &b_pj) in acc_i.iter_mut().zip(&b_row) {
                        *acc_ij += a_ip * b_pj;
                    }
                }
            }
        }
        tile.store_from(acc.as_flattened(), NR, scale);
    }
}

/// The full `MR x NR` tile with B rows contiguous. A function of its own so the optimiser sees
/// a small loop: fixed-size B rows, A's column gathered before the arithmetic (no bounds
/// check, so no possible panic, among the multiply-adds) and accumulators that stay in
/// vector registers.
#[inline(never)]
fn full_tile(
    acc: &mut [[f32; NR]; MR],
    a_data: &[f32],
    a_rs: usize,
    a_cs: usize,
    b_data: &[f32],
    b_rs: usize,
    k: usize,
) {
    let mut sums = *acc;
    for p in 0..k {
        let Some(b_row) =
            b_data.get(p * b_rs..p * b_rs + NR).and_then(|row| <&[f32; NR]>::try_from(row).ok())
        else {
            return;
        };
        let a_col: [f32; MR] =
            std::array::from_fn(|i| a_data.get(i * a_rs + p * a_cs).copied().unwrap_or(0.0));
        for (sum_i, &a_ip) in sums.iter_mut().zip(&a_col) {
            for (sum_ij, &b_pj) in sum_i.iter_mut().zip(b_row) {
                *sum_ij += a_ip * b_pj;
            }
        }
    }
    *acc = sums;
}
