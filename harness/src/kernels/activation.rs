//! `harness run activation`: GELU (erf and tanh), SiLU and SwiGLU, forward and backward,
//! against the f64 oracles of `kernels::reference::activation`, whose bounds (forward
//! `1e-5 |exact| + 1e-35`, gradients `2e-5 |exact| + 2e-7 |dy|`) carry their derivation,
//! and against PyTorch's float64 golden cases. An attempt (`gelu`, `silu` or `swiglu`,
//! forward) goes through the same inputs, forward bound and golden cases.

use kernels::activation::Gelu;
use kernels::reference::activation::{self as spec, Activation};
use kernels::reference::{At, Sample, golden, random_f32};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt at `gelu(x, y, approx)`.
pub type GeluPlain = fn(&[f32], &mut [f32], Gelu);
/// An attempt at `silu(x, y)`.
pub type SiluPlain = fn(&[f32], &mut [f32]);
/// An attempt at `swiglu(gate, up, y)`.
pub type SwigluPlain = fn(&[f32], &[f32], &mut [f32]);

const NO_BACKWARD: Option<&str> = Some("the signature has no backward pass");
const ONE_THREAD: Option<&str> = Some("one call, on the caller's thread");

/// The checks of an attempt at each op, with the reason for each that does not apply.
pub(super) const GELU_PLAN: [(&str, Option<&str>); 5] = [
    ("gelu_erf", None),
    ("gelu_tanh", None),
    ("backward", NO_BACKWARD),
    ("golden", None),
    ("threads", ONE_THREAD),
];
pub(super) const SILU_PLAN: [(&str, Option<&str>); 4] =
    [("silu", None), ("backward", NO_BACKWARD), ("golden", None), ("threads", ONE_THREAD)];
pub(super) const SWIGLU_PLAN: [(&str, Option<&str>); 4] =
    [("swiglu", None), ("backward", NO_BACKWARD), ("golden", None), ("threads", ONE_THREAD)];

/// The inputs of the references' checks.
fn describe() -> String {
    format!("{N} inputs: specials, [-6, 6], the tails [-16, -8], [-100, 100], near 0")
}

/// Elements per check: every lane width's tail, and the special values first.
const N: usize = 4099;

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let x = spec::inputs(N, seed);
    let dy = random_f32(N, -2.0, 2.0, !seed);
    let mut lines: Vec<Line> = Activation::ALL
        .into_iter()
        .map(|op| {
            check(op.name(), true, || {
                let mut worst = Worst::default();
                spec::compare(op, &x, &dy, &opts, |s| worst.see(describe, s));
                worst.verdict(format!("forward and backward on {N} inputs with tails"))
            })
        })
        .collect();
    lines.push(check("swiglu", true, || {
        let mut worst = Worst::default();
        let up = random_f32(N, -3.0, 3.0, seed ^ 0x5EED);
        spec::compare_swiglu(&x, &up, &dy, &opts, |s| worst.see(describe, s));
        worst.verdict(format!("y, dgate and dup on {N} gates with tails"))
    }));
    lines.push(check("golden", false, || {
        let mut worst = Worst::default();
        for case in golden::parse_all(&golden::ACTIVATION) {
            spec::compare_golden(&case, &opts, |s| worst.see(|| case.name().to_string(), s));
        }
        worst.verdict("PyTorch float64: gelu erf and tanh, silu, swiglu at 0, ±1e-30, ±5 ... ±100".into())
    }));
    lines.push(check("threads", true, || {
        let n = 1 << 17;
        let x = spec::inputs(n, seed);
        let dy = random_f32(n, -2.0, 2.0, seed);
        for op in Activation::ALL {
            let one = spec::run(op, &x, &dy, &opts);
            let two = spec::run(op, &x, &dy, &Opts { isa: Some(isa), threads: 2 });
            let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits());
            if !same(&one.0, &two.0) || !same(&one.1, &two.1) {
                return Err(failure(format!("{}: 1 and 2 threads differ", op.name()), format!("{n} inputs")));
            }
        }
        Ok(format!("1 and 2 threads give bitwise equal results on {n} elements"))
    }));
    lines
}

/// An element-wise op as an attempt's check runs it: input, output, which op.
type UnaryRun<'a> = &'a dyn Fn(&[f32], &mut [f32], Activation);
/// SwiGLU as an attempt's check runs it: gate, up, output.
type SwigluRun<'a> = &'a dyn Fn(&[f32], &[f32], &mut [f32]);

/// An attempt at one of the activations, as its judge calls it.
#[derive(Clone, Copy)]
pub(super) enum Attempt<'a> {
    /// Each of the ops, run by the one function.
    Unary(&'a [Activation], UnaryRun<'a>),
    Swiglu(SwigluRun<'a>),
}

/// The check `label` of an attempt: its forward outputs on the references' inputs and the
/// golden cases of its op, within the forward bound.
pub(super) fn attempt_check(attempt: Attempt<'_>, label: &str, config: &KernelConfig) -> Option<Line> {
    let seed = config.seed;
    // Into a NaN-filled output, so that an element left unwritten shows; every element
    // against its exact value.
    let unary =
        |run: UnaryRun<'_>, op: Activation, x: &[f32], want: &[f64], what: &str, worst: &mut Worst| {
            trace::announce(|| what.to_string());
            let mut y = vec![f32::NAN; x.len()];
            run(x, &mut y, op);
            for (i, (&got, &want)) in y.iter().zip(want).enumerate() {
                let bound = spec::forward_bound(want, 1.0);
                let sample = Sample { what: op.name(), at: At::Flat(i), got, want, bound };
                worst.see(|| what.to_string(), sample);
            }
        };
    let swiglu =
        |run: SwigluRun<'_>, gate: &[f32], up: &[f32], want: &[f64], what: &str, worst: &mut Worst| {
            trace::announce(|| what.to_string());
            let mut y = vec![f32::NAN; gate.len()];
            run(gate, up, &mut y);
            for (i, ((&got, &want), &u)) in y.iter().zip(want).zip(up).enumerate() {
                let bound = spec::forward_bound(want, f64::from(u).abs());
                let sample = Sample { what: "swiglu", at: At::Flat(i), got, want, bound };
                worst.see(|| what.to_string(), sample);
            }
        };
    let golden_cases = |op: &'static str| {
        golden::parse_all(&golden::ACTIVATION)
            .filter(move |c| c.name().trim_end_matches(".txt") == format!("act_{op}"))
    };
    match attempt {
        Attempt::Unary(ops, run) => {
            if label == "golden" {
                return Some(check(label, false, || {
                    let mut worst = Worst::default();
                    for &op in ops {
                        for case in golden_cases(op.name()) {
                            let name = format!("golden case {}", case.name());
                            unary(run, op, &case.f32s("x"), &case["y"], &name, &mut worst);
                        }
                    }
                    let names: Vec<&str> = ops.iter().map(|op| op.name()).collect();
                    worst.verdict(format!(
                        "PyTorch float64: {} at 0, ±1e-30, ±5 ... ±100",
                        names.join(" and ")
                    ))
                }));
            }
            let op = *ops.iter().find(|op| op.name() == label)?;
            Some(check(label, true, || {
                let mut worst = Worst::default();
                let x = spec::inputs(N, seed);
                let want: Vec<f64> = x.iter().map(|&x| op.exact(f64::from(x))).collect();
                unary(run, op, &x, &want, &describe(), &mut worst);
                worst.verdict(format!("forward on {N} inputs with tails"))
            }))
        }
        Attempt::Swiglu(run) => Some(match label {
            "swiglu" => check(label, true, || {
                let mut worst = Worst::default();
                let (gate, up) = (spec::inputs(N, seed), random_f32(N, -3.0, 3.0, seed ^ 0x5EED));
                let want: Vec<f64> = gate
                    .iter()
                    .zip(&up)
                    .map(|(&g, &u)| Activation::Silu.exact(f64::from(g)) * f64::from(u))
                    .collect();
                swiglu(run, &gate, &up, &want, &describe(), &mut worst);
                worst.verdict(format!("y on {N} gates with tails"))
            }),
            "golden" => check(label, false, || {
                let mut worst = Worst::default();
                for case in golden_cases("swiglu") {
                    let name = format!("golden case {}", case.name());
                    swiglu(run, &case.f32s("gate"), &case.f32s("up"), &case["y"], &name, &mut worst);
                }
                worst.verdict("PyTorch float64: swiglu at 0, ±1e-30, ±5 ... ±100".into())
            }),
            _ => return None,
        }),
    }
}

/// The ops an attempt at `gelu` is checked on: both forms.
pub(super) const GELU_OPS: [Activation; 2] = [Activation::Gelu(Gelu::Erf), Activation::Gelu(Gelu::Tanh)];
/// The op of an attempt at `silu`.
pub(super) const SILU_OPS: [Activation; 1] = [Activation::Silu];
