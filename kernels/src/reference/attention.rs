//! f64 oracle for scaled-dot-product attention: materializes every score row, so it is
//! O(q_len * kv_len) per head and only meant for tests and the harness. Conventions match
//! `crate::attention`: grouped-query heads, bottom-right causal alignment, additive masks, and
//! a query that sees no key gives output 0, lse -inf and zero gradients.
//!
//! It panics on malformed arguments: validate with `Attention::new` first. [`spec`] holds the
//! cases, generator and tolerance it is checked with.

pub mod spec;

use crate::attention::{Mask, Params, Qkv, Shape};

/// Forward results in f64.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// `[batch, heads, q_len, head_dim]`.
    pub out: Vec<f64>,
    /// `[batch, heads, q_len]`.
    pub lse: Vec<f64>,
    /// Per element of `out`: `sum_j P_j |v_j|`, the size of the terms its weighted sum adds. A
    /// float sum rounds at that size, and it cancels to a much smaller `out` when the values
    /// differ in sign (a uniform average of many keys, say).
    pub out_terms: Vec<f64>,
}

/// Gradients in f64, laid out like q, k and v, with the size of the sums that make them.
#[derive(Clone, Debug, PartialEq)]
pub struct Backward {
    /// `[dq, dk, dv]`, as the kernels' outputs (`spec::Outputs::grads`).
    pub grads: [Vec<f64>; 3],
    /// Per element of each gradient: the same sum with every product replaced by its absolute
    /// value (and `dP - D` by `|dO| . |v| + sum_j P_j |dO| . |v_j|`). A float computation of a
    /// gradient carries a rounding error proportional to this, not to the gradient, which
    /// cancellation can make orders of magnitude smaller (a nearly one-hot softmax row gives
    /// `dP - D` close to 0).
    pub terms: [Vec<f64>; 3],
}

/// The scaled, masked scores of one query row against every key (-inf where hidden).
fn score_row(shape: &Shape, params: &Params<'_>, qkv: &Qkv<'_>, b: usize, h: usize, i: usize) -> Vec<f64> {
    let Shape { heads, kv_heads, q_len, kv_len, head_dim: d, .. } = *shape;
    let scale = f64::from(params.scale.unwrap_or(1.0 / (d as f32).sqrt()));
    let kvh = h / (heads / kv_heads);
    let q = &qkv.q[((b * heads + h) * q_len + i) * d..][..d];
    (0..kv_len)
        .map(|j| {
            if params.causal && j + q_len > i + kv_len {
                return f64::NEG_INFINITY;
            }
            let k = &qkv.k[((b * kv_heads + kvh) * kv_len + j) * d..][..d];
            let dot: f64 = q.iter().zip(k).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
            let add = match params.mask {
                None => 0.0,
                Some(Mask::Shared(m)) => f64::from(m[i * kv_len + j]),
                Some(Mask::PerBatch(m)) => f64::from(m[(b * q_len + i) * kv_len + j]),
            };
            scale * dot + add
        })
        .collect()
}

/// Softmax of a score row and its log-sum-exp; all zeros and -inf for a row with no key, all
/// NaN for a row with a NaN score (a NaN query, say).
fn softmax_row(s: &[f64]) -> (Vec<f64>, f64) {
    if s.iter().any(|x| x.is_nan()) {
        return (vec![f64::NAN; s.len()], f64::NAN);
    }
    let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return (vec![0.0; s.len()], f64::NEG_INFINITY);
    }
    let e: Vec<f64> = s.iter().map(|&x| (x - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    (e.iter().map(|x| x / sum).collect(), max + sum.ln())
}

fn v_row<'a>(shape: &Shape, x: &'a [f32], b: usize, h: usize, j: usize) -> &'a [f32] {
    let Shape { heads, kv_heads, kv_len, head_dim: d, .. } = *shape;
    let kvh = h / (heads / kv_heads);
    &x[((b * kv_heads + kvh) * kv_len + j) * d..][..d]
}

/// `out` and `lse` of every query.
pub fn forward(shape: &Shape, params: &Params<'_>, qkv: &Qkv<'_>) -> Forward {
    let Shape { batch, heads, q_len, head_dim: d, .. } = *shape;
    let mut out = vec![0.0; batch * heads * q_len * d];
    let mut lse = vec![0.0; batch * heads * q_len];
    let mut out_terms = vec![0.0; out.len()];
    for b in 0..batch {
        for h in 0..heads {
            for i in 0..q_len {
                let row = (b * heads + h) * q_len + i;
                let (p, l) = softmax_row(&score_row(shape, params, qkv, b, h, i));
                lse[row] = l;
                for (j, &pj) in p.iter().enumerate().filter(|(_, pj)| **pj != 0.0) {
                    let (o, terms) = (&mut out[row * d..][..d], &mut out_terms[row * d..][..d]);
                    for ((o, t), &v) in o.iter_mut().zip(terms).zip(v_row(shape, qkv.v, b, h, j)) {
                        *o += pj * f64::from(v);
                        *t += (pj * f64::from(v)).abs();
                    }
                }
            }
        }
    }
    Forward { out, lse, out_terms }
}

/// Gradients of `sum(out * dout)` with respect to q, k and v.
pub fn backward(shape: &Shape, params: &Params<'_>, qkv: &Qkv<'_>, dout: &[f32]) -> Backward {
    let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim: d } = *shape;
    let scale = f64::from(params.scale.unwrap_or(1.0 / (d as f32).sqrt()));
    let mut dq = vec![0.0; batch * heads * q_len * d];
    let mut dk = vec![0.0; batch * kv_heads * kv_len * d];
    let mut dv = vec![0.0; batch * kv_heads * kv_len * d];
    let (mut dq_terms, mut dk_terms, mut dv_terms) =
        (vec![0.0; dq.len()], vec![0.0; dk.len()], vec![0.0; dv.len()]);
    for b in 0..batch {
        for h in 0..heads {
            let kvh = h / (heads / kv_heads);
            for i in 0..q_len {
                let row = (b * heads + h) * q_len + i;
                let (p, _) = softmax_row(&score_row(shape, params, qkv, b, h, i));
                let d_o = &dout[row * d..][..d];
                let q = &qkv.q[row * d..][..d];
                // dP_j = dO . v_j, D = sum_j P_j dP_j, dS_j = P_j (dP_j - D); the `_terms`
                // companions sum absolute values.
                let (dp, dp_terms): (Vec<f64>, Vec<f64>) = (0..kv_len)
                    .map(|j| {
                        let v = v_row(shape, qkv.v, b, h, j);
                        let products = d_o.iter().zip(v).map(|(&x, &y)| f64::from(x) * f64::from(y));
                        products.fold((0.0, 0.0), |(sum, terms), x| (sum + x, terms + x.abs()))
                    })
                    .unzip();
                let big_d: f64 = p.iter().zip(&dp).map(|(a, b)| a * b).sum();
                let big_d_terms: f64 = p.iter().zip(&dp_terms).map(|(a, b)| a * b).sum();
                for j in 0..kv_len {
                    if p[j] == 0.0 {
                        continue;
                    }
                    let ds = p[j] * (dp[j] - big_d);
                    let ds_terms = p[j] * (dp_terms[j] + big_d_terms);
                    let kv = ((b * kv_heads + kvh) * kv_len + j) * d;
                    let k = &qkv.k[kv..][..d];
                    for c in 0..d {
                        let (kc, qc, doc) = (f64::from(k[c]), f64::from(q[c]), f64::from(d_o[c]));
                        dq[row * d + c] += scale * ds * kc;
                        dk[kv + c] += scale * ds * qc;
                        dv[kv + c] += p[j] * doc;
                        dq_terms[row * d + c] += (scale * ds_terms * kc).abs();
                        dk_terms[kv + c] += (scale * ds_terms * qc).abs();
                        dv_terms[kv + c] += (p[j] * doc).abs();
                    }
                }
            }
        }
    }
    Backward { grads: [dq, dk, dv], terms: [dq_terms, dk_terms, dv_terms] }
}
