//! AVX2+FMA microkernel: a 6 x 16 tile of C in 12 ymm accumulators, B loaded as two vectors
//! per step of k and A broadcast from memory. Partial tiles go through a spill buffer.

use core::arch::x86_64::*;

use crate::arch::gemm_loop::{self, GemmKernel, Job, Scale, Tile, Workspace};

const MR: usize = 6;
const NR: usize = 16;

/// Proof that this CPU runs avx2 and fma; the only way to reach this module's kernels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MatmulKernel {
    _proof: (),
}

impl MatmulKernel {
    /// # Safety
    ///
    /// The CPU must support `avx2` and `fma` (`Isa::Avx2` is available).
    pub(crate) unsafe fn new_unchecked() -> Self {
        MatmulKernel { _proof: () }
    }
}

impl GemmKernel for MatmulKernel {
    const MR: usize = MR;
    const NR: usize = NR;

    #[inline]
    fn serial(self, job: Job<'_>, ws: &mut Workspace) {
        // SAFETY: CPU feature: a `MatmulKernel` exists only after `new_unchecked`, whose caller
        // saw avx2 and fma. Bounds: `serial_avx2` is safe code with no other obligation.
        unsafe { serial_avx2(self, job, ws) }
    }

    #[inline(always)]
    fn kernel(self, a: &[f32], b: &[f32], k: usize, scale: Scale, mut tile: Tile<'_>) {
        if a.len() < MR * k || b.len() < NR * k {
            return;
        }
        let acc = {
            // SAFETY: CPU feature: `self` proves avx2+fma (see `new_unchecked`). Bounds: the
            // kernel reads a[..MR * k] and b[..NR * k], both checked just above.
            unsafe { accumulate(a.as_ptr(), b.as_ptr(), k) }
        };
        // SAFETY: CPU feature: as above. Bounds: `Tile` guarantees (i, j) is inside its data for
        // i < rows, j < cols, and full-width stores happen only when cols == NR.
        unsafe { store(&acc, scale, &mut tile) }
    }
}

/// The whole blocked loop nest compiled for AVX2+FMA.
#[target_feature(enable = "avx2,fma")]
fn serial_avx2(kernel: MatmulKernel, job: Job<'_>, ws: &mut Workspace) {
    gemm_loop::serial(kernel, job, ws);
}

/// Sums `a[.., p] * b[p, ..]` over `p < k` into MR x 2 ymm registers.
///
/// # Safety
///
/// The CPU supports avx2 and fma; `a` points to `MR * k` readable floats and `b` to `NR * k`.
#[inline(always)]
unsafe fn accumulate(a: *const f32, b: *const f32, k: usize) -> [[__m256; 2]; MR] {
    // SAFETY: CPU feature: the caller's avx2+fma obligation. Bounds: p < k, so the loads at
    // b + p * NR .. b + (p + 1) * NR and the broadcast of a[p * MR + i] (i < MR) stay within
    // the NR * k and MR * k floats the caller guarantees.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); 2]; MR];
        for p in 0..k {
            let (b0, b1) = {
                (
                    _mm256_loadu_ps(b.add(p * NR)),
                    _mm256_loadu_ps(b.add(p * NR + 8)),
                )
            };
            for (i, acc_i) in acc.iter_mut().enumerate() {
                let a_i = { _mm256_broadcast_ss(&*a.add(p * MR + i)) };
                acc_i[0] = _mm256_fmadd_ps(a_i, b0, acc_i[0]);
                acc_i[1] = _mm256_fmadd_ps(a_i, b1, acc_i[1]);
            }
        }
        acc
    }
}

/// Writes `alpha * acc + beta * C` into the tile's `rows x cols` elements.
///
/// # Safety
///
/// The CPU supports avx2 and fma.
#[inline(always)]
unsafe fn store(acc: &[[__m256; 2]; MR], scale: Scale, tile: &mut Tile<'_>) {
    // SAFETY: CPU feature: the caller's avx2+fma obligation. Bounds: see the comment at each
    // memory access below; `Tile` keeps (i, j) inside its data for i < rows, j < cols.
    unsafe {
        let (rows, cols, rs) = (tile.rows(), tile.cols(), tile.row_stride());
        if tile.col_stride() != 1 || cols != NR {
            let mut spill = [0.0f32; MR * NR];
            for (i, acc_i) in acc.iter().enumerate() {
                // Bounds: row i of `spill` is
                // spill[i * NR..(i + 1) * NR], two vectors of 8.
                {
                    _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR), acc_i[0]);
                    _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR + 8), acc_i[1]);
                }
            }
            tile.store_from(&spill, NR, scale);
            return;
        }
        let alpha = _mm256_set1_ps(scale.alpha);
        let beta = _mm256_set1_ps(scale.beta);
        let c = tile.data().as_mut_ptr();
        for (i, acc_i) in acc.iter().enumerate().take(rows) {
            for (h, &v) in acc_i.iter().enumerate() {
                // Bounds: i < rows and
                // cols == NR with col_stride 1, so the 8 floats at (i, 8h) are inside the tile.
                {
                    let ptr = c.add(i * rs + h * 8);
                    let mut out = _mm256_mul_ps(v, alpha);
                    if scale.beta != 0.0 {
                        out = _mm256_fmadd_ps(_mm256_loadu_ps(ptr), beta, out);
                    }
                    _mm256_storeu_ps(ptr, out);
                }
            }
        }
    }
}
