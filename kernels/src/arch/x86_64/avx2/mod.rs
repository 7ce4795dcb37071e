//! AVX2+FMA microkernel: up to a 6 x 16 tile of C in 12 ymm accumulators, B loaded as two
//! vectors per step of k (masked loads at the right edge) and A broadcast from memory.

mod exp;
mod vector;

use core::arch::x86_64::*;

use crate::MatRef;
use crate::arch::generic::gemm::{GemmKernel, Scale, Tile, assert_tile};
use exp::tail_mask;

const MR: usize = 6;
const NR: usize = 16;

token!(
    /// Proof that this CPU runs avx2 and fma; the only way to reach this module's code.
    Avx2,
    "avx2,fma",
    {}
);

impl GemmKernel for Avx2 {
    const MR: usize = MR;
    const NR: usize = NR;

    #[inline(always)]
    fn kernel(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut tile: Tile<'_>) {
        let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
        assert_tile(MR, NR, &a, &b, &tile);
        let ops = Operands {
            a: a.as_slice().as_ptr(),
            a_rs: a.row_stride(),
            a_cs: a.col_stride(),
            b: b.as_slice().as_ptr(),
            b_rs: b.row_stride(),
            k,
            cols,
        };
        macro_rules! tiles {
            ($vecs:literal, $full:literal) => {
                // SAFETY: CPU feature: `self` proves avx2+fma (`new_unchecked`). Bounds: `ops` are the
                // in-bounds views `a`, `b` with rows <= MR, cols <= 8 * VECS (VECS picked from cols below),
                // B's column stride 1 (or one column), and the tile checked to be rows x cols.
                unsafe {
                    by_rows!(rows, [1 2 3 4 5 6], tile_kernel, ($vecs, $full), (&ops, scale, &mut tile))
                }
            };
        }
        match cols {
            NR => tiles!(2, true),
            8 => tiles!(1, true),
            9.. => tiles!(2, false),
            _ => tiles!(1, false),
        }
    }
}

/// The operands of one tile: A is `R x k` at `a` with strides `(a_rs, a_cs)`, B is `k x cols`
/// at `b` with row stride `b_rs` and unit column stride.
struct Operands {
    a: *const f32,
    a_rs: usize,
    a_cs: usize,
    b: *const f32,
    b_rs: usize,
    k: usize,
    cols: usize,
}

/// One tile, `R` rows, `VECS` vectors of B per step of k; `FULL` when `cols == 8 * VECS`, so
/// B needs no masks.
///
/// # Safety
///
/// The CPU supports avx2 and fma; `ops` describes two views whose elements are all readable
/// (A is `R x k`, B is `k x cols` with unit column stride), `cols <= 8 * VECS`, and the tile
/// is `R x cols`.
// A function of its own, not inlined: in isolation LLVM reliably unrolls the row loop and keeps
// every accumulator in a register, which it stopped doing once several instantiations were
// inlined into the large loop-nest function. One call per tile costs nothing measurable.
#[target_feature(enable = "avx2,fma")]
#[inline(never)]
unsafe fn tile_kernel<const R: usize, const VECS: usize, const FULL: bool>(
    ops: &Operands,
    scale: Scale,
    tile: &mut Tile<'_>,
) {
    // SAFETY: CPU feature: the caller's avx2+fma obligation. Bounds: per the caller, A(i, p), i < R,
    // p < k, and B(p, j), j < cols, are readable; full loads only when FULL (cols == 8 * VECS), else
    // masked loads of lanes j < cols; stores go through `store`, which stays inside the tile.
    unsafe {
        let masks = [tail_mask(ops.cols.min(8)), tail_mask(ops.cols.saturating_sub(8))];
        let mut acc = [[_mm256_setzero_ps(); 2]; R];
        for p in 0..ops.k {
            let row = ops.b.wrapping_add(p * ops.b_rs);
            let (b0, b1) = if FULL {
                let b1 = if VECS == 2 { _mm256_loadu_ps(row.add(8)) } else { _mm256_setzero_ps() };
                (_mm256_loadu_ps(row), b1)
            } else {
                let b1 = if VECS == 2 {
                    _mm256_maskload_ps(row.wrapping_add(8), masks[1])
                } else {
                    _mm256_setzero_ps()
                };
                (_mm256_maskload_ps(row, masks[0]), b1)
            };
            let col = ops.a.add(p * ops.a_cs);
            for (i, acc_i) in acc.iter_mut().enumerate() {
                let a_i = _mm256_broadcast_ss(&*col.add(i * ops.a_rs));
                acc_i[0] = _mm256_fmadd_ps(a_i, b0, acc_i[0]);
                if VECS == 2 {
                    acc_i[1] = _mm256_fmadd_ps(a_i, b1, acc_i[1]);
                }
            }
        }
        store(&acc, scale, tile);
    }
}

/// Writes `alpha * acc + beta * C` into the tile's `rows x cols` elements.
///
/// # Safety
///
/// The CPU supports avx2 and fma.
#[inline(always)]
unsafe fn store<const R: usize>(acc: &[[__m256; 2]; R], scale: Scale, tile: &mut Tile<'_>) {
    // SAFETY: CPU feature: the caller's avx2+fma obligation. Bounds: the spill buffer holds
    // MR x NR >= R x 16 floats; direct stores happen only for a full-width (cols == NR) tile
    // with unit column stride, whose rows i < rows() are inside the tile's data.
    unsafe {
        let (rows, cols, rs) = (tile.rows(), tile.cols(), tile.row_stride());
        if tile.col_stride() != 1 || cols != NR {
            let mut spill = [0.0f32; MR * NR];
            for (i, acc_i) in acc.iter().enumerate() {
                _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR), acc_i[0]);
                _mm256_storeu_ps(spill.as_mut_ptr().add(i * NR + 8), acc_i[1]);
            }
            tile.store_from(&spill, NR, scale);
            return;
        }
        let alpha = _mm256_set1_ps(scale.alpha);
        let beta = _mm256_set1_ps(scale.beta);
        let c = tile.data().as_mut_ptr();
        for (i, acc_i) in acc.iter().enumerate().take(rows) {
            for (h, &v) in acc_i.iter().enumerate() {
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
