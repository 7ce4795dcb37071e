//! Agreement checks for `kernels::attention` against the materialized f64 reference.
//!
//! Bound: over each output tensor, the largest error divided by the tensor's largest magnitude
//! stays within 2e-6 (1 + max|lse| / 4) for out and lse, and four times that for dq, dk and dv:
//! the scores' rounding grows with their size (which lse tracks), and the gradients add a
//! second product and a subtraction. A gradient's magnitude is that of the terms it sums (the
//! reference's `*_terms`), since `dP - D` cancels when a softmax row is nearly one-hot.

use kernels::attention::{Attention, Grads, Mask, Params, Qkv, Shape};
use kernels::reference::{self, random_f32};
use kernels::{Isa, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::report::Line;

/// One attention problem: its shape, what is masked, and its random inputs.
struct Case {
    name: &'static str,
    shape: Shape,
    causal: bool,
    mask: Option<Vec<f32>>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    dout: Vec<f32>,
}

impl Case {
    fn new(name: &'static str, shape: Shape, causal: bool, masked: bool, seed: u64) -> Self {
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = shape;
        let q_size = batch * heads * q_len * head_dim;
        let kv_size = batch * kv_heads * kv_len * head_dim;
        // A shared mask hiding every third key, and every key from query row 1 (a dead row).
        let mask = masked.then(|| {
            (0..q_len * kv_len)
                .map(|at| {
                    let (i, j) = (at / kv_len, at % kv_len);
                    if i == 1 || j % 3 == 2 { f32::NEG_INFINITY } else { 0.5 }
                })
                .collect()
        });
        Case {
            name,
            shape,
            causal,
            mask,
            q: random_f32(q_size, -2.0, 2.0, seed),
            k: random_f32(kv_size, -2.0, 2.0, seed + 1),
            v: random_f32(kv_size, -1.0, 1.0, seed + 2),
            dout: random_f32(q_size, -1.0, 1.0, seed + 3),
        }
    }

    fn params(&self) -> Params<'_> {
        Params { causal: self.causal, scale: None, mask: self.mask.as_deref().map(Mask::Shared) }
    }

    fn qkv(&self) -> Qkv<'_> {
        Qkv { q: &self.q, k: &self.k, v: &self.v }
    }

    fn describe(&self) -> String {
        let s = self.shape;
        format!(
            "{}: batch {} heads {} kv_heads {} q_len {} kv_len {} head_dim {}{}{}",
            self.name,
            s.batch,
            s.heads,
            s.kv_heads,
            s.q_len,
            s.kv_len,
            s.head_dim,
            if self.causal { ", causal" } else { "" },
            if self.mask.is_some() { ", masked" } else { "" }
        )
    }

    fn forward(&self, opts: &Opts) -> (Vec<f32>, Vec<f32>) {
        let s = self.shape;
        let mut out = vec![f32::NAN; self.q.len()];
        let mut lse = vec![f32::NAN; s.batch * s.heads * s.q_len];
        let attn = Attention::new(s, self.params()).expect("a valid case");
        attn.forward(self.qkv(), &mut out, &mut lse, opts).expect("valid lengths");
        (out, lse)
    }

    fn backward(&self, opts: &Opts, out: &[f32], lse: &[f32]) -> [Vec<f32>; 3] {
        let (mut dq, mut dk, mut dv) =
            (vec![f32::NAN; self.q.len()], vec![f32::NAN; self.k.len()], vec![f32::NAN; self.v.len()]);
        let attn = Attention::new(self.shape, self.params()).expect("a valid case");
        let grads = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
        attn.backward(self.qkv(), out, lse, &self.dout, grads, opts).expect("valid lengths");
        [dq, dk, dv]
    }
}

fn cases(seed: u64) -> Vec<Case> {
    let shape = |batch, heads, kv_heads, q_len, kv_len, head_dim| Shape {
        batch,
        heads,
        kv_heads,
        q_len,
        kv_len,
        head_dim,
    };
    vec![
        Case::new("plain", shape(1, 2, 2, 33, 33, 64), false, false, seed),
        Case::new("grouped-query", shape(2, 4, 2, 17, 50, 17), false, false, seed + 10),
        Case::new("multi-query, causal", shape(1, 3, 1, 20, 70, 8), true, false, seed + 20),
        Case::new("decode", shape(1, 2, 1, 1, 129, 128), true, false, seed + 30),
        Case::new("masked, dead row", shape(1, 2, 2, 9, 31, 3), false, true, seed + 40),
        Case::new("head_dim 1", shape(1, 1, 1, 65, 15, 1), true, false, seed + 50),
    ]
}

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    vec![
        check("forward", true, || {
            let mut worst = Worst::default();
            for case in cases(seed) {
                let (out, lse) = case.forward(&opts);
                let want = reference::attention::forward(&case.shape, &case.params(), &case.qkv());
                let tol = tolerance(&want.lse);
                compare(&case, "out", &out, &want.out, tol * max_abs(&want.out), &mut worst);
                compare(&case, "lse", &lse, &want.lse, tol * max_abs(&want.lse), &mut worst);
            }
            worst.verdict("out and lse of 6 shapes: GQA, MQA, causal, decode, masks".into())
        }),
        check("backward", true, || {
            let mut worst = Worst::default();
            for case in cases(seed) {
                let (out, lse) = case.forward(&opts);
                let [dq, dk, dv] = case.backward(&opts, &out, &lse);
                let fwd = reference::attention::forward(&case.shape, &case.params(), &case.qkv());
                let want =
                    reference::attention::backward(&case.shape, &case.params(), &case.qkv(), &case.dout);
                let tol = 4.0 * tolerance(&fwd.lse);
                compare(&case, "dq", &dq, &want.dq, tol * max_abs(&want.dq_terms), &mut worst);
                compare(&case, "dk", &dk, &want.dk, tol * max_abs(&want.dk_terms), &mut worst);
                compare(&case, "dv", &dv, &want.dv, tol * max_abs(&want.dv_terms), &mut worst);
            }
            worst.verdict("dq, dk and dv of the same shapes".into())
        }),
        check("dead rows", false, || {
            // kv_len < q_len under causal masking: the first rows see no key at all.
            let case = Case::new(
                "early rows see nothing",
                Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 6, kv_len: 3, head_dim: 5 },
                true,
                false,
                seed,
            );
            let (out, lse) = case.forward(&opts);
            let [dq, ..] = case.backward(&opts, &out, &lse);
            let dead = 3;
            let clean = out[..dead * 5].iter().all(|&v| v == 0.0)
                && lse[..dead].iter().all(|&v| v == f32::NEG_INFINITY)
                && dq[..dead * 5].iter().all(|&v| v == 0.0)
                && out.iter().chain(&dq).all(|v| !v.is_nan());
            if clean {
                Ok("a query that sees no key: output 0, lse -inf, gradient 0".into())
            } else {
                Err(failure("a dead row leaked a non-zero or NaN".into(), case.describe()))
            }
        }),
        check("threads", true, || {
            let case = Case::new(
                "threads",
                Shape { batch: 2, heads: 4, kv_heads: 2, q_len: 200, kv_len: 200, head_dim: 32 },
                true,
                false,
                seed,
            );
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

/// The relative tolerance for a case whose log-sum-exps are `lse`.
fn tolerance(lse: &[f64]) -> f64 {
    2e-6 * (1.0 + max_abs(lse) / 4.0)
}

/// The largest finite |x|.
fn max_abs(x: &[f64]) -> f64 {
    x.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Records each element's error against the absolute bound `allowed`.
fn compare(case: &Case, tensor: &str, got: &[f32], want: &[f64], allowed: f64, worst: &mut Worst) {
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        worst.see(|| case.describe(), || format!("{tensor}[{i}]"), g, w, allowed.max(1e-30));
    }
}
