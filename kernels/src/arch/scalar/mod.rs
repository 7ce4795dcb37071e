//! The portable fallback: a one-lane [`Vector`] (plain `f32`, `bool` masks, multiply-adds
//! rounded twice) and a small GEMM microkernel in plain Rust that the compiler may vectorise
//! for the baseline target. Every generic loop runs on it unchanged.

use super::generic::exp::{EXP_HI, EXP_LO, EXP2_HI, EXP2_LO, LOG2E, poly_2, poly_e, reduce};
use super::generic::gemm::{GemmKernel, Scale, Tile, assert_tile};
use super::{Kernel, Task, Vector};
use crate::MatRef;

/// The portable ISA's token; runs on every CPU.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scalar;

const MR: usize = 4;
const NR: usize = 8;

impl Kernel for Scalar {
    #[inline(always)]
    fn vectorize<T: Task>(self, task: T) -> T::Output {
        task.run(self)
    }
}

impl Vector for Scalar {
    type V = f32;
    type Mask = bool;
    const LANES: usize = 1;
    // `f32::mul_add` without an FMA target feature is a slow, exactly rounded library call.
    const FMA: bool = false;

    #[inline(always)]
    fn splat(self, x: f32) -> f32 {
        x
    }
    #[inline(always)]
    fn add(self, a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32, b: f32) -> f32 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32, b: f32) -> f32 {
        a * b
    }
    #[inline(always)]
    fn div(self, a: f32, b: f32) -> f32 {
        a / b
    }
    #[inline(always)]
    fn neg_abs(self, x: f32) -> f32 {
        -x.abs()
    }
    #[inline(always)]
    fn recip(self, v: f32) -> f32 {
        1.0 / v
    }
    /// `b` when either is NaN, as x86's `maxps`.
    #[inline(always)]
    fn max(self, a: f32, b: f32) -> f32 {
        if a > b { a } else { b }
    }
    #[inline(always)]
    fn mul_add(self, a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
    #[inline(always)]
    fn neg_mul_add(self, a: f32, b: f32, c: f32) -> f32 {
        c - a * b
    }
    #[inline(always)]
    fn eq(self, a: f32, b: f32) -> bool {
        a == b
    }
    #[inline(always)]
    fn ne(self, a: f32, b: f32) -> bool {
        a != b
    }
    #[inline(always)]
    fn select(self, mask: bool, a: f32, b: f32) -> f32 {
        if mask { a } else { b }
    }
    #[inline(always)]
    fn no_lanes(self) -> bool {
        false
    }
    #[inline(always)]
    fn or_mask(self, a: bool, b: bool) -> bool {
        a | b
    }
    #[inline(always)]
    fn any(self, mask: bool) -> bool {
        mask
    }
    #[inline(always)]
    fn reduce_max(self, v: f32) -> f32 {
        v
    }
    #[inline(always)]
    fn reduce_add(self, v: f32) -> f32 {
        v
    }
    #[inline(always)]
    fn exp(self, x: f32) -> f32 {
        exp(x)
    }
    #[inline(always)]
    fn exp_nonpositive(self, x: f32) -> f32 {
        exp(x)
    }
    #[inline(always)]
    fn exp2(self, t: f32) -> f32 {
        exp2_small(t)
    }

    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> f32 {
        // SAFETY: CPU feature: none needed. Bounds: the caller's, one readable float.
        unsafe { *p }
    }
    #[inline(always)]
    unsafe fn load_tail(self, _p: *const f32, len: usize, fill: f32) -> f32 {
        // A tail is shorter than the one lane: nothing to read.
        debug_assert_eq!(len, 0);
        fill
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: f32) {
        // SAFETY: CPU feature: none needed. Bounds: the caller's, one writable float.
        unsafe { *p = v }
    }
    #[inline(always)]
    unsafe fn store_tail(self, _p: *mut f32, len: usize, _v: f32) {
        // A tail is shorter than the one lane: nothing to write.
        debug_assert_eq!(len, 0);
    }
    /// A plain store: a lane is less than a line, and there is nothing to stream.
    #[inline(always)]
    unsafe fn store_stream(self, p: *mut f32, v: f32) {
        // SAFETY: CPU feature: none needed. Bounds: the caller's, one writable float.
        unsafe { *p = v }
    }
    #[inline(always)]
    fn stream_fence(self) {}
}

/// e^x as `2^(x log2 e)` for x <= `EXP2_HI` ln 2 (~44): attention's exponential. The
/// product's rounding makes the relative error grow with |x|, to about (1.3 + |x|) ULP, which
/// only matters for terms that are already small against the row's largest. +0 below the
/// normal range, NaN for NaN.
#[inline(always)]
pub(crate) fn exp_small(x: f32) -> f32 {
    exp2_small(x * LOG2E)
}

/// 2^x for x <= `EXP2_HI` (larger x are clamped there), +0 below the normal range, NaN for NaN.
#[inline(always)]
fn exp2_small(x: f32) -> f32 {
    let xc = x.clamp(EXP2_LO, EXP2_HI);
    let xc = if xc.is_nan() { 0.0 } else { xc };
    let n = xc.floor();
    let p = poly_2(Scalar, xc - n);
    // p is in [1, 2) and n in [-126, 64]: adding n to p's exponent field builds p * 2^n.
    let scaled = f32::from_bits(p.to_bits().wrapping_add(((n as i32) << 23) as u32));
    if x.is_nan() {
        x
    } else if x < EXP2_LO {
        0.0
    } else {
        scaled
    }
}

/// e^x for one f32, with the shared reduction and polynomial; subnormal results flush to 0.
#[inline(always)]
fn exp(x: f32) -> f32 {
    // Clamp first so the arithmetic below never sees inf or NaN; the selects at the end put
    // the special cases back. Written branch-free so loops over it can vectorise.
    let xc = x.clamp(EXP_LO, EXP_HI);
    let xc = if xc.is_nan() { 0.0 } else { xc };
    let (t, _, r) = reduce(Scalar, xc);
    let p = poly_e(Scalar, r);
    // n is in [-126, 128] and p in [0.7, 1.42]; adding n to p's exponent field builds p * 2^n
    // without ever forming 2^128 (see EXP_HI and EXP_LO for why the exponent stays normal).
    let scaled = f32::from_bits(p.to_bits().wrapping_add(t.to_bits() << 23));
    if x.is_nan() {
        x
    } else if x > EXP_HI {
        f32::INFINITY
    } else if x < EXP_LO {
        0.0
    } else {
        scaled
    }
}

impl GemmKernel for Scalar {
    #[inline(always)]
    fn kernel(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut tile: Tile<'_>) {
        let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
        assert_tile(MR, NR, &a, &b, &tile);
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

    const MR: usize = MR;
    const NR: usize = NR;
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
        // The view was checked when it was built: every row is inside `b_data`.
        let Some(b_row) =
            b_data.get(p * b_rs..p * b_rs + NR).and_then(|row| <&[f32; NR]>::try_from(row).ok())
        else {
            unreachable!("row {p} of a checked {k}x{NR} view of B lies outside its data");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_small_is_within_two_ulp() {
        let mut worst = 0.0f64;
        for i in 0..=2_000_000 {
            let x = -126.0 + 190.0 * f64::from(i) / 2_000_000.0;
            let x = x as f32;
            let want = f64::from(x).exp2();
            let ulp = f64::from(f32::from_bits((want as f32).to_bits() + 1)) - f64::from(want as f32);
            worst = worst.max((f64::from(exp2_small(x)) - want).abs() / ulp);
        }
        assert!(worst <= 2.0, "{worst} ULP");
        assert_eq!(exp2_small(0.0), 1.0);
        assert_eq!(exp2_small(-3.0), 0.125);
        assert_eq!(exp2_small(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp2_small(-126.5), 0.0);
        assert!(exp2_small(f32::NAN).is_nan());
        assert_eq!(exp_small(0.0), 1.0);
        assert_eq!(exp_small(f32::NEG_INFINITY), 0.0);
        assert!(exp_small(f32::NAN).is_nan());
    }

    #[test]
    fn special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(89.0), f32::INFINITY);
        assert_eq!(exp(-100.0), 0.0);
        assert!(exp(f32::NAN).is_nan());
    }
}
