//! The exponentials every ISA shares: the constants, the Cody-Waite reduction and the two
//! polynomials (e^r on |r| <= ln2/2, 2^r on [0, 1)), written once over [`Vector`]. Each ISA
//! adds only its scaling by 2^n and the special values (see `crate::math` for the algorithm
//! and its error analysis).

use super::vector::Vector;

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
/// to f32. Its own error is 3.2e-9 relative (0.03 ULP). `C6` down to `C2`.
pub(crate) const EXP_POLY: [f32; 5] =
    [0.001_383_881_2, 0.008_369_192_5, 0.041_668_102, 0.166_665_17, 0.499_999_94];
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
/// error is 3.3e-9 relative; evaluated by Horner in f32 the result is within 1.3 ULP. `P6` down
/// to `P1`.
pub(crate) const EXP2_POLY: [f32; 6] =
    [0.000_216_116_46, 0.001_247_249_9, 0.009_674_483, 0.055_485_99, 0.240_229_1, 0.693_147_06];
/// Smallest exponent whose 2^x is a normal f32; anything below is flushed to zero.
pub(crate) const EXP2_LO: f32 = -126.0;
/// Largest exponent `exp2_small` and the SIMD versions accept (their scaling step does not
/// handle overflow); attention's exponents stay below a small margin.
pub(crate) const EXP2_HI: f32 = 64.0;

/// `(t, n, r)` for e^x = e^r 2^n: `t = x log2 e + ROUND_MAGIC` (its low mantissa bits hold
/// `n` in two's complement), `n = round(x log2 e)` and `r = x - n ln 2`, |r| <= ln2/2 plus
/// rounding. With FMA the products are exact inside the FMA; without it `LN2_HI_EXACT` keeps
/// `n * LN2_HI_EXACT` and the first subtraction exact. `x` must be finite and in
/// [`EXP_LO`, `EXP_CLAMP_HI`].
#[inline(always)]
pub(crate) fn reduce<K: Vector>(k: K, x: K::V) -> (K::V, K::V, K::V) {
    let (hi, lo) = if K::FMA { (LN2_HI, LN2_LO) } else { (LN2_HI_EXACT, LN2_LO_EXACT) };
    let t = k.mul_add(x, k.splat(LOG2E), k.splat(ROUND_MAGIC));
    let n = k.sub(t, k.splat(ROUND_MAGIC));
    let r = k.neg_mul_add(n, k.splat(hi), x);
    (t, n, k.neg_mul_add(n, k.splat(lo), r))
}

/// e^r on |r| <= ln2/2: `1 + r(1 + r(C2 + ... + r C6))` by Horner, one FMA a step; without
/// FMA the last two steps are `(p r + r) + 1`, which rounds better unfused. In [0.7, 1.42].
#[inline(always)]
pub(crate) fn poly_e<K: Vector>(k: K, r: K::V) -> K::V {
    let [c6, c5, c4, c3, c2] = EXP_POLY;
    let mut p = k.mul_add(k.splat(c6), r, k.splat(c5));
    p = k.mul_add(p, r, k.splat(c4));
    p = k.mul_add(p, r, k.splat(c3));
    p = k.mul_add(p, r, k.splat(c2));
    if K::FMA {
        p = k.mul_add(p, r, k.splat(1.0));
        k.mul_add(p, r, k.splat(1.0))
    } else {
        let p = k.mul(p, r);
        k.add(k.mul_add(p, r, r), k.splat(1.0))
    }
}

/// 2^r on [0, 1): `1 + r(P1 + r(P2 + ... + r P6))` by Horner. In [1, 2).
#[inline(always)]
pub(crate) fn poly_2<K: Vector>(k: K, r: K::V) -> K::V {
    let [p6, p5, p4, p3, p2, p1] = EXP2_POLY;
    let mut p = k.mul_add(k.splat(p6), r, k.splat(p5));
    p = k.mul_add(p, r, k.splat(p4));
    p = k.mul_add(p, r, k.splat(p3));
    p = k.mul_add(p, r, k.splat(p2));
    p = k.mul_add(p, r, k.splat(p1));
    k.mul_add(p, r, k.splat(1.0))
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
}
