//! AVX-512F microkernel: a 12 x 32 tile of C in 24 zmm accumulators, B loaded as two vectors
//! per step of k and A broadcast from memory (folded into the FMA as an embedded broadcast).
//! Partial tiles store through lane masks, so edges cost no scalar tail.

use core::arch::x86_64::*;

use crate::MatRef;
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

    const DIRECT: bool = true;

    #[inline(always)]
    fn direct(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut tile: Tile<'_>) {
        let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
        if rows > MR
            || cols > NR
            || b.rows() != k
            || (b.col_stride() != 1 && cols != 1)
            || tile.rows() != rows
            || tile.cols() != cols
        {
            return;
        }
        let masks = [lanes(cols), lanes(cols.saturating_sub(16))];
        let operands = Direct {
            a: a.as_slice().as_ptr(),
            a_rs: a.row_stride(),
            a_cs: a.col_stride(),
            b: b.as_slice().as_ptr(),
            b_rs: b.row_stride(),
            k,
            masks,
        };
        macro_rules! rows {
            ($vecs:literal) => {
                seq_rows!(rows, $vecs, operands, scale, tile)
            };
        }
        if cols > 16 { rows!(2) } else { rows!(1) }
    }
}

/// Runs `direct_tile::<R, VECS>` for the runtime row count `R` in 1..=MR.
macro_rules! seq_rows {
    ($rows:expr, $vecs:literal, $ops:expr, $scale:expr, $tile:expr) => {
        match $rows {
            1 => direct_tile::<1, $vecs>(&$ops, $scale, &mut $tile),
            2 => direct_tile::<2, $vecs>(&$ops, $scale, &mut $tile),
            3 => direct_tile::<3, $vecs>(&$ops, $scale, &mut $tile),
            4 => direct_tile::<4, $vecs>(&$ops, $scale, &mut $tile),
            5 => direct_tile::<5, $vecs>(&$ops, $scale, &mut $tile),
            6 => direct_tile::<6, $vecs>(&$ops, $scale, &mut $tile),
            7 => direct_tile::<7, $vecs>(&$ops, $scale, &mut $tile),
            8 => direct_tile::<8, $vecs>(&$ops, $scale, &mut $tile),
            9 => direct_tile::<9, $vecs>(&$ops, $scale, &mut $tile),
            10 => direct_tile::<10, $vecs>(&$ops, $scale, &mut $tile),
            11 => direct_tile::<11, $vecs>(&$ops, $scale, &mut $tile),
            12 => direct_tile::<12, $vecs>(&$ops, $scale, &mut $tile),
            _ => {}
        }
    };
}
use seq_rows;

/// Lane mask selecting the first `n` (at most 16) lanes.
#[inline(always)]
fn lanes(n: usize) -> __mmask16 {
    if n >= 16 { 0xffff } else { (1u16 << n) - 1 }
}

/// Unpacked operands of one direct tile: A is `R x k` at `a` with strides `(a_rs, a_cs)`, B is
/// `k x cols` at `b` with row stride `b_rs` and unit column stride, `masks` select its columns.
struct Direct {
    a: *const f32,
    a_rs: usize,
    a_cs: usize,
    b: *const f32,
    b_rs: usize,
    k: usize,
    masks: [__mmask16; 2],
}

/// One tile of the direct path, `R` rows and `VECS` vectors of B per step of k.
#[inline(always)]
fn direct_tile<const R: usize, const VECS: usize>(ops: &Direct, scale: Scale, tile: &mut Tile<'_>) {
    // SAFETY: CPU feature: only reached from `MatmulKernel::direct`, whose `self` proves
    // avx512f. Bounds: `ops` comes from two `MatRef`s whose every element is inside their data:
    // A(i, p) for i < R = a.rows(), p < k, and B(p, j) for j < cols, the only lanes `masks`
    // enable (masked-off lanes are not accessed); the tile has the same R x cols shape.
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); 2]; R];
        for p in 0..ops.k {
            let row = ops.b.wrapping_add(p * ops.b_rs);
            let b0 = _mm512_maskz_loadu_ps(ops.masks[0], row);
            let b1 = if VECS == 2 {
                _mm512_maskz_loadu_ps(ops.masks[1], row.wrapping_add(16))
            } else {
                _mm512_setzero_ps()
            };
            let col = ops.a.add(p * ops.a_cs);
            for (i, acc_i) in acc.iter_mut().enumerate() {
                let a_i = _mm512_set1_ps(*col.add(i * ops.a_rs));
                acc_i[0] = _mm512_fmadd_ps(a_i, b0, acc_i[0]);
                if VECS == 2 {
                    acc_i[1] = _mm512_fmadd_ps(a_i, b1, acc_i[1]);
                }
            }
        }
        store(&acc, scale, tile);
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
unsafe fn store<const R: usize>(acc: &[[__m512; 2]; R], scale: Scale, tile: &mut Tile<'_>) {
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
