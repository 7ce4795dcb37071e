//! Element-wise e^x on f32 slices, vectorised for AVX-512, AVX2+FMA and scalar, plus an
//! exhaustive accuracy sweep ([`exp_ulp_sweep`]) over any range of f32 bit patterns.
//!
//! # Algorithm
//! 1. Range reduction (Cody-Waite): `n = round(x * log2 e)` via the 1.5*2^23 rounding trick,
//!    `r = x - n*ln2_hi - n*ln2_lo`, so |r| <= ln2/2 (+ rounding slack). With FMA the products
//!    are exact inside the FMA; the scalar path, which has no FMA, uses a 9-bit `ln2_hi` so that
//!    `n*ln2_hi` and `x - n*ln2_hi` are exact.
//! 2. e^r by a degree-6 polynomial `1 + r(1 + r(c2 + r(c3 + r(c4 + r(c5 + r c6)))))` (Horner,
//!    one FMA a step): a relative-error minimax fit on |r| <= 0.3468 with c0 = c1 = 1 pinned and
//!    coefficients rounded to f32 one at a time (fit error 3.2e-9, 0.03 ULP).
//! 3. 2^n: AVX-512 uses `vscalefps(p, n)`, which also gives inf on overflow, with a zeroing
//!    mask for inputs below -87.336. AVX2 and scalar add `n << 23` to the bits of p (p in
//!    [0.7, 1.42]) and fix up the lanes outside [-87.336, 88.7228] with selects: inf above, +0
//!    below, NaN stays NaN. Every ISA flushes results that would be subnormal to +0: producing
//!    them would send the CPU down a microcode assist costing ~100 cycles a lane.
//!
//! # Accuracy
//! Measured with [`exp_ulp_sweep`] over all 2^32 bit patterns against f64 `exp` (release build:
//! `cargo test --release -p kernels --test exp -- --ignored --nocapture`), in ULP of the exact
//! result wherever it is a normal f32 (2 237 668 968 inputs):
//!
//! | ISA    | worst error | at x                       |
//! |--------|-------------|----------------------------|
//! | avx512 | 0.891 ULP   | -5.848642 (0xc0bb2813)     |
//! | avx2   | 0.891 ULP   | -5.848642 (0xc0bb2813)     |
//! | scalar | 0.992 ULP   | -81.39176 (0xc2a2c895)     |
//!
//! Outside that range every ISA gives inf for overflow, +0 for underflow and NaN for NaN, with
//! no exceptions over the full sweep.

use std::ops::RangeInclusive;

use rayon::prelude::*;

use crate::arch::{self, generic::elementwise::Exp, generic::elementwise::Map};
use crate::{Error, Isa, Opts, elementwise, parallel};

/// Writes `e^x[i]` into `y[i]` for every `i`.
///
/// Max error under 1 ULP (measured exhaustively, see the module doc) wherever the result is a normal f32;
/// x > 88.7228 gives inf, x < -87.3365 gives +0, -inf gives +0, NaN gives NaN.
///
/// ```
/// use kernels::{Opts, math};
/// let x = [0.0f32, 1.0, -1.0, f32::NEG_INFINITY];
/// let mut y = [0.0f32; 4];
/// math::exp(&x, &mut y, &Opts::default()).unwrap();
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - std::f32::consts::E).abs() <= f32::EPSILON * 3.0);
/// assert_eq!(y[3], 0.0);
/// ```
///
/// # Errors
/// [`Error::Len`] when `x` and `y` differ in length; [`Error::IsaUnavailable`] when `opts`
/// forces an ISA this CPU lacks.
pub fn exp(x: &[f32], y: &mut [f32], opts: &Opts) -> Result<(), Error> {
    elementwise::map("exp", Exp, [("x", x)], [("y", y)], opts)
}

/// `y = e^x` on `isa` (lengths checked by the caller).
fn exp_on(isa: Isa, x: &[f32], y: &mut [f32]) {
    arch::dispatch(isa, Map::new(Exp, [x], [y]));
}

/// What [`exp_ulp_sweep`] found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepReport {
    /// The ISA that was swept.
    pub isa: Isa,
    /// Bit patterns evaluated.
    pub inputs: u64,
    /// Of those, how many have an exact e^x in the normal f32 range (where ULP is measured).
    pub normal_results: u64,
    /// Worst error in ULP of the exact result over the normal-result inputs.
    pub max_ulp: f64,
    /// The input where `max_ulp` occurs (first such, in bit-pattern order).
    pub worst_input: f32,
    /// The kernel's output at `worst_input`.
    pub worst_output: f32,
    /// e^`worst_input` in f64.
    pub worst_exact: f64,
    /// Inputs outside the normal range whose output has the wrong class: not inf on overflow,
    /// not in [0, f32::MIN_POSITIVE] on underflow, not NaN for NaN.
    pub special_failures: u64,
    /// The first such input, if any.
    pub first_special_failure: Option<f32>,
}

impl SweepReport {
    fn empty(isa: Isa) -> Self {
        SweepReport {
            isa,
            inputs: 0,
            normal_results: 0,
            max_ulp: 0.0,
            worst_input: f32::NAN,
            worst_output: f32::NAN,
            worst_exact: f64::NAN,
            special_failures: 0,
            first_special_failure: None,
        }
    }

    /// Combines the reports of two ranges, `self` covering the lower bit patterns.
    fn merge(self, other: Self) -> Self {
        let worse = if other.max_ulp > self.max_ulp { other } else { self };
        SweepReport {
            inputs: self.inputs + other.inputs,
            normal_results: self.normal_results + other.normal_results,
            special_failures: self.special_failures + other.special_failures,
            first_special_failure: self.first_special_failure.or(other.first_special_failure),
            ..worse
        }
    }
}

/// e^x in f64 for an f32 input: the oracle of the sweep. For |x| < 2^-20 it uses
/// 1 + x + x^2/2 + x^3/6, whose truncation error (< 2^-84) is far below f64 rounding, to skip
/// a libm call on the three quarters of bit patterns that are tiny.
fn exact_exp(x: f32) -> f64 {
    let x = f64::from(x);
    if x.abs() < 1.0 / 1_048_576.0 { 1.0 + x * (1.0 + x * (0.5 + x / 6.0)) } else { x.exp() }
}

/// ULP of an f32 at the magnitude of `v` (a positive value in the normal f32 range): 2^(e-23)
/// for v in [2^e, 2^(e+1)), read off v's f64 exponent so no rounding to f32 is involved.
fn ulp_of(v: f64) -> f64 {
    let biased = (v.to_bits() >> 52) & 0x7FF;
    f64::from_bits((biased - 23) << 52)
}

fn check_chunk(isa: Isa, lo: u32, hi: u32) -> SweepReport {
    let x: Vec<f32> = (lo..=hi).map(f32::from_bits).collect();
    let mut y = vec![0.0f32; x.len()];
    exp_on(isa, &x, &mut y);
    let mut report = SweepReport::empty(isa);
    report.inputs = x.len() as u64;
    for (&x, &got) in x.iter().zip(&y) {
        let ok_special = if x.is_nan() {
            Some(got.is_nan())
        } else if x > 89.0 {
            Some(got == f32::INFINITY)
        } else if x < -104.0 {
            Some(got == 0.0)
        } else {
            None
        };
        let exact = match ok_special {
            Some(_) => None,
            None => Some(exact_exp(x)),
        };
        let ok_special = ok_special.or_else(|| {
            let exact = exact.expect("computed for in-range x");
            if exact as f32 == f32::INFINITY {
                Some(got == f32::INFINITY)
            } else if exact < f64::from(f32::MIN_POSITIVE) {
                Some((0.0..=f32::MIN_POSITIVE).contains(&got))
            } else {
                None
            }
        });
        match ok_special {
            Some(true) => {}
            Some(false) => {
                report.special_failures += 1;
                report.first_special_failure.get_or_insert(x);
            }
            None => {
                let exact = exact.expect("computed for in-range x");
                report.normal_results += 1;
                let err = (f64::from(got) - exact).abs() / ulp_of(exact);
                // NaN or inf where a normal result is due counts as an infinite error.
                let err = if err.is_nan() { f64::INFINITY } else { err };
                if err > report.max_ulp || report.worst_input.is_nan() {
                    report.max_ulp = err;
                    report.worst_input = x;
                    report.worst_output = got;
                    report.worst_exact = exact;
                }
            }
        }
    }
    report
}

/// Runs the `opts.isa` exp kernel on every f32 whose bit pattern lies in `bits` and compares it
/// with f64 `exp`; `0..=u32::MAX` is the exhaustive sweep (a few seconds per ISA in a release
/// build on a few cores). Threads as in `opts.threads`.
///
/// ```
/// use kernels::{Isa, Opts, math};
/// // Every input in [1.0, 2.0).
/// let report = math::exp_ulp_sweep(0x3F80_0000..=0x3FFF_FFFF, &Opts::single(Isa::Scalar)).unwrap();
/// assert!(report.max_ulp <= 2.0);
/// ```
///
/// # Errors
/// [`Error::IsaUnavailable`] when `opts` forces an ISA this CPU lacks.
pub fn exp_ulp_sweep(bits: RangeInclusive<u32>, opts: &Opts) -> Result<SweepReport, Error> {
    const CHUNK: u64 = 1 << 16;
    let isa = opts.resolve_isa("exp_ulp_sweep")?;
    let (lo, hi) = (u64::from(*bits.start()), u64::from(*bits.end()));
    if lo > hi {
        return Ok(SweepReport::empty(isa));
    }
    let chunks = (hi - lo) / CHUNK + 1;
    let report = parallel::install(opts.threads, || {
        (0..chunks)
            .into_par_iter()
            .map(|c| {
                let start = lo + c * CHUNK;
                let end = (start + CHUNK - 1).min(hi);
                check_chunk(isa, start as u32, end as u32)
            })
            .reduce(|| SweepReport::empty(isa), SweepReport::merge)
    });
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulp_of_matches_f32_spacing() {
        assert_eq!(ulp_of(1.0), f64::from(f32::EPSILON));
        assert_eq!(ulp_of(1.5), f64::from(f32::EPSILON));
        assert_eq!(ulp_of(0.75), f64::from(f32::EPSILON) / 2.0);
        // Just below 2: rounds to 2.0 as f32 but lies in [1, 2).
        assert_eq!(ulp_of(2.0 - 1e-12), f64::from(f32::EPSILON));
    }

    #[test]
    fn merge_keeps_the_worse_and_adds_counts() {
        let mut a = SweepReport::empty(Isa::Scalar);
        a.inputs = 3;
        a.max_ulp = 0.5;
        a.worst_input = 1.0;
        let mut b = SweepReport::empty(Isa::Scalar);
        b.inputs = 4;
        b.max_ulp = 0.7;
        b.worst_input = 2.0;
        b.special_failures = 1;
        b.first_special_failure = Some(9.0);
        let m = a.merge(b);
        assert_eq!((m.inputs, m.max_ulp, m.worst_input), (7, 0.7, 2.0));
        assert_eq!(m.first_special_failure, Some(9.0));
    }
}
