//! What fused attention must satisfy, written once for the tests, `harness run attention` and
//! the fuzz targets: an owned case and its seeded generator, the golden cases as such, and the
//! tolerance every output and gradient is held to against the materialized f64 oracle.
//!
//! # Tolerance
//! Errors are measured against the scale of each tensor, its largest magnitude. The kernel
//! rounds each score once per term of a `head_dim`-long dot product, so a score `s` carries an
//! absolute error of about `|s| 2^-24` per few terms, which moves every probability by the same
//! relative amount; the rest (exp at 1 ULP, sums over `kv_len`) is below 1e-6. Hence the
//! relative bound [`tolerance`] `= TOL (1 + max|s| / 4)` with [`TOL`] `= 2e-6`, where max|s| is
//! the largest |lse| of the case (lse is within log(kv_len) of the largest score). Each lse is
//! held to it both against `1 + |lse|` (its own size) and against the largest |lse| (the
//! tensor's). `out` is held to it against the largest `sum_j P_j |v_j|` (the oracle's
//! `out_terms`), the size of what its weighted sum adds: values of both signs cancel, and a
//! uniform average of 4096 of them is 50 times smaller than the terms it rounds at. The gradients, which add one more product and the `D` subtraction, get four
//! times the bound, measured against the size of the terms they sum (the oracle's `terms`)
//! rather than their own: `dP - D` cancels, so a nearly one-hot softmax row has gradients far
//! below the rounding error of the products that make them.

use super::{Backward, Forward};
use crate::Opts;
use crate::attention::{Attention, Grads, Mask, Params, Qkv, Shape};
use crate::reference::golden::Golden;
use crate::reference::{At, Rng, Sample, random_f32};

/// Relative error bound of out and lse at unit logits (see the module doc).
pub const TOL: f64 = 2e-6;

/// The gradients' names, in the order of [`Outputs::grads`] and [`Backward::grads`].
pub const GRADS: [&str; 3] = ["dq", "dk", "dv"];

/// The relative tolerance of a case whose log-sum-exps are `lse` (see the module doc).
pub fn tolerance(lse: &[f64]) -> f64 {
    TOL * (1.0 + max_abs(lse) / 4.0)
}

/// The largest finite |x| (0 when there is none).
pub fn max_abs(x: &[f64]) -> f64 {
    x.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()))
}

/// An additive mask, owned: `[q_len, kv_len]` or `[batch, 1, q_len, kv_len]`.
#[derive(Clone, Debug, PartialEq)]
pub enum MaskData {
    Shared(Vec<f32>),
    PerBatch(Vec<f32>),
}

impl MaskData {
    pub fn values(&self) -> &[f32] {
        match self {
            MaskData::Shared(m) | MaskData::PerBatch(m) => m,
        }
    }

    pub fn values_mut(&mut self) -> &mut Vec<f32> {
        match self {
            MaskData::Shared(m) | MaskData::PerBatch(m) => m,
        }
    }

    /// A shared mask hiding every third key (`j % 3 == 2`) and every key from query row 1 (a
    /// dead row), adding 0.5 elsewhere.
    pub fn striped(q_len: usize, kv_len: usize) -> Self {
        let value = |i: usize, j: usize| if i == 1 || j % 3 == 2 { f32::NEG_INFINITY } else { 0.5 };
        MaskData::Shared((0..q_len * kv_len).map(|at| value(at / kv_len, at % kv_len)).collect())
    }
}

/// Which random mask [`Case::random`] draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskKind {
    None,
    Shared,
    PerBatch,
}

/// Everything one attention call needs, owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub shape: Shape,
    pub causal: bool,
    pub scale: Option<f32>,
    pub mask: Option<MaskData>,
    pub q: Vec<f32>,
    pub k: Vec<f32>,
    pub v: Vec<f32>,
    pub dout: Vec<f32>,
}

/// What [`Case::run`] computes: the forward results and the gradients `[dq, dk, dv]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Outputs {
    pub out: Vec<f32>,
    pub lse: Vec<f32>,
    pub grads: [Vec<f32>; 3],
}

impl Case {
    /// A random case: q uniform in [-logit, logit) (large logits), k, v and dout in [-1, 1),
    /// each from its own stream (`seed` to `seed + 3`). A random mask (from `seed + 4`) hides a
    /// quarter of the scores, adds a value in [-3, 3) to another quarter and leaves the rest;
    /// with `dead_rows`, every third row of it hides every key.
    pub fn random(
        shape: Shape,
        causal: bool,
        mask: MaskKind,
        dead_rows: bool,
        logit: f32,
        seed: u64,
    ) -> Case {
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim: d } = shape;
        let (q_size, kv_size) = (batch * heads * q_len * d, batch * kv_heads * kv_len * d);
        let stream = |i: u64| seed.wrapping_add(i);
        let mut rng = Rng::new(stream(4));
        let mut draw_mask = |n: usize| -> Vec<f32> {
            let mut m: Vec<f32> = (0..n)
                .map(|_| match rng.below(4) {
                    0 => f32::NEG_INFINITY,
                    1 => rng.uniform(-3.0, 3.0),
                    _ => 0.0,
                })
                .collect();
            if dead_rows {
                m.chunks_mut(kv_len.max(1)).step_by(3).for_each(|row| row.fill(f32::NEG_INFINITY));
            }
            m
        };
        let mask = match mask {
            MaskKind::None => None,
            MaskKind::Shared => Some(MaskData::Shared(draw_mask(q_len * kv_len))),
            MaskKind::PerBatch => Some(MaskData::PerBatch(draw_mask(batch * q_len * kv_len))),
        };
        Case {
            shape,
            causal,
            scale: None,
            mask,
            q: random_f32(q_size, -logit, logit, stream(0)),
            k: random_f32(kv_size, -1.0, 1.0, stream(1)),
            v: random_f32(kv_size, -1.0, 1.0, stream(2)),
            dout: random_f32(q_size, -1.0, 1.0, stream(3)),
        }
    }

    /// A golden case's inputs, with PyTorch's forward results and gradients (whose `terms`,
    /// which PyTorch does not give, come from the oracle).
    pub fn golden(g: &Golden) -> (Case, Forward, Backward) {
        let shape = Shape {
            batch: g.dim("batch"),
            heads: g.dim("heads"),
            kv_heads: g.dim("kv_heads"),
            q_len: g.dim("q_len"),
            kv_len: g.dim("kv_len"),
            head_dim: g.dim("head_dim"),
        };
        let mask = g.get("mask_shape").map(|dims| match dims.len() {
            4 => MaskData::PerBatch(g.f32s("mask")),
            _ => MaskData::Shared(g.f32s("mask")),
        });
        let case = Case {
            shape,
            causal: g.dim("causal") != 0,
            scale: Some(g["scale"][0] as f32),
            mask,
            q: g.f32s("q"),
            k: g.f32s("k"),
            v: g.f32s("v"),
            dout: g.f32s("dout"),
        };
        let oracle = super::forward(&case.shape, &case.params(), &case.qkv());
        let forward = Forward { out: g["out"].to_vec(), lse: g["lse"].to_vec(), ..oracle };
        let terms = super::backward(&case.shape, &case.params(), &case.qkv(), &case.dout);
        let grads = Backward { grads: GRADS.map(|name| g[name].to_vec()), ..terms };
        (case, forward, grads)
    }

    pub fn params(&self) -> Params<'_> {
        let mask = self.mask.as_ref().map(|m| match m {
            MaskData::Shared(m) => Mask::Shared(m),
            MaskData::PerBatch(m) => Mask::PerBatch(m),
        });
        Params { causal: self.causal, scale: self.scale, mask }
    }

    pub fn qkv(&self) -> Qkv<'_> {
        Qkv { q: &self.q, k: &self.k, v: &self.v }
    }

    /// "batch 1 heads 2 kv_heads 1 q_len 20 kv_len 70 head_dim 8, causal, masked".
    pub fn describe(&self) -> String {
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = self.shape;
        format!(
            "batch {batch} heads {heads} kv_heads {kv_heads} q_len {q_len} kv_len {kv_len} head_dim {head_dim}{}{}",
            if self.causal { ", causal" } else { "" },
            if self.mask.is_some() { ", masked" } else { "" }
        )
    }

    /// The forward pass on `opts`, into NaN-filled buffers so that an element the kernel leaves
    /// unwritten shows; panics if the kernel refuses the (valid) case.
    pub fn forward(&self, opts: &Opts) -> (Vec<f32>, Vec<f32>) {
        let mut out = vec![f32::NAN; self.q.len()];
        let Shape { batch, heads, q_len, .. } = self.shape;
        let mut lse = vec![f32::NAN; batch * heads * q_len];
        let attn = Attention::new(self.shape, self.params()).expect("a valid case");
        attn.forward(self.qkv(), &mut out, &mut lse, opts).expect("valid lengths");
        (out, lse)
    }

    /// The backward pass from the forward results `out` and `lse`, into NaN-filled buffers.
    pub fn backward(&self, opts: &Opts, out: &[f32], lse: &[f32]) -> [Vec<f32>; 3] {
        let nan = |len: usize| vec![f32::NAN; len];
        let (mut dq, mut dk, mut dv) = (nan(self.q.len()), nan(self.k.len()), nan(self.v.len()));
        let attn = Attention::new(self.shape, self.params()).expect("a valid case");
        let grads = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
        attn.backward(self.qkv(), out, lse, &self.dout, grads, opts).expect("valid lengths");
        [dq, dk, dv]
    }

    /// Forward, then backward from its results.
    pub fn run(&self, opts: &Opts) -> Outputs {
        let (out, lse) = self.forward(opts);
        let grads = self.backward(opts, &out, &lse);
        Outputs { out, lse, grads }
    }

    /// Runs the case and hands every output and gradient, against the oracle, to `sink`.
    pub fn compare(&self, opts: &Opts, sink: impl FnMut(Sample)) -> Outputs {
        let want = super::forward(&self.shape, &self.params(), &self.qkv());
        let grads = super::backward(&self.shape, &self.params(), &self.qkv(), &self.dout);
        let got = self.run(opts);
        compare(&got, &want, &grads, sink);
        got
    }
}

/// Hands every element of `got` to `sink`, with its bound against `want` and `grads` (see the
/// module doc): out, lse, then dq, dk and dv.
pub fn compare(got: &Outputs, want: &Forward, grads: &Backward, mut sink: impl FnMut(Sample)) {
    compare_out(&got.out, want, &mut sink);
    let tol = tolerance(&want.lse);
    let max_lse = max_abs(&want.lse);
    let mut tensor = |what, got: &[f32], want: &[f64], bound: &dyn Fn(f64) -> f64| {
        assert_eq!(got.len(), want.len(), "{what}: length");
        for (i, (&got, &want)) in got.iter().zip(want).enumerate() {
            sink(Sample { what, at: At::Flat(i), got, want, bound: bound(want).max(1e-30) });
        }
    };
    tensor("lse", &got.lse, &want.lse, &|w| tol * (1.0 + w.abs()).min(max_lse));
    for (i, what) in GRADS.into_iter().enumerate() {
        let scale = 4.0 * tol * max_abs(&grads.terms[i]);
        tensor(what, &got.grads[i], &grads.grads[i], &|_| scale);
    }
}

/// Hands every element of a forward output `out` computed elsewhere (a learner's attempt, say)
/// to `sink`, with its bound against `want`: the [`tolerance`] of the case's lse, of the size of
/// the terms the output sums (the oracle's `out_terms`; see the module doc).
pub fn compare_out(out: &[f32], want: &Forward, mut sink: impl FnMut(Sample)) {
    assert_eq!(out.len(), want.out.len(), "out: length");
    let bound = (tolerance(&want.lse) * max_abs(&want.out_terms)).max(1e-30);
    for (i, (&got, &want)) in out.iter().zip(&want.out).enumerate() {
        sink(Sample { what: "out", at: At::Flat(i), got, want, bound });
    }
}
