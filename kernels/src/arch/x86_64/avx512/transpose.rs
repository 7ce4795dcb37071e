//! Attention's block transposes (`Kernel::transpose`) on AVX-512: every full 16 x 16 block
//! in registers, the edges by the generic loop.

use super::Avx512;
use crate::arch::generic::attention;

/// `Kernel::transpose` with every full 16 x 16 block transposed in registers and the
/// edges by the generic loop.
#[inline(always)]
pub(super) fn transpose(
    _proof: Avx512,
    src: &[f32],
    rows: usize,
    cols: usize,
    factor: f32,
    dst: &mut [f32],
    ld: usize,
) {
    let needs_src = rows.checked_mul(cols);
    let needs_dst = cols.checked_sub(1).map_or(Some(0), |c| c.checked_mul(ld)?.checked_add(rows));
    let fits =
        ld >= rows && needs_src.is_some_and(|n| src.len() >= n) && needs_dst.is_some_and(|n| dst.len() >= n);
    if !fits {
        return attention::transpose(src, rows, cols, factor, dst, ld);
    }
    let (full_rows, full_cols) = (rows / 16 * 16, cols / 16 * 16);
    for r0 in (0..full_rows).step_by(16) {
        for c0 in (0..full_cols).step_by(16) {
            // SAFETY: CPU feature: `_proof` is an AVX-512 token. Bounds: rows
            // r0..r0 + 16 <= rows of src hold columns c0..c0 + 16 <= cols (src has rows * cols
            // elements), and dst rows c0..c0 + 16 <= cols hold elements r0..r0 + 16 <= rows <= ld.
            unsafe {
                block16(
                    src.as_ptr().add(r0 * cols + c0),
                    cols,
                    factor,
                    dst.as_mut_ptr().add(c0 * ld + r0),
                    ld,
                );
            }
        }
    }
    // The edges: the last rows % 16 rows, and the last cols % 16 columns of the full rows.
    for r in full_rows..rows {
        for c in 0..cols {
            dst[c * ld + r] = factor * src[r * cols + c];
        }
    }
    for r in 0..full_rows {
        for c in full_cols..cols {
            dst[c * ld + r] = factor * src[r * cols + c];
        }
    }
}

/// `dst[c * ld + r] = factor * src[r * src_ld + c]` for `r, c < 16`: 16 loads, four rounds
/// of 16 shuffles (32-bit, 64-bit and twice 128-bit interleaves) and 16 stores.
///
/// # Safety
/// The CPU supports avx512f; 16 floats at `src + r * src_ld` are readable and 16 floats at
/// `dst + c * ld` writable for every `r, c < 16`.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn block16(src: *const f32, src_ld: usize, factor: f32, dst: *mut f32, ld: usize) {
    use core::arch::x86_64::*;
    // SAFETY: CPU feature: this function's avx512f. Bounds: the 16 loads and 16 stores are
    // the caller's rows of 16 floats.
    unsafe {
        let f = _mm512_set1_ps(factor);
        let r: [__m512; 16] =
            core::array::from_fn(|i| _mm512_mul_ps(f, _mm512_loadu_ps(src.add(i * src_ld))));
        // t[2k], t[2k + 1]: rows 2k and 2k + 1 interleaved element by element.
        let t: [__m512; 16] = core::array::from_fn(|i| {
            let (a, b) = (r[i & !1], r[i | 1]);
            if i % 2 == 0 { _mm512_unpacklo_ps(a, b) } else { _mm512_unpackhi_ps(a, b) }
        });
        // u[4k + j], 128-bit lane l: column 4l + j of rows 4k..4k + 4.
        let u: [__m512; 16] = core::array::from_fn(|i| {
            let (k, j) = (i / 4, i % 4);
            let (a, b) = (_mm512_castps_pd(t[4 * k + j / 2]), _mm512_castps_pd(t[4 * k + 2 + j / 2]));
            _mm512_castpd_ps(if j % 2 == 0 { _mm512_unpacklo_pd(a, b) } else { _mm512_unpackhi_pd(a, b) })
        });
        // v[j] (lanes 0 and 2 of u[j] and u[4 + j]), w[j] (lanes 1 and 3), and the same for
        // u[8 + j], u[12 + j] in v[4 + j], w[4 + j].
        for j in 0..4 {
            let v_lo = _mm512_shuffle_f32x4::<0x88>(u[j], u[4 + j]);
            let w_lo = _mm512_shuffle_f32x4::<0xDD>(u[j], u[4 + j]);
            let v_hi = _mm512_shuffle_f32x4::<0x88>(u[8 + j], u[12 + j]);
            let w_hi = _mm512_shuffle_f32x4::<0xDD>(u[8 + j], u[12 + j]);
            // Columns j, 4 + j, 8 + j, 12 + j, each all 16 rows.
            _mm512_storeu_ps(dst.add(j * ld), _mm512_shuffle_f32x4::<0x88>(v_lo, v_hi));
            _mm512_storeu_ps(dst.add((4 + j) * ld), _mm512_shuffle_f32x4::<0x88>(w_lo, w_hi));
            _mm512_storeu_ps(dst.add((8 + j) * ld), _mm512_shuffle_f32x4::<0xDD>(v_lo, v_hi));
            _mm512_storeu_ps(dst.add((12 + j) * ld), _mm512_shuffle_f32x4::<0xDD>(w_lo, w_hi));
        }
    }
}
