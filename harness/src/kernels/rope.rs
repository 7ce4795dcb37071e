//! `harness run rope`: rotary position embedding and its gradient against the f64 oracle of
//! `kernels::reference::rope` (exact angles; within 1e-5 of each tensor's largest value) and
//! PyTorch's float64 golden cases, at positions up to 10^7 where f32 angles would drift. An
//! attempt (forward) goes through the same shapes, bound and golden cases.

use kernels::reference::rope::{self as spec, Case};
use kernels::reference::{At, Sample, golden};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `rope(x, heads, head_dim, positions, theta)`, in place.
pub type Plain = fn(&mut [f32], usize, usize, &[u32], f32);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 4] = [
    ("forward", None),
    ("backward", Some("the signature has no backward pass")),
    ("golden", None),
    ("threads", Some("one call, on the caller's thread")),
];

/// (tokens, heads, head_dim, largest position, theta).
const SHAPES: [(usize, usize, usize, u32, f32); 5] = [
    (9, 1, 2, 100, 10_000.0),
    (17, 3, 34, 4096, 10_000.0),
    (8, 8, 128, 2048, 10_000.0),
    (5, 2, 130, 32_768, 500_000.0),
    (6, 4, 64, 10_000_000, 10_000.0),
];

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let compare = |what: &'static str| {
        let mut worst = Worst::default();
        for (i, (tokens, heads, head_dim, max_position, theta)) in SHAPES.into_iter().enumerate() {
            let case =
                Case::random(tokens, heads, head_dim, max_position, theta, seed.wrapping_add(i as u64));
            case.compare(&opts, |s| {
                if s.what == what {
                    worst.see(|| case.describe(), s);
                }
            });
        }
        worst
    };
    vec![
        check("forward", true, || {
            compare("y").verdict("5 shapes, head_dim 2 to 130, positions up to 10^7".into())
        }),
        check("backward", true, || compare("dx").verdict("the gradient on the same shapes".into())),
        check("golden", false, || {
            let mut worst = Worst::default();
            for case in golden::parse_all(&golden::ROPE) {
                spec::compare_golden(&case, &opts, |s| worst.see(|| case.name().to_string(), s));
            }
            worst.verdict("PyTorch float64: theta 1e4 and 5e5, positions up to 3177".into())
        }),
        check("threads", true, || {
            let case = Case::random(512, 4, 64, 1 << 20, 10_000.0, seed);
            let (one, two) = (case.run(&opts), case.run(&Opts { isa: Some(isa), threads: 2 }));
            let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits());
            if same(&one.0, &two.0) && same(&one.1, &two.1) {
                Ok("1 and 2 threads give bitwise equal results".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), case.describe()))
            }
        }),
    ]
}

/// The check `label` of an attempt: the references' shapes and the golden cases, each output
/// within the same bound of its exact value.
pub(super) fn attempt_check(attempt: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    let compare = |case: &Case, want: &[f64], name: &str, worst: &mut Worst| {
        trace::announce(|| name.to_string());
        let mut y = case.x.clone();
        attempt(&mut y, case.heads, case.head_dim, &case.positions, case.theta);
        let bound = spec::TOLERANCE * want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let head_dim = case.head_dim;
        for (i, (&got, &want)) in y.iter().zip(want).enumerate() {
            let sample = Sample { what: "y", at: At::Cell(i / head_dim, i % head_dim), got, want, bound };
            worst.see(|| name.to_string(), sample);
        }
    };
    Some(match label {
        "forward" => check(label, true, || {
            let mut worst = Worst::default();
            for (i, (tokens, heads, head_dim, max_position, theta)) in SHAPES.into_iter().enumerate() {
                let seed = config.seed.wrapping_add(i as u64);
                let case = Case::random(tokens, heads, head_dim, max_position, theta, seed);
                let want = spec::rope(&case.x, heads, head_dim, &case.positions, theta, false);
                compare(&case, &want, &case.describe(), &mut worst);
            }
            worst.verdict("5 shapes, head_dim 2 to 130, positions up to 10^7".into())
        }),
        "golden" => check(label, false, || {
            let mut worst = Worst::default();
            for golden in golden::parse_all(&golden::ROPE) {
                let case = Case::from_golden(&golden);
                compare(&case, &golden["y"], &format!("golden case {}", golden.name()), &mut worst);
            }
            worst.verdict("PyTorch float64: theta 1e4 and 5e5, positions up to 3177".into())
        }),
        _ => return None,
    })
}
