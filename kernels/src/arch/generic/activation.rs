//! GELU (erf and tanh forms), SiLU and SwiGLU with their gradients, written once over
//! [`Vector`] as [`Pointwise`] ops for `elementwise::map`; the forms and their accuracy are
//! described in `crate::activation`.
//!
//! Nothing here subtracts nearly equal numbers: the logistic function s(z) is taken from
//! e^-|z|, which never overflows, and the normal CDF from its tail `Phi(-|x|)` =
//! e^(-x^2/2) Q(|x|) / 2, so both keep their relative accuracy far into the tails.

use super::elementwise::{Pointwise, Unary};
use super::vector::Vector;

/// `t = 1 / (1 + Q_P a)`: the variable of [`Q_C`].
pub(crate) const Q_P: f32 = 0.3;
/// Q(a) = erfc(a / sqrt 2) e^(a^2 / 2) ~ t (Q_C[0] + Q_C[1] t + ... + Q_C[7] t^7) for
/// `t = 1 / (1 + Q_P a)`, a >= 0: a relative-error fit on a in [0, 14] (iteratively
/// reweighted least squares towards minimax), each coefficient refitted after rounding the
/// previous ones to f32. Its own error is 1.5e-7 relative; evaluated in f32 by Horner,
/// t included, 4.3e-7. Q falls from 1 at a = 0 like sqrt(2 / pi) / a, as t does.
pub(crate) const Q_C: [f32; 8] = [
    0.239_258_59,
    0.241_508_28,
    0.199_824_44,
    0.257_132_92,
    -0.107_388_01,
    0.412_732_24,
    -0.314_422_43,
    0.071_353_84,
];
/// 1 / sqrt(2 pi): the normal density at 0.
const INV_SQRT_2PI: f32 = 0.398_942_3;
/// GELU-tanh's `2u = x (TANH_C1 + TANH_C3 x^2)`, u = sqrt(2/pi) (x + 0.044715 x^3).
const TANH_C1: f32 = 1.595_769_2;
const TANH_C3: f32 = 0.071_354_814;
/// The same in base 2, `2u log2(e) = x (TANH_A1 + TANH_A3 x^2)`: `TANH_C1 log2(e)` and
/// `TANH_C3 log2(e)`, each rounded once from the exact product.
const TANH_A1: f32 = 2.302_208_2;
const TANH_A3: f32 = 0.102_943_24;

/// Lanes where `x <= 0`, given `nabs = -|x|`: there and only there x equals it (NaN does not).
#[inline(always)]
fn nonpositive<K: Vector>(k: K, x: K::V, nabs: K::V) -> K::Mask {
    k.eq(x, nabs)
}

/// `p - a b` for `p = a b` rounded: the product's rounding error, negated. Exact with FMA;
/// without, Dekker's product of the halves of Veltkamp's split (|a|, |b| < 2^100, so that
/// nothing overflows).
#[inline(always)]
fn product_rounding<K: Vector>(k: K, a: K::V, b: K::V, p: K::V) -> K::V {
    if K::FMA {
        return k.neg_mul_add(a, b, p);
    }
    let split = |v: K::V| {
        let c = k.mul(v, k.splat(4097.0));
        let hi = k.sub(c, k.sub(c, v));
        (hi, k.sub(v, hi))
    };
    let ((ah, al), (bh, bl)) = (split(a), split(b));
    let e = k.add(k.sub(k.mul(ah, bh), p), k.add(k.mul(ah, bl), k.mul(al, bh)));
    k.sub(k.splat(0.0), k.add(e, k.mul(al, bl)))
}

/// The logistic function s(z) = 1 / (1 + e^-z) is taken from `t = e^-|z|`, which never
/// overflows: this gives `t` and the lanes where z <= 0, for [`sigmoid`] or [`sigmoid_slope`].
#[inline(always)]
fn exp_neg_abs<K: Vector>(k: K, z: K::V) -> (K::Mask, K::V) {
    let nabs = k.neg_abs(z);
    (nonpositive(k, z, nabs), k.exp_nonpositive(nabs))
}

/// s(z) from `t = e^-|z|`: with `d = 1 / (1 + t)` (1 + t is in [1, 2]), s = d for z > 0,
/// t d otherwise.
#[inline(always)]
fn sigmoid<K: Vector>(k: K, (nonpos, t): (K::Mask, K::V)) -> K::V {
    let d = k.recip(k.add(k.splat(1.0), t));
    k.select(nonpos, k.mul(t, d), d)
}

/// `(s, s(1 - s))` from `t = e^-|z|`: with `d = 1 / (1 + t)`, s = d for z > 0, t d otherwise,
/// and s(1 - s) = t d^2 on both sides, with no cancellation in 1 - s.
#[inline(always)]
fn sigmoid_slope<K: Vector>(k: K, (nonpos, t): (K::Mask, K::V)) -> (K::V, K::V) {
    let d = k.recip(k.add(k.splat(1.0), t));
    let td = k.mul(t, d);
    (k.select(nonpos, td, d), k.mul(td, d))
}

/// (Phi(x), e^(-x^2/2)) for the normal CDF Phi: `h = Phi(-|x|) = e^(-x^2/2) Q(|x|) / 2`, and
/// Phi(x) = 1 - h for x > 0, h otherwise. x^2/2 is rounded once (x*x, then an exact halving),
/// which keeps the exponential within 4e-6 relative wherever the result is normal.
#[inline(always)]
fn normal_cdf<K: Vector>(k: K, x: K::V) -> (K::V, K::V) {
    let e = k.exp_nonpositive(k.mul(k.mul(x, x), k.splat(-0.5)));
    let nabs = k.neg_abs(x);
    let t = k.div(k.splat(1.0), k.neg_mul_add(nabs, k.splat(Q_P), k.splat(1.0)));
    // Q / 2, the halving folded into the coefficients (exact).
    let mut q = k.splat(Q_C[7] * 0.5);
    for &c in Q_C[..7].iter().rev() {
        q = k.mul_add(q, t, k.splat(c * 0.5));
    }
    let h = k.mul(e, k.mul(q, t));
    (k.select(nonpositive(k, x, nabs), h, k.sub(k.splat(1.0), h)), e)
}

/// Inputs past this magnitude saturate GELU-tanh's logistic (|2u| > 600): its argument is
/// formed from |x| clamped here, which keeps every intermediate finite.
const TANH_CLAMP: f32 = 20.0;

/// What GELU-tanh and its derivative are made of, for `2u = x (TANH_C1 + TANH_C3 x^2)`.
struct TanhParts<K: Vector> {
    /// The lanes where `2u <= 0` and `e^-|2u|`, for [`sigmoid`] and [`sigmoid_slope`].
    exp: (K::Mask, K::V),
    /// `2u'`.
    slope: K::V,
}

/// GELU-tanh's [`TanhParts`].
///
/// The exponential turns an absolute error in its exponent into a relative one in the result,
/// and |2u| reaches 70 where the results still matter (below 1e-30 the bound's absolute floor
/// takes over), so the exponent, taken in base 2 as `-|2u| log2(e)` (which the hardware
/// reduces exactly), is formed as `hi - lo` with the rounding of the last product carried in
/// `lo`: what is left is the rounding of `x^2`, of the multiply-add and of the constants,
/// about 2 * 2^-24 |2u|, 8.5e-6 relative at most and within the 1e-5 asked. `2u` has the sign
/// of `x` (the factor in parentheses is positive), so all of it is taken on |x|.
#[inline(always)]
fn tanh_parts<K: Vector>(k: K, x: K::V) -> TanhParts<K> {
    let nabs = k.neg_abs(x);
    // -min(|x|, TANH_CLAMP); NaN becomes the clamp, and the caller's `x s(2u)` stays NaN.
    let nax = k.max(nabs, k.splat(-TANH_CLAMP));
    let xx = k.mul(nax, nax);
    let w = k.mul_add(xx, k.splat(TANH_A3), k.splat(TANH_A1));
    let hi = k.mul(nax, w);
    // -|2u| log2(e) = hi - lo to within the roundings of xx and w, with lo the rounding of
    // the last product.
    let lo = product_rounding(k, nax, w, hi);
    // 2^(hi - lo) = 2^hi (1 - lo ln 2), within (2^-24 |2u|)^2.
    let t = k.exp2(hi);
    let t = k.neg_mul_add(k.mul(t, lo), k.splat(std::f32::consts::LN_2), t);
    let slope = k.mul_add(xx, k.splat(3.0 * TANH_C3), k.splat(TANH_C1));
    TanhParts { exp: (nonpositive(k, x, nabs), t), slope }
}

/// An activation's derivative `f'(x)` on one vector: what its gradient [`Grad`] needs.
pub(crate) trait Derivative: Copy {
    fn derivative<K: Vector>(self, k: K, x: K::V) -> K::V;
}

/// The gradient of the activation `D`: `dx = dy f'(x)` from `[x, dy]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Grad<D>(pub D);

impl<D: Derivative> Pointwise<2, 1> for Grad<D> {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, [x, dy]: [K::V; 2]) -> [K::V; 1] {
        [k.mul(dy, self.0.derivative(k, x))]
    }
}

/// GELU, erf form: `x Phi(x)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GeluErf;

impl Unary for GeluErf {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V {
        k.mul(x, normal_cdf(k, x).0)
    }
}

/// `Phi(x) + x phi(x)`.
impl Derivative for GeluErf {
    #[inline(always)]
    fn derivative<K: Vector>(self, k: K, x: K::V) -> K::V {
        let (cdf, e) = normal_cdf(k, x);
        let x_pdf = k.mul(x, k.mul(e, k.splat(INV_SQRT_2PI)));
        k.add(cdf, x_pdf)
    }
}

/// GELU, tanh form: `x (1 + tanh u) / 2 = x s(2u)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GeluTanh;

impl Unary for GeluTanh {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V {
        k.mul(x, sigmoid(k, tanh_parts(k, x).exp))
    }
}

/// `s + x s(1 - s) 2u'`, s = s(2u).
impl Derivative for GeluTanh {
    #[inline(always)]
    fn derivative<K: Vector>(self, k: K, x: K::V) -> K::V {
        let TanhParts { exp, slope, .. } = tanh_parts(k, x);
        let (s, ds) = sigmoid_slope(k, exp);
        k.mul_add(k.mul(x, ds), slope, s)
    }
}

/// SiLU: `x s(x)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Silu;

impl Unary for Silu {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V {
        k.mul(x, sigmoid(k, exp_neg_abs(k, x)))
    }
}

/// `s + x s(1 - s)`, s = s(x).
impl Derivative for Silu {
    #[inline(always)]
    fn derivative<K: Vector>(self, k: K, x: K::V) -> K::V {
        let (s, ds) = sigmoid_slope(k, exp_neg_abs(k, x));
        k.mul_add(x, ds, s)
    }
}

/// SwiGLU: `y = silu(gate) up` from `[gate, up]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Swiglu;

impl Pointwise<2, 1> for Swiglu {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, [gate, up]: [K::V; 2]) -> [K::V; 1] {
        [k.mul(Unary::apply(Silu, k, gate), up)]
    }
}

/// SwiGLU's gradients `[dgate, dup] = [dy up silu'(gate), dy silu(gate)]` from
/// `[gate, up, dy]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SwigluGrad;

impl Pointwise<3, 2> for SwigluGrad {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, [gate, up, dy]: [K::V; 3]) -> [K::V; 2] {
        let (s, ds) = sigmoid_slope(k, exp_neg_abs(k, gate));
        let dsilu = k.mul_add(gate, ds, s);
        [k.mul(k.mul(dy, up), dsilu), k.mul(dy, k.mul(gate, s))]
    }
}
