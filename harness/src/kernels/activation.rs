//! `harness run activation`: GELU (erf and tanh), SiLU and SwiGLU, forward and backward,
//! against the f64 oracles of `kernels::reference::activation`, whose bounds (forward
//! `1e-5 |exact| + 1e-35`, gradients `2e-5 |exact| + 2e-7 |dy|`) carry their derivation,
//! and against PyTorch's float64 golden cases.

use kernels::reference::activation::{self as spec, Activation};
use kernels::reference::{golden, random_f32};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::report::Line;

/// Elements per check: every lane width's tail, and the special values first.
const N: usize = 4099;

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let x = spec::inputs(N, seed);
    let dy = random_f32(N, -2.0, 2.0, !seed);
    let describe = || format!("{N} inputs: specials, [-6, 6], the tails [-16, -8], [-100, 100], near 0");
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
