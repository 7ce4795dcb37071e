//! GELU (both forms), SiLU and SwiGLU, forward and backward, written once: the f64 oracles
//! (with the normal CDF evaluated here, since std has no stable erf), the error bounds, the
//! seeded inputs and the `compare` drivers the tests, `harness run` and the golden cases use.

use super::golden::Golden;
use super::{At, Rng, Sample};
use crate::activation::{self as kernel, Gelu};
use crate::{Error, Opts};

/// Forward bound: `FORWARD_REL |exact| + FORWARD_ABS` (the second term times `|up|` for
/// SwiGLU, see [`forward_bound`]). The kernels' errors: the fit of the normal tail (4.3e-7 in
/// f32), the exponential (under 2 ULP), and the rounding of the exponent `z`, which becomes a
/// relative error of `|z| 2^-24` per rounding, up to 87 2^-24 = 5.2e-6 where the result is
/// still normal: GELU-erf rounds `x^2/2` once, GELU-tanh carries all but about 1.6 roundings
/// separately. Below 1e-35 (around x = -13 for GELU) results may flush to 0.
pub const FORWARD_REL: f64 = 1e-5;
pub const FORWARD_ABS: f64 = 1e-35;
/// Gradient bound: `GRAD_REL |exact| + GRAD_ABS |dy|` (`|dy up|` for SwiGLU's `dgate`): the
/// derivative is a sum of two terms that cancel where it crosses zero, so its error is
/// relative to the terms, not to their sum.
pub const GRAD_REL: f64 = 2e-5;
pub const GRAD_ABS: f64 = 2e-7;

/// Phi(-a) for a >= 0: the upper tail of the standard normal distribution, to about 1e-13
/// relative. Below a = 3, `1/2 - phi(a) sum_n a^(2n+1) / (1 3 5 ... (2n+1))` (positive terms);
/// from 3 on, Laplace's continued fraction `phi(a) / (a + 1/(a + 2/(a + ...)))`, 80 terms deep.
/// `a^2/2` is exact for an f32 `a`, so `phi(a)` is within an ULP.
pub fn normal_tail(a: f64) -> f64 {
    let pdf = (-a * a / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    if a < 3.0 {
        let (mut term, mut sum, mut n) = (a, a, 1.0);
        while term > 1e-18 * sum {
            term *= a * a / (2.0 * n + 1.0);
            sum += term;
            n += 1.0;
        }
        return 0.5 - pdf * sum;
    }
    let mut fraction = a;
    for n in (1..=80).rev() {
        fraction = a + f64::from(n) / fraction;
    }
    pdf / fraction
}

/// The normal CDF Phi(x).
pub fn normal_cdf(x: f64) -> f64 {
    if x > 0.0 { 1.0 - normal_tail(x) } else { normal_tail(-x) }
}

/// The logistic function 1 / (1 + e^-z) and its derivative, without overflow.
pub fn logistic(z: f64) -> (f64, f64) {
    let t = (-z.abs()).exp();
    let s = if z > 0.0 { 1.0 / (1.0 + t) } else { t / (1.0 + t) };
    (s, t / ((1.0 + t) * (1.0 + t)))
}

/// GELU-tanh's `2u = 2 sqrt(2/pi) (x + 0.044715 x^3)` and its derivative.
fn tanh_arg(x: f64) -> (f64, f64) {
    let c = 2.0 * (2.0 / std::f64::consts::PI).sqrt();
    (c * (x + 0.044_715 * x * x * x), c * (1.0 + 3.0 * 0.044_715 * x * x))
}

/// The activations of one input, so that tests and reports drive them alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Gelu(Gelu),
    Silu,
}

impl Activation {
    pub const ALL: [Activation; 3] =
        [Activation::Gelu(Gelu::Erf), Activation::Gelu(Gelu::Tanh), Activation::Silu];

    pub fn name(self) -> &'static str {
        match self {
            Activation::Gelu(Gelu::Erf) => "gelu_erf",
            Activation::Gelu(Gelu::Tanh) => "gelu_tanh",
            Activation::Silu => "silu",
        }
    }

    /// f(x) in f64.
    pub fn exact(self, x: f64) -> f64 {
        match self {
            Activation::Gelu(Gelu::Erf) => x * normal_cdf(x),
            Activation::Gelu(Gelu::Tanh) => x * logistic(tanh_arg(x).0).0,
            Activation::Silu => x * logistic(x).0,
        }
    }

    /// f'(x) in f64.
    pub fn exact_grad(self, x: f64) -> f64 {
        match self {
            Activation::Gelu(Gelu::Erf) => {
                normal_cdf(x) + x * (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt()
            }
            Activation::Gelu(Gelu::Tanh) => {
                let (z, dz) = tanh_arg(x);
                let (s, ds) = logistic(z);
                s + x * ds * dz
            }
            Activation::Silu => {
                let (s, ds) = logistic(x);
                s + x * ds
            }
        }
    }

    /// The kernel's forward pass.
    pub fn forward(self, x: &[f32], y: &mut [f32], opts: &Opts) -> Result<(), Error> {
        match self {
            Activation::Gelu(approx) => kernel::gelu(x, y, approx, opts),
            Activation::Silu => kernel::silu(x, y, opts),
        }
    }

    /// The kernel's backward pass.
    pub fn backward(self, x: &[f32], dy: &[f32], dx: &mut [f32], opts: &Opts) -> Result<(), Error> {
        match self {
            Activation::Gelu(approx) => kernel::gelu_backward(x, dy, dx, approx, opts),
            Activation::Silu => kernel::silu_backward(x, dy, dx, opts),
        }
    }
}

/// Every activation pass, forward and backward, as one list, for the sweeps that treat them
/// alike (guard pages, benchmarks): each reads `inputs()` slices and writes `outputs()`, all of
/// one length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    Forward(Activation),
    Backward(Activation),
    Swiglu,
    SwigluBackward,
}

impl Pass {
    pub const ALL: [Pass; 8] = [
        Pass::Forward(Activation::Gelu(Gelu::Erf)),
        Pass::Backward(Activation::Gelu(Gelu::Erf)),
        Pass::Forward(Activation::Gelu(Gelu::Tanh)),
        Pass::Backward(Activation::Gelu(Gelu::Tanh)),
        Pass::Forward(Activation::Silu),
        Pass::Backward(Activation::Silu),
        Pass::Swiglu,
        Pass::SwigluBackward,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pass::Forward(op) => op.name(),
            Pass::Backward(Activation::Gelu(Gelu::Erf)) => "gelu_erf_backward",
            Pass::Backward(Activation::Gelu(Gelu::Tanh)) => "gelu_tanh_backward",
            Pass::Backward(Activation::Silu) => "silu_backward",
            Pass::Swiglu => "swiglu",
            Pass::SwigluBackward => "swiglu_backward",
        }
    }

    /// `x` (x), `[x, dy]`, `[gate, up]` or `[gate, up, dy]`.
    pub fn inputs(self) -> usize {
        match self {
            Pass::Forward(_) => 1,
            Pass::Backward(_) | Pass::Swiglu => 2,
            Pass::SwigluBackward => 3,
        }
    }

    /// `[y]`, `[dx]` or `[dgate, dup]`.
    pub fn outputs(self) -> usize {
        if self == Pass::SwigluBackward { 2 } else { 1 }
    }

    /// The kernel on `inputs()` slices and `outputs()` slices.
    ///
    /// # Panics
    /// If `x` or `y` holds too few slices.
    pub fn run(self, x: &[&[f32]], y: &mut [&mut [f32]], opts: &Opts) -> Result<(), Error> {
        match (self, y) {
            (Pass::Forward(op), [y, ..]) => op.forward(x[0], y, opts),
            (Pass::Backward(op), [dx, ..]) => op.backward(x[0], x[1], dx, opts),
            (Pass::Swiglu, [y, ..]) => kernel::swiglu(x[0], x[1], y, opts),
            (Pass::SwigluBackward, [dgate, dup, ..]) => {
                kernel::swiglu_backward(x[0], x[1], x[2], dgate, dup, opts)
            }
            (pass, y) => panic!("{} writes {} outputs, not {}", pass.name(), pass.outputs(), y.len()),
        }
    }
}

/// See [`FORWARD_REL`]; `scale` is 1, or `|up|` for SwiGLU, whose product scales the
/// absolute error of `silu(gate)` (the exponential flushes results below 2^-126 to 0).
pub fn forward_bound(exact: f64, scale: f64) -> f64 {
    FORWARD_REL * exact.abs() + FORWARD_ABS * scale
}

/// See [`GRAD_REL`]; `scale` is `|dy|` (`|dy up|` for `dgate`).
pub fn grad_bound(exact: f64, scale: f64) -> f64 {
    GRAD_REL * exact.abs() + GRAD_ABS * scale + 1e-37
}

/// Inputs worth checking, `n` of them from `seed`: a quarter in [-6, 6] (the working range),
/// a quarter in [-16, -8] (the lower tails, where results fall through 1e-35), a quarter in
/// [-100, 100], and the rest close to 0 (|x| < 1e-3); with the special values of
/// [`SPECIAL_INPUTS`] first.
pub fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let ranges = [(-6.0, 6.0), (-16.0, -8.0), (-100.0, 100.0), (-1e-3, 1e-3)];
    let random = (0..).map(|i| {
        let (lo, hi) = ranges[i % 4];
        rng.uniform(lo, hi)
    });
    SPECIAL_INPUTS.into_iter().chain(random).take(n).collect()
}

/// Zeros, tiny values, the tails (where `1 + erf` cancels), the saturation of the logistic and
/// the infinities (where `x f(x)` is `inf * 0`, NaN, at -inf, as in PyTorch).
pub const SPECIAL_INPUTS: [f32; 18] = [
    0.0,
    -0.0,
    1e-30,
    -1e-30,
    1.0,
    -1.0,
    5.0,
    -5.0,
    10.0,
    -10.0,
    -12.0,
    -13.0,
    30.0,
    -30.0,
    100.0,
    -100.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
];

/// The kernel's `(f(x), dy f'(x))` for `op`; panics if it refuses a valid call.
pub fn run(op: Activation, x: &[f32], dy: &[f32], opts: &Opts) -> (Vec<f32>, Vec<f32>) {
    let (mut y, mut dx) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    op.forward(x, &mut y, opts).expect("a valid call");
    op.backward(x, dy, &mut dx, opts).expect("a valid call");
    (y, dx)
}

/// The kernel's SwiGLU `(y, dgate, dup)`; panics if it refuses a valid call.
pub fn run_swiglu(gate: &[f32], up: &[f32], dy: &[f32], opts: &Opts) -> [Vec<f32>; 3] {
    let n = gate.len();
    let (mut y, mut dgate, mut dup) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    kernel::swiglu(gate, up, &mut y, opts).expect("a valid call");
    kernel::swiglu_backward(gate, up, dy, &mut dgate, &mut dup, opts).expect("a valid call");
    [y, dgate, dup]
}

/// Runs `op` forward on `x` and backward with `dy`, and hands every output, against the f64
/// oracle, to `sink`.
pub fn compare(op: Activation, x: &[f32], dy: &[f32], opts: &Opts, sink: impl FnMut(Sample)) {
    let want_y: Vec<f64> = x.iter().map(|&x| op.exact(f64::from(x))).collect();
    let want_dx: Vec<f64> =
        x.iter().zip(dy).map(|(&x, &d)| op.exact_grad(f64::from(x)) * f64::from(d)).collect();
    samples(op.name(), dy, &run(op, x, dy, opts), (&want_y, &want_dx), sink);
}

fn samples(
    what: &'static str,
    dy: &[f32],
    (y, dx): &(Vec<f32>, Vec<f32>),
    (want_y, want_dx): (&[f64], &[f64]),
    mut sink: impl FnMut(Sample),
) {
    for (i, &dy) in dy.iter().enumerate() {
        let at = At::Flat(i);
        sink(Sample { what, at, got: y[i], want: want_y[i], bound: forward_bound(want_y[i], 1.0) });
        let bound = grad_bound(want_dx[i], f64::from(dy).abs());
        sink(Sample { what: "dx", at, got: dx[i], want: want_dx[i], bound });
    }
}

/// SwiGLU forward and backward on `gate`, `up` and `dy` against the oracle.
pub fn compare_swiglu(gate: &[f32], up: &[f32], dy: &[f32], opts: &Opts, sink: impl FnMut(Sample)) {
    let mut want: [Vec<f64>; 3] = Default::default();
    for ((&g, &u), &d) in gate.iter().zip(up).zip(dy) {
        let (g, u, d) = (f64::from(g), f64::from(u), f64::from(d));
        let silu = Activation::Silu.exact(g);
        want[0].push(silu * u);
        want[1].push(d * u * Activation::Silu.exact_grad(g));
        want[2].push(d * silu);
    }
    swiglu_samples(up, dy, &run_swiglu(gate, up, dy, opts), [&want[0], &want[1], &want[2]], sink);
}

fn swiglu_samples(
    up: &[f32],
    dy: &[f32],
    [y, dgate, dup]: &[Vec<f32>; 3],
    [want_y, want_dgate, want_dup]: [&[f64]; 3],
    mut sink: impl FnMut(Sample),
) {
    for (i, (&u, &d)) in up.iter().zip(dy).enumerate() {
        let at = At::Flat(i);
        let bound = forward_bound(want_y[i], f64::from(u).abs());
        sink(Sample { what: "swiglu", at, got: y[i], want: want_y[i], bound });
        let bound = grad_bound(want_dgate[i], f64::from(d * u).abs());
        sink(Sample { what: "dgate", at, got: dgate[i], want: want_dgate[i], bound });
        let bound = grad_bound(want_dup[i], f64::from(d).abs());
        sink(Sample { what: "dup", at, got: dup[i], want: want_dup[i], bound });
    }
}

/// A golden case (`act_gelu_erf`, `act_gelu_tanh`, `act_silu` or `act_swiglu`): the kernels
/// against PyTorch's float64 values, within the same bounds.
pub fn compare_golden(case: &Golden, opts: &Opts, sink: impl FnMut(Sample)) {
    let dy = case.f32s("dy");
    let op = match case.name().trim_end_matches(".txt") {
        "act_gelu_erf" => Activation::Gelu(Gelu::Erf),
        "act_gelu_tanh" => Activation::Gelu(Gelu::Tanh),
        "act_silu" => Activation::Silu,
        _ => {
            let (gate, up) = (case.f32s("gate"), case.f32s("up"));
            let got = run_swiglu(&gate, &up, &dy, opts);
            return swiglu_samples(&up, &dy, &got, [&case["y"], &case["dgate"], &case["dup"]], sink);
        }
    };
    let got = run(op, &case.f32s("x"), &dy, opts);
    samples(op.name(), &dy, &got, (&case["y"], &case["dx"]), sink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_known_values() {
        // Phi(-a) to 16 digits.
        let known = [
            (0.0, 0.5),
            (1.0, 0.158_655_253_931_457_05),
            (2.0, 0.022_750_131_948_179_21),
            (3.0, 0.001_349_898_031_630_094_6),
            (5.0, 2.866_515_718_791_94e-7),
            (10.0, 7.619_853_024_160_527e-24),
        ];
        for (a, want) in known {
            let got = normal_tail(a);
            assert!((got / want - 1.0).abs() < 1e-12, "Phi(-{a}) = {got:e}, want {want:e}");
        }
        // Both methods agree where they meet.
        let (below, above) = (normal_tail(3.0 - 1e-12), normal_tail(3.0));
        assert!((below / above - 1.0).abs() < 1e-11);
    }

    #[test]
    fn oracles_match_their_definitions() {
        assert_eq!(Activation::Gelu(Gelu::Erf).exact(0.0), 0.0);
        let silu = Activation::Silu.exact(2.0);
        assert!((silu - 2.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
        let x: f64 = 0.7;
        let tanh =
            0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044_715 * x.powi(3))).tanh());
        assert!((Activation::Gelu(Gelu::Tanh).exact(x) - tanh).abs() < 1e-15);
        // Derivatives against central differences.
        for op in Activation::ALL {
            for x in [-7.0, -1.3, -0.2, 0.4, 2.5] {
                let h = 1e-6;
                let fd = (op.exact(x + h) - op.exact(x - h)) / (2.0 * h);
                assert!((op.exact_grad(x) - fd).abs() < 1e-8, "{op:?} at {x}");
            }
        }
    }
}
