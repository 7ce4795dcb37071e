//! `harness run attention`: fused attention against the materialized f64 reference, through
//! `kernels::reference::attention::spec`, whose tolerance (2e-6 (1 + max|lse| / 4) of each
//! tensor's scale for out and lse, four times that of the summed terms for the gradients)
//! carries its derivation.

use kernels::attention::{Attention, Params, Shape};
use kernels::reference::attention::spec::{Case, MaskData, MaskKind};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::report::Line;

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
