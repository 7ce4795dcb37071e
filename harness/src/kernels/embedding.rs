//! `harness run embedding`: the gather and its gradient against the f64 oracle of
//! `kernels::reference::embedding` (the gather exact; the gradient, accumulated over repeated
//! ids, within 1e-6 relative) and PyTorch's float64 golden cases. An attempt (the gather) goes
//! through the same tables and golden cases, exactly.

use kernels::reference::embedding::{self as oracle, Case};
use kernels::reference::{At, Sample, golden};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `embedding(table, dim, ids, out)`.
pub type Plain = fn(&[f32], usize, &[u32], &mut [f32]);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 4] = [
    ("forward", None),
    ("backward", Some("the signature has no backward pass")),
    ("golden", None),
    ("threads", Some("one call, on the caller's thread")),
];

/// (vocab, dim, tokens): row widths across the lane widths, few ids and many.
const SHAPES: [(usize, usize, usize); 6] =
    [(1, 1, 5), (13, 7, 9), (50, 16, 40), (300, 17, 200), (8, 65, 100), (1000, 257, 64)];

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let compare = |what: &'static str| {
        let mut worst = Worst::default();
        for (i, (vocab, dim, tokens)) in SHAPES.into_iter().enumerate() {
            let case = Case::random(vocab, dim, tokens, seed.wrapping_add(i as u64));
            case.compare(&opts, |s| {
                if s.what == what {
                    worst.see(|| case.describe(), s);
                }
            });
        }
        worst
    };
    vec![
        check("forward", true, || compare("out").verdict("6 tables of rows 1 to 257 wide; exact".into())),
        check("backward", true, || {
            compare("dtable").verdict("the same, ids repeating, added into a nonzero gradient".into())
        }),
        check("golden", false, || {
            let mut worst = Worst::default();
            for case in golden::parse_all(&golden::EMBEDDING) {
                kernels::reference::embedding::compare_golden(&case, &opts, |s| {
                    worst.see(|| case.name().to_string(), s)
                });
            }
            worst.verdict("PyTorch float64: 13x8 and 50x96 tables with repeated ids".into())
        }),
        check("threads", true, || {
            let case = Case::random(40, 96, 1500, seed);
            let one = case.run(&opts);
            let two = case.run(&Opts { isa: Some(isa), threads: 2 });
            let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits());
            if same(&one.0, &two.0) && same(&one.1, &two.1) {
                Ok("1 and 2 threads give bitwise equal rows and gradients".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), case.describe()))
            }
        }),
    ]
}

/// The check `label` of an attempt: the gather of the references' tables and of the golden
/// cases, bit for bit.
pub(super) fn attempt_check(attempt: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    // Into a NaN-filled output, so that an element left unwritten shows.
    let compare = |table: &[f32], dim: usize, ids: &[u32], want: &[f64], name: &str, worst: &mut Worst| {
        trace::announce(|| name.to_string());
        let mut out = vec![f32::NAN; ids.len() * dim];
        attempt(table, dim, ids, &mut out);
        for (i, (&got, &want)) in out.iter().zip(want).enumerate() {
            let sample = Sample { what: "out", at: At::Cell(i / dim, i % dim), got, want, bound: 0.0 };
            worst.see(|| name.to_string(), sample);
        }
    };
    Some(match label {
        "forward" => check(label, true, || {
            let mut worst = Worst::default();
            for (i, (vocab, dim, tokens)) in SHAPES.into_iter().enumerate() {
                let case = Case::random(vocab, dim, tokens, config.seed.wrapping_add(i as u64));
                let want = oracle::embedding(&case.table, dim, &case.ids);
                compare(&case.table, dim, &case.ids, &want, &case.describe(), &mut worst);
            }
            worst.verdict("6 tables of rows 1 to 257 wide; exact".into())
        }),
        "golden" => check(label, false, || {
            let mut worst = Worst::default();
            for case in golden::parse_all(&golden::EMBEDDING) {
                let ids: Vec<u32> = case["ids"].iter().map(|&v| v as u32).collect();
                let name = format!("golden case {}", case.name());
                compare(&case.f32s("table"), case.dim("dim"), &ids, &case["out"], &name, &mut worst);
            }
            worst.verdict("PyTorch float64: 13x8 and 50x96 tables with repeated ids".into())
        }),
        _ => return None,
    })
}
