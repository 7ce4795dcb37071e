//! Scalar e^x, and the constants every ISA's exp shares (see `crate::math` for the algorithm
//! and its error analysis).

/// log2(e), rounded to f32.
pub(crate) const LOG2E: f32 = std::f32::consts::LOG2_E;
/// 1.5 * 2^23: adding it rounds |t| < 2^22 to an integer held in the low mantissa bits.
pub(crate) const ROUND_MAGIC: f32 = 12_582_912.0;
/// ln 2 split for Cody-Waite reduction with FMA: `LN2_HI` = ln 2 rounded to f32,
/// `LN2_LO` = ln 2 - `LN2_HI` rounded to f32.
pub(crate) const LN2_HI: f32 = std::f32::consts::LN_2;
pub(crate) const LN2_LO: f32 = -1.904_654_3e-9;
/// ln 2 split for reduction without FMA: `LN2_HI_EXACT` has 9 significant bits, so
/// `n * LN2_HI_EXACT` is exact for |n| < 2^15 and `x - n * LN2_HI_EXACT` is exact (Sterbenz).
pub(crate) const LN2_HI_EXACT: f32 = 0.693_359_4; // = 355/512 exactly
pub(crate) const LN2_LO_EXACT: f32 = -2.121_944_4e-4;
/// e^r ~ 1 + r + C2 r^2 + ... + C6 r^6 on |r| <= ln2/2: a relative-error minimax fit with the
/// first two coefficients pinned to 1 and each later one refitted after rounding the previous
/// to f32. Its own error is 3.2e-9 relative (0.03 ULP).
pub(crate) const C2: f32 = 0.499_999_94;
pub(crate) const C3: f32 = 0.166_665_17;
pub(crate) const C4: f32 = 0.041_668_102;
pub(crate) const C5: f32 = 0.008_369_192_5;
pub(crate) const C6: f32 = 0.001_383_881_2;
/// Largest f32 whose e^x rounds below f32::MAX (0x42B17217); anything above overflows to inf.
pub(crate) const EXP_HI: f32 = 88.722_83;
/// Smallest f32 whose e^x is a normal f32 (0xC2AEAC4F, just above ln 2^-126); anything below
/// is flushed to zero.
pub(crate) const EXP_LO: f32 = -87.336_54;
/// Upper clamp for the AVX-512 kernel: e^89 overflows to inf like every larger input.
pub(crate) const EXP_CLAMP_HI: f32 = 89.0;

/// 2^r ~ 1 + P1 r + ... + P6 r^6 on 0 <= r < 1, for attention's exponentials, taken as
/// `2^(x log2 e)` (the reduction is `r = t - floor(t)`, exact): a relative-error minimax fit with the constant
/// pinned to 1 and each coefficient refitted after rounding the previous ones to f32. Its own
/// error is 3.3e-9 relative; evaluated by Horner in f32 the result is within 1.3 ULP.
pub(crate) const P1: f32 = 0.693_147_06;
pub(crate) const P2: f32 = 0.240_229_1;
pub(crate) const P3: f32 = 0.055_485_99;
pub(crate) const P4: f32 = 0.009_674_483;
pub(crate) const P5: f32 = 0.001_247_249_9;
pub(crate) const P6: f32 = 0.000_216_116_46;
/// Smallest exponent whose 2^x is a normal f32; anything below is flushed to zero.
pub(crate) const EXP2_LO: f32 = -126.0;
/// Largest exponent `exp2_small` and the SIMD versions accept (their scaling step does not
/// handle overflow); attention's exponents stay below a small margin.
pub(crate) const EXP2_HI: f32 = 64.0;

/// e^x as `2^(x log2 e)` for x <= `EXP2_HI` ln 2 (~44): the attention kernels' exponential.
/// The product's rounding makes the relative error grow with |x|, to about (1.3 + |x|) ULP,
/// which only matters for terms that are already small against the row's largest. +0 below
/// the normal range, NaN for NaN.
#[inline(always)]
pub(crate) fn exp_small(x: f32) -> f32 {
    exp2_small(x * LOG2E)
}

/// 2^x for x <= `EXP2_HI` (larger x are clamped there), +0 below the normal range, NaN for NaN:
/// the reduction and polynomial of the SIMD versions, without FMA.
#[inline(always)]
fn exp2_small(x: f32) -> f32 {
    let xc = x.clamp(EXP2_LO, EXP2_HI);
    let xc = if xc.is_nan() { 0.0 } else { xc };
    let n = xc.floor();
    let r = xc - n;
    let p = (((((P6 * r + P5) * r + P4) * r + P3) * r + P2) * r + P1) * r + 1.0;
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

/// e^x for one f32, same reduction and polynomial as the SIMD kernels but without FMA (so it
/// uses the exact split of ln 2). Subnormal results flush to 0.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    // Clamp first so the arithmetic below never sees inf or NaN; the selects at the end put
    // the special cases back. Written branch-free so loops over it can vectorise.
    let xc = x.clamp(EXP_LO, EXP_HI);
    let xc = if xc.is_nan() { 0.0 } else { xc };
    let t = xc * LOG2E + ROUND_MAGIC;
    let n = t - ROUND_MAGIC;
    let r = (xc - n * LN2_HI_EXACT) - n * LN2_LO_EXACT;
    let p = ((((C6 * r + C5) * r + C4) * r + C3) * r + C2) * r;
    let p = p * r + r + 1.0;
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

/// Writes `e^x[i]` into `y[i]`; the caller has checked `x.len() == y.len()`.
pub(crate) fn exp_slice(x: &[f32], y: &mut [f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = exp(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_the_documented_bit_patterns() {
        assert_eq!(EXP_HI.to_bits(), 0x42B1_7217);
        assert_eq!(EXP_LO.to_bits(), 0xC2AE_AC4F);
        assert!((f64::from(EXP_HI)).exp() < f64::from(f32::MAX));
        assert!((f64::from(f32::from_bits(0x42B1_7218))).exp() > f64::from(f32::MAX));
        assert!((f64::from(EXP_LO)).exp() >= f64::from(f32::MIN_POSITIVE));
        assert!((f64::from(f32::from_bits(0xC2AE_AC50))).exp() < f64::from(f32::MIN_POSITIVE));
        let ln2 = std::f64::consts::LN_2;
        assert_eq!(LN2_HI, ln2 as f32);
        assert_eq!(LN2_LO, (ln2 - f64::from(LN2_HI)) as f32);
        assert_eq!(LN2_HI_EXACT.to_bits() & 0x7FFF, 0);
        assert_eq!(LN2_LO_EXACT, (ln2 - f64::from(LN2_HI_EXACT)) as f32);
    }

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
