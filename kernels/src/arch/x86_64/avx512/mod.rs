//! AVX-512F microkernel: a 12 x 32 tile of C in 24 zmm accumulators, B loaded as two vectors
//! per step of k and A broadcast from memory (folded into the FMA as an embedded broadcast).
//! Partial tiles store through lane masks, so edges cost no scalar tail.

use core::arch::x86_64::*;

use crate::arch::gemm_loop::{self, GemmKernel, Job, Scale, Tile, Workspace};

const MR: usize = 12;
const NR: usize = 32;

/// Proof that this CPU runs avx512f, avx2 and fma; the only way to reach this module's kernels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MatmulKernel {
    _proof: (),
}

impl MatmulKernel {
    /// # Safety
    ///
    /// The CPU must support `avx512f`, `avx2` and `fma` (`Isa::Avx512` is available).
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
        // saw avx512f/avx2/fma. Bounds: `serial_avx512` is safe code with no other obligation.
        unsafe { serial_avx512(self, job, ws) }
    }

    #[inline(always)]
    fn kernel(self, a: &[f32], b: &[f32], k: usize, scale: Scale, mut tile: Tile<'_>) {
        if a.len() < MR * k || b.len() < NR * k {
            return;
        }
        let acc = {
            // SAFETY: CPU feature: `self` proves avx512f (see `new_unchecked`). Bounds: the
            // kernel reads a[..MR * k] and b[..NR * k], both checked just above.
            unsafe { accumulate(a.as_ptr(), b.as_ptr(), k) }
        };
        // SAFETY: CPU feature: as above. Bounds: `Tile` guarantees (i, j) is inside its data for
        // i < rows, j < cols; stores touch only those (masked lanes are not accessed).
        unsafe { store(&acc, scale, &mut tile) }
    }
}

/// The whole blocked loop nest compiled for AVX-512.
#[target_feature(enable = "avx512f,avx2,fma")]
fn serial_avx512(kernel: MatmulKernel, job: Job<'_>, ws: &mut Workspace) {
    gemm_loop::serial(kernel, job, ws);
}

/// Sums `a[.., p] * b[p, ..]` over `p < k` into MR x 2 zmm registers.
///
/// # Safety
///
/// The CPU supports avx512f; `a` points to `MR * k` readable floats and `b` to `NR * k`.
#[inline(always)]
unsafe fn accumulate(a: *const f32, b: *const f32, k: usize) -> [[__m512; 2]; MR] {
    // SAFETY: CPU feature: the caller's avx512f obligation. Bounds: p < k, so the loads at
    // b + p * NR .. b + (p + 1) * NR and the broadcast of a[p * MR + i] (i < MR) stay within
    // the NR * k and MR * k floats the caller guarantees.
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); 2]; MR];
        for p in 0..k {
            let (b0, b1) = {
                (
                    _mm512_loadu_ps(b.add(p * NR)),
                    _mm512_loadu_ps(b.add(p * NR + 16)),
                )
            };
            for (i, acc_i) in acc.iter_mut().enumerate() {
                let a_i = { _mm512_set1_ps(*a.add(p * MR + i)) };
                acc_i[0] = _mm512_fmadd_ps(a_i, b0, acc_i[0]);
                acc_i[1] = _mm512_fmadd_ps(a_i, b1, acc_i[1]);
            }
        }
        acc
    }
}

/// Writes `alpha * acc + beta * C` into the tile's `rows x cols` elements.
///
/// # Safety
///
/// The CPU supports avx512f.
#[inline(always)]
unsafe fn store(acc: &[[__m512; 2]; MR], scale: Scale, tile: &mut Tile<'_>) {
    // SAFETY: CPU feature: the caller's avx512f obligation. Bounds: see the comment at each
    // memory access below; `Tile` keeps (i, j) inside its data for i < rows, j < cols.
    unsafe {
        let (rows, cols, rs) = (tile.rows(), tile.cols(), tile.row_stride());
        let alpha = _mm512_set1_ps(scale.alpha);
        let beta = _mm512_set1_ps(scale.beta);
        if tile.col_stride() != 1 {
            let mut spill = [0.0f32; MR * NR];
            for (i, acc_i) in acc.iter().enumerate() {
                // Bounds: row i of `spill`
                // is spill[i * NR..(i + 1) * NR], two vectors of 16.
                {
                    _mm512_storeu_ps(spill.as_mut_ptr().add(i * NR), acc_i[0]);
                    _mm512_storeu_ps(spill.as_mut_ptr().add(i * NR + 16), acc_i[1]);
                }
            }
            tile.store_from(&spill, NR, scale);
            return;
        }
        let lanes = |n: usize| -> __mmask16 { if n >= 16 { 0xffff } else { (1u16 << n) - 1 } };
        let masks = [lanes(cols), lanes(cols.saturating_sub(16))];
        let c = tile.data().as_mut_ptr();
        for (i, acc_i) in acc.iter().enumerate().take(rows) {
            for (h, (&v, &mask)) in acc_i.iter().zip(&masks).enumerate() {
                if mask == 0 {
                    continue;
                }
                // Bounds: i < rows, and the
                // mask enables lane l only when h * 16 + l < cols, so every accessed element
                // (i, h * 16 + l) is inside the tile (col_stride is 1), lane 0 included since the
                // mask is non-zero; masked-off lanes are not accessed and cannot fault.
                {
                    let ptr = c.wrapping_add(i * rs + h * 16);
                    let mut out = _mm512_mul_ps(v, alpha);
                    if scale.beta != 0.0 {
                        out = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, ptr), beta, out);
                    }
                    _mm512_mask_storeu_ps(ptr, mask, out);
                }
            }
        }
    }
}
