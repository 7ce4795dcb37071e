//! `harness run attention`: fused attention against the materialized f64 reference, through
//! `kernels::reference::attention::spec`, whose tolerance (2e-6 (1 + max|lse| / 4) of each
//! tensor's scale for out and lse, four times that of the summed terms for the gradients)
//! carries its derivation. An attempt (one head, forward only) goes through single-head cases,
//! the dead rows and the golden cases it can run, under the same tolerance.

use kernels::attention::{Attention, Params, Shape};
use kernels::reference::attention as oracle;
use kernels::reference::attention::spec::{self, Case, MaskData, MaskKind};
use kernels::reference::golden::{self, Golden};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `attention(q, k, v, out, q_len, kv_len, head_dim, causal)`, one head.
pub type Plain = fn(&[f32], &[f32], &[f32], &mut [f32], usize, usize, usize, bool);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 6] = [
    ("forward", None),
    ("backward", Some("the signature has no backward pass")),
    ("dead rows", None),
    ("golden", None),
    ("threads", Some("one call, on the caller's thread")),
    ("errors", Some("no Result to report an error in")),
];

/// The shapes checked, named: random inputs with scores of up to about +-4 (q in [-4, 4)).
fn cases(seed: u64) -> Vec<(&'static str, Case)> {
    let case = |name, (batch, heads, kv_heads, q_len, kv_len, head_dim), causal, seed| {
        let shape = Shape { batch, heads, kv_heads, q_len, kv_len, head_dim };
        (name, Case::random(shape, causal, MaskKind::None, false, 4.0, seed))
    };
    let mut masked = case("masked, dead row", (1, 2, 2, 9, 31, 3), false, seed + 40);
    masked.1.mask = Some(MaskData::striped(9, 31));
    vec![
        case("plain", (1, 2, 2, 33, 33, 64), false, seed),
        case("grouped-query", (2, 4, 2, 17, 50, 17), false, seed + 10),
        case("multi-query, causal", (1, 3, 1, 20, 70, 8), true, seed + 20),
        case("decode", (1, 2, 1, 1, 129, 128), true, seed + 30),
        masked,
        case("head_dim 1", (1, 1, 1, 65, 15, 1), true, seed + 50),
    ]
}

/// Runs every case and records the outputs `keep` names.
fn compare(opts: &Opts, seed: u64, keep: &[&str]) -> Worst {
    let mut worst = Worst::default();
    for (name, case) in cases(seed) {
        let describe = || format!("{name}: {}", case.describe());
        case.compare(opts, |s| {
            if keep.contains(&s.what) {
                worst.see(describe, s);
            }
        });
    }
    worst
}

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    vec![
        check("forward", true, || {
            let worst = compare(&opts, seed, &["out", "lse"]);
            worst.verdict("out and lse of 6 shapes: GQA, MQA, causal, decode, masks".into())
        }),
        check("backward", true, || {
            let worst = compare(&opts, seed, &["dq", "dk", "dv"]);
            worst.verdict("dq, dk and dv of the same shapes".into())
        }),
        check("dead rows", false, || {
            // kv_len < q_len under causal masking: the first rows see no key at all.
            let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 6, kv_len: 3, head_dim: 5 };
            let case = Case::random(shape, true, MaskKind::None, false, 4.0, seed);
            let run = case.run(&opts);
            let dead = 3;
            let clean = run.out[..dead * 5].iter().all(|&v| v == 0.0)
                && run.lse[..dead].iter().all(|&v| v == f32::NEG_INFINITY)
                && run.grads[0][..dead * 5].iter().all(|&v| v == 0.0)
                && run.out.iter().chain(&run.grads[0]).all(|v| !v.is_nan());
            if clean {
                Ok("a query that sees no key: output 0, lse -inf, gradient 0".into())
            } else {
                Err(failure("a dead row leaked a non-zero or NaN".into(), case.describe()))
            }
        }),
        check("golden", false, || {
            golden_cases(|g, worst| {
                let (case, want, grads) = Case::golden(g);
                let got = case.run(&opts);
                spec::compare(&got, &want, &grads, |s| worst.see(|| g.name().into(), s));
                true
            })
        }),
        check("threads", true, || {
            let shape = Shape { batch: 2, heads: 4, kv_heads: 2, q_len: 200, kv_len: 200, head_dim: 32 };
            let case = Case::random(shape, true, MaskKind::None, false, 4.0, seed);
            let two = Opts { isa: Some(isa), threads: 2 };
            let (out1, lse1) = case.forward(&opts);
            let (out2, lse2) = case.forward(&two);
            let grads1 = case.backward(&opts, &out1, &lse1);
            let grads2 = case.backward(&two, &out1, &lse1);
            let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            if same(&out1, &out2) && same(&lse1, &lse2) && grads1.iter().zip(&grads2).all(|(a, b)| same(a, b))
            {
                Ok("1 and 2 threads give bitwise equal outputs and gradients".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), case.describe()))
            }
        }),
        check("errors", false, || {
            let shape = Shape { batch: 1, heads: 3, kv_heads: 2, q_len: 4, kv_len: 4, head_dim: 8 };
            match Attention::new(shape, Params::default()).map_err(|e| e.to_string()) {
                Err(message) if message.contains("heads = 3 is not a multiple of kv_heads = 2") => {
                    Ok("heads % kv_heads != 0 is refused with the shapes named".into())
                }
                other => Err(failure(format!("expected a shape error, got {other:?}"), format!("{shape:?}"))),
            }
        }),
    ]
}

/// One head of `q_len` queries and `kv_len` keys of `head_dim`.
fn one_head(q_len: usize, kv_len: usize, head_dim: usize) -> Shape {
    Shape { batch: 1, heads: 1, kv_heads: 1, q_len, kv_len, head_dim }
}

/// Runs an attempt on every head of `case` (no mask, the default scale) and returns the whole
/// output, NaN where it wrote nothing.
fn run_heads(attempt: Plain, case: &Case, what: &str) -> Vec<f32> {
    let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = case.shape;
    let (q_head, kv_head) = (q_len * head_dim, kv_len * head_dim);
    let mut out = vec![f32::NAN; case.q.len()];
    for b in 0..batch {
        for h in 0..heads {
            let (qi, kvi) = (b * heads + h, b * kv_heads + h / (heads / kv_heads));
            trace::announce(|| {
                format!("{what}: batch {b} head {h}, q_len {q_len} kv_len {kv_len} head_dim {head_dim}")
            });
            let kv = kvi * kv_head..(kvi + 1) * kv_head;
            attempt(
                &case.q[qi * q_head..(qi + 1) * q_head],
                &case.k[kv.clone()],
                &case.v[kv],
                &mut out[qi * q_head..(qi + 1) * q_head],
                q_len,
                kv_len,
                head_dim,
                case.causal,
            );
        }
    }
    out
}

/// The check `label` of an attempt.
pub(super) fn attempt_check(attempt: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    let seed = config.seed;
    Some(match label {
        "forward" => check(label, true, || {
            let cases = [
                ("plain", one_head(33, 33, 64), false),
                ("causal", one_head(20, 70, 8), true),
                ("decode", one_head(1, 129, 128), true),
                ("odd sizes", one_head(17, 31, 17), false),
                ("head_dim 1", one_head(65, 15, 1), true),
            ];
            let mut worst = Worst::default();
            for (i, (name, shape, causal)) in cases.into_iter().enumerate() {
                let case = Case::random(shape, causal, MaskKind::None, false, 4.0, seed + 10 * i as u64);
                let out = run_heads(attempt, &case, name);
                let want = oracle::forward(&case.shape, &case.params(), &case.qkv());
                spec::compare_out(&out, &want, |s| worst.see(|| format!("{name}: {}", case.describe()), s));
            }
            worst.verdict("out of 5 single heads: causal, decode, odd sizes, head_dim 1".into())
        }),
        "dead rows" => check(label, false, || {
            // kv_len < q_len under causal masking: the first rows see no key at all.
            let case = Case::random(one_head(6, 3, 5), true, MaskKind::None, false, 4.0, seed);
            let out = run_heads(attempt, &case, "dead rows");
            if out[..3 * 5].iter().all(|&v| v == 0.0) && out.iter().all(|v| !v.is_nan()) {
                Ok("a query that sees no key: output 0".into())
            } else {
                Err(failure("a dead row must give 0 (and no NaN anywhere)".into(), case.describe()))
            }
        }),
        "golden" => check(label, false, || {
            golden_cases(|g, worst| {
                let (case, want, _) = Case::golden(g);
                let default_scale = 1.0 / (case.shape.head_dim as f32).sqrt();
                if case.mask.is_some() || case.scale.is_some_and(|s| (s - default_scale).abs() > 1e-6) {
                    return false;
                }
                let out = run_heads(attempt, &case, g.name());
                spec::compare_out(&out, &want, |s| worst.see(|| g.name().into(), s));
                true
            })
        }),
        _ => return None,
    })
}

/// The PyTorch golden cases that `compare` takes (it returns whether it did), as one verdict.
fn golden_cases(mut compare: impl FnMut(&Golden, &mut Worst) -> bool) -> Verdict {
    let mut worst = Worst::default();
    let mut count = 0;
    for case in golden::parse_all(&golden::ATTENTION) {
        count += usize::from(compare(&case, &mut worst));
    }
    worst.verdict(format!("{count} PyTorch float64 cases"))
}
