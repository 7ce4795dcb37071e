//! Element-wise activations of a transformer's feed-forward block, forward and backward: GELU
//! (erf or tanh form), SiLU and SwiGLU, dispatched to AVX-512, AVX2+FMA or scalar and split
//! over threads in chunks (`crate::elementwise`).
//!
//! # Forms
//! Each is written so that no step cancels, which keeps the relative accuracy in the tails
//! where `1 + erf` or `1 + tanh` would round to 0:
//! - the logistic function `s(z) = 1 / (1 + e^-z)` is formed from `t = e^-|z|` (never
//!   overflows): `s = 1 / (1 + t)` for z > 0, `t / (1 + t)` otherwise, and `s (1 - s)` as
//!   `t / (1 + t)^2`; `1 / (1 + t)`, with `1 + t` in [1, 2], is the hardware's reciprocal
//!   estimate refined by a Newton step. SiLU is `x s(x)`; GELU-tanh is `x s(2u)` with
//!   `u = sqrt(2/pi) (x + 0.044715 x^3)`, since `(1 + tanh u) / 2 = s(2u)`, its exponential
//!   taken in base 2 on `-|2u| log2 e`, formed with the rounding of its last product carried
//!   along.
//! - GELU-erf is `x Phi(x)` with the normal CDF taken from its lower tail,
//!   `Phi(-|x|) = erfc(|x| / sqrt 2) / 2 = e^(-x^2/2) Q(|x|) / 2`, where `Q` is smooth and
//!   fitted by a polynomial in `1 / (1 + 0.3 |x|)` (relative error 4.3e-7 in f32), and
//!   `Phi(x) = 1 - Phi(-x)` for x > 0, which never falls below 1/2. `x^2/2` is rounded once
//!   before the exponential, so the exponent's error stays below 2^-24 of it.
//!
//! # Accuracy
//! Against float64, on every ISA: forward results within `1e-5 |exact| + 1e-35`; gradients
//! within `2e-5 |exact| + 2e-7 |dy|` (`kernels::reference::activation` states the bounds, the
//! tests hold every ISA to them). GELU-erf(-10) is -7.6e-23 here, where `x (1 + erf)` gives 0.

use crate::arch::generic::activation as ops;
use crate::arch::generic::elementwise::Pointwise;
use crate::elementwise::map;
use crate::{Error, Opts};

/// Which GELU: the exact `x Phi(x)` or PyTorch's `approximate='tanh'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gelu {
    /// `x Phi(x) = x erfc(-x / sqrt 2) / 2`.
    Erf,
    /// `x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2`.
    Tanh,
}

/// Runs a gradient `dx = op(x, dy)` with its checks.
fn backward<U: Pointwise<2, 1> + Send + Sync>(
    name: &'static str,
    op: U,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    map(name, op, [("x", x), ("dy", dy)], [("dx", dx)], opts)
}

/// GELU of every element of `x`, written to `y`.
///
/// ```
/// use kernels::activation::{Gelu, gelu};
/// let x = [0.0f32, 1.0, -10.0];
/// let mut y = [0.0f32; 3];
/// gelu(&x, &mut y, Gelu::Erf, &kernels::Opts::default()).unwrap();
/// assert!((y[1] - 0.841_344_7).abs() < 1e-6);
/// assert!((y[2] / -7.619_853e-23 - 1.0).abs() < 1e-5);
/// ```
///
/// # Errors
/// [`Error::Len`] when `x` and `y` differ in length; [`Error::IsaUnavailable`] when `opts`
/// forces an ISA this CPU lacks.
pub fn gelu(x: &[f32], y: &mut [f32], approx: Gelu, opts: &Opts) -> Result<(), Error> {
    let (x, y) = ([("x", x)], [("y", y)]);
    match approx {
        Gelu::Erf => map("gelu", ops::GeluErf, x, y, opts),
        Gelu::Tanh => map("gelu", ops::GeluTanh, x, y, opts),
    }
}

/// Gradient of [`gelu`]: `dx = dy * gelu'(x)`.
///
/// # Errors
/// [`Error::Len`] unless `x`, `dy` and `dx` have one length; otherwise as [`gelu`].
pub fn gelu_backward(x: &[f32], dy: &[f32], dx: &mut [f32], approx: Gelu, opts: &Opts) -> Result<(), Error> {
    match approx {
        Gelu::Erf => backward("gelu_backward", ops::Grad(ops::GeluErf), x, dy, dx, opts),
        Gelu::Tanh => backward("gelu_backward", ops::Grad(ops::GeluTanh), x, dy, dx, opts),
    }
}

/// SiLU (swish) of every element of `x`, written to `y`: `y = x / (1 + e^-x)`.
///
/// # Errors
/// As [`gelu`].
pub fn silu(x: &[f32], y: &mut [f32], opts: &Opts) -> Result<(), Error> {
    map("silu", ops::Silu, [("x", x)], [("y", y)], opts)
}

/// Gradient of [`silu`]: `dx = dy * s(x) (1 + x (1 - s(x)))`, s the logistic function.
///
/// # Errors
/// As [`gelu_backward`].
pub fn silu_backward(x: &[f32], dy: &[f32], dx: &mut [f32], opts: &Opts) -> Result<(), Error> {
    backward("silu_backward", ops::Grad(ops::Silu), x, dy, dx, opts)
}

/// SwiGLU's gating: `y = silu(gate) * up`, element by element.
///
/// # Errors
/// [`Error::Len`] unless `gate`, `up` and `y` have one length; [`Error::IsaUnavailable`] when
/// `opts` forces an ISA this CPU lacks.
pub fn swiglu(gate: &[f32], up: &[f32], y: &mut [f32], opts: &Opts) -> Result<(), Error> {
    map("swiglu", ops::Swiglu, [("gate", gate), ("up", up)], [("y", y)], opts)
}

/// Gradients of [`swiglu`]: `dgate = dy * up * silu'(gate)`, `dup = dy * silu(gate)`.
///
/// # Errors
/// [`Error::Len`] unless all five slices have one length; otherwise as [`swiglu`].
pub fn swiglu_backward(
    gate: &[f32],
    up: &[f32],
    dy: &[f32],
    dgate: &mut [f32],
    dup: &mut [f32],
    opts: &Opts,
) -> Result<(), Error> {
    let x = [("gate", gate), ("up", up), ("dy", dy)];
    map("swiglu_backward", ops::SwigluGrad, x, [("dgate", dgate), ("dup", dup)], opts)
}
