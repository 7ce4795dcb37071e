//! AVX-512F microkernel: a 12 x 32 tile of C in 24 zmm accumulators, B loaded as two vectors
//! per step of k and A broadcast from memory. Edge tiles run a kernel compiled for their row
//! count and load B / store C through lane masks, so edges cost no scalar tail. Tiles whose
//! columns fill their vectors use plain loads and stores: masked ones measured 6-8% slower
//! for the whole matmul here (n = 64..1024), and as much for attention.
//!
//! 12 x 32 leaves 8 of the 32 registers for B and broadcasts and needs 14 loads per 24 FMAs,
//! within the two load ports; a 16 x 16 tile (16 loads per 16 FMAs) measured 15-20% slower.
//!
//! A strip of full tiles (every 12-row tile of a 32-column strip of C) runs in one call of
//! `full_tile::strip`, whose k loop is assembly: with one call per tile, attention's short
//! products (k = 48 and 64) measured 6% slower end to end.

mod exp;
mod full_tile;
mod transpose;
mod vector;

use core::arch::x86_64::*;

use crate::MatRef;
use crate::arch::generic::gemm::{GemmKernel, Scale, Tile, assert_tile, strip_tile};

const MR: usize = 12;
const NR: usize = 32;

token!(
    /// Proof that this CPU runs avx512f, avx512dq, avx2 and fma; the only way to reach this
    /// module's code.
    Avx512,
    "avx512f,avx512dq,avx2,fma",
    {
        #[inline(always)]
        fn transpose(self, src: &[f32], rows: usize, cols: usize, factor: f32, dst: &mut [f32], ld: usize) {
            transpose::transpose(self, src, rows, cols, factor, dst, ld);
        }
    }
);

impl GemmKernel for Avx512 {
    const MR: usize = MR;
    const NR: usize = NR;

    #[inline(always)]
    fn strip(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut strip: Tile<'_>) {
        let (rows, k) = (a.rows(), a.cols());
        let full = b.cols() == NR
            && b.rows() == k
            && b.col_stride() == 1
            && strip.col_stride() == 1
            && strip.rows() == rows
            && strip.cols() == NR;
        let tiles = if full { rows / MR } else { 0 };
        if tiles > 0 {
            // Strides in bytes. With k = 1 a view may carry any column stride of A and row
            // stride of B (they never reach a second element), so those wrap: the loop only adds
            // them to pointers it does not dereference again.
            let stream = full_tile::Stream {
                a: a.as_slice().as_ptr(),
                a_rs: a.row_stride() * 4,
                a_cs: a.col_stride().wrapping_mul(4),
                b: b.as_slice().as_ptr(),
                b_rs: b.row_stride().wrapping_mul(4),
            };
            let c_rs = strip.row_stride();
            // SAFETY: CPU feature: `self` proves avx512f. Bounds: `a` is a view of `rows >= tiles
            // * MR` rows and k columns and `b` one of k rows and NR unit-stride columns, all
            // inside their slices; the strip holds `rows` rows of NR floats inside its data.
            unsafe { full_tile::strip(&stream, k, tiles, scale, strip.data().as_mut_ptr(), c_rs) };
        }
        for row in (tiles * MR..rows).step_by(MR) {
            let mr = MR.min(rows - row);
            let (a, tile) = strip_tile(a, &mut strip, row, mr);
            self.kernel(a, b, scale, tile);
        }
    }

    #[inline(always)]
    fn kernel(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut tile: Tile<'_>) {
        let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
        assert_tile(MR, NR, &a, &b, &tile);
        let masks = [lanes(cols), lanes(cols.saturating_sub(16))];
        let operands = Operands {
            a: a.as_slice().as_ptr(),
            a_rs: a.row_stride(),
            a_cs: a.col_stride(),
            b: b.as_slice().as_ptr(),
            b_rs: b.row_stride(),
            k,
            masks,
        };
        macro_rules! tiles {
            ($vecs:literal, $full:literal) => {
                // SAFETY: CPU feature: `self` proves avx512f. Bounds: `operands` are the in-bounds views
                // `a`, `b`: rows <= MR, cols <= 16 * VECS (equal when FULL), B's column stride 1 (or one
                // column), `masks` enabling exactly lanes j < cols; the tile was checked rows x cols.
                unsafe {
                    by_rows!(rows, [1 2 3 4 5 6 7 8 9 10 11 12], tile_kernel, ($vecs, $full), (&operands, scale, &mut tile))
                }
            };
        }
        match cols {
            NR => tiles!(2, true),
            17.. => tiles!(2, false),
            16 => tiles!(1, true),
            _ => tiles!(1, false),
        }
    }
}

/// The 16 floats at `ptr`, or (unless `FULL`) only the lanes `mask` selects, others 0.
///
/// # Safety
///
/// The CPU supports avx512f, and every lane `mask` selects is readable; when `FULL`, the mask
/// selects all 16.
#[inline(always)]
unsafe fn load<const FULL: bool>(mask: __mmask16, ptr: *const f32) -> __m512 {
    // SAFETY: CPU feature: the caller's avx512f obligation. Bounds: the caller's (all 16 lanes
    // readable when FULL; masked-off lanes are not accessed and cannot fault).
    unsafe { if FULL { _mm512_loadu_ps(ptr) } else { _mm512_maskz_loadu_ps(mask, ptr) } }
}

/// Lane mask selecting the first `n` lanes (all 16 for `n >= 16`).
#[inline(always)]
fn lanes(n: usize) -> __mmask16 {
    if n >= 16 { 0xffff } else { (1u16 << n) - 1 }
}

/// The operands of one tile: A is `R x k` at `a` with strides `(a_rs, a_cs)`, B is
/// `k x cols` at `b` with row stride `b_rs` and unit column stride, `masks` select its columns.
struct Operands {
    a: *const f32,
    a_rs: usize,
    a_cs: usize,
    b: *const f32,
    b_rs: usize,
    k: usize,
    masks: [__mmask16; 2],
}

/// One tile, `R` rows and `VECS` vectors of B per step of k; `FULL` when `cols = 16 * VECS`,
/// so that B and C need no lane masks.
///
/// # Safety
///
/// The CPU supports avx512f; `ops` describes two views whose elements are all readable (A is
/// `R x k`, B is `k x cols` with unit column stride, `masks` enabling exactly lanes j < cols,
/// `cols <= 16 * VECS`, with equality when `FULL`), and the tile is `R x cols`.
// A function of its own, not inlined: in isolation LLVM reliably unrolls the row loop and keeps
// every accumulator in a register, which it stopped doing once several instantiations were
// inlined into the large loop-nest function. Only edge tiles (and full tiles of a column-major
// C) come here; whole strips of full tiles go through `full_tile::strip`.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline(never)]
unsafe fn tile_kernel<const R: usize, const VECS: usize, const FULL: bool>(
    ops: &Operands,
    scale: Scale,
    tile: &mut Tile<'_>,
) {
    // SAFETY: CPU feature: the caller's avx512f obligation. Bounds: per the caller's obligation A(i, p) for i
    // < R, p < k and B(p, j) for j < cols are readable, and those are the only lanes `masks` enable (masked-
    // off lanes are not accessed); stores go through `store`, which stays inside the tile.
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); 2]; R];
        let step = |acc: &mut [[__m512; 2]; R], p: usize| {
            let row = ops.b.wrapping_add(p * ops.b_rs);
            let b0 = load::<FULL>(ops.masks[0], row);
            let b1 = if VECS == 2 {
                load::<FULL>(ops.masks[1], row.wrapping_add(16))
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
        };
        // Four steps of k per trip: a quarter of the loop overhead between the FMAs.
        // C's rows are fetched 64 steps before the end, not at the start, so that the A and B
        // streams have less time to evict them (at n = 1024 all 12 rows share one L1 set).
        let prefetch_at = ops.k.saturating_sub(64);
        let mut p = 0;
        while p + 4 <= prefetch_at {
            step(&mut acc, p);
            step(&mut acc, p + 1);
            step(&mut acc, p + 2);
            step(&mut acc, p + 3);
            p += 4;
        }
        prefetch_tile(tile);
        while p + 4 <= ops.k {
            step(&mut acc, p);
            step(&mut acc, p + 1);
            step(&mut acc, p + 2);
            step(&mut acc, p + 3);
            p += 4;
        }
        while p < ops.k {
            step(&mut acc, p);
            p += 1;
        }
        store::<R, FULL>(&acc, scale, tile);
    }
}

/// Asks for the tile's rows to be in L1 by the time the kernel stores them: C is touched once
/// per `KC` slice, so it is usually in L3 or memory, and the prefetch hides that latency
/// behind the FMAs.
#[inline(always)]
pub(super) fn prefetch_tile(tile: &mut Tile<'_>) {
    let (rows, rs) = (tile.rows(), tile.row_stride());
    let c = tile.data().as_ptr();
    for i in 0..rows {
        let row = c.wrapping_add(i * rs);
        // SAFETY: CPU feature: prefetch is SSE, part of every x86-64 CPU. Bounds: a prefetch
        // is a hint that never faults or accesses memory architecturally, whatever the address.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(row.cast());
            _mm_prefetch::<_MM_HINT_T0>(row.wrapping_add(16).cast());
        }
    }
}

/// Writes `alpha * acc + beta * C` into the tile's `rows x cols` elements.
///
/// # Safety
///
/// The CPU supports avx512f.
#[inline(always)]
pub(super) unsafe fn store<const R: usize, const FULL: bool>(
    acc: &[[__m512; 2]; R],
    scale: Scale,
    tile: &mut Tile<'_>,
) {
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
        // Every kernel is instantiated for its tile's row count: a loop over all R rows unrolls
        // with the accumulators kept in registers.
        assert_eq!(rows, R, "a tile kernel stores the rows it was instantiated for");
        // alpha = 1 with beta = 0 (attention's scores) or beta = 1 (every KC slice after the
        // first, attention's P V) skip the multiplications.
        let (set, add) = (scale.alpha == 1.0 && scale.beta == 0.0, scale.alpha == 1.0 && scale.beta == 1.0);
        let masks = [lanes(cols), lanes(cols.saturating_sub(16))];
        let c = tile.data().as_mut_ptr();
        for (i, acc_i) in acc.iter().enumerate() {
            for (h, (&v, &mask)) in acc_i.iter().zip(&masks).enumerate() {
                if mask == 0 {
                    continue;
                }
                // Bounds: i < R = rows, and the
                // mask enables lane l only when h * 16 + l < cols, so every accessed element
                // (i, h * 16 + l) is inside the tile (col_stride is 1), lane 0 included since the
                // mask is non-zero; masked-off lanes are not accessed and cannot fault.
                {
                    let ptr = c.wrapping_add(i * rs + h * 16);
                    let out = if set {
                        v
                    } else if add {
                        _mm512_add_ps(load::<FULL>(mask, ptr), v)
                    } else if scale.beta == 0.0 {
                        _mm512_mul_ps(v, alpha)
                    } else {
                        _mm512_fmadd_ps(load::<FULL>(mask, ptr), beta, _mm512_mul_ps(v, alpha))
                    };
                    if FULL {
                        _mm512_storeu_ps(ptr, out);
                    } else {
                        _mm512_mask_storeu_ps(ptr, mask, out);
                    }
                }
            }
        }
    }
}
