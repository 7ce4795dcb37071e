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
    fn special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(89.0), f32::INFINITY);
        assert_eq!(exp(-100.0), 0.0);
        assert!(exp(f32::NAN).is_nan());
    }
}
