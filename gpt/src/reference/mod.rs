//! The same model in f64 with obvious loops and no kernels: the oracle the f32 model is
//! checked against (its logits and loss) and whose central finite differences check every
//! parameter's gradient. Never used to train.

pub mod checks;
mod grad_check;

pub use grad_check::{
    GRAD_FLOOR, GRAD_TOLERANCE, GradCheck, STEP, TensorError, finite_difference, grad_check,
};

use crate::config::ModelConfig;
use crate::model::{Batch, IGNORE};
use crate::params::Layout;

/// `y[o] = sum_i w[o, i] x[i]` for each of `rows` rows: `w [out, inp]`.
fn linear(x: &[f64], w: &[f64], rows: usize, inp: usize, out: usize) -> Vec<f64> {
    let mut y = vec![0.0; rows * out];
    for r in 0..rows {
        for o in 0..out {
            y[r * out + o] = (0..inp).map(|i| w[o * inp + i] * x[r * inp + i]).sum();
        }
    }
    y
}

fn rms_norm(x: &[f64], gain: &[f64], eps: f64) -> Vec<f64> {
    let d = gain.len();
    let mut y = vec![0.0; x.len()];
    for (row, out) in x.chunks(d).zip(y.chunks_mut(d)) {
        let r = 1.0 / (row.iter().map(|v| v * v).sum::<f64>() / d as f64 + eps).sqrt();
        for i in 0..d {
            out[i] = row[i] * r * gain[i];
        }
    }
    y
}

/// Turns pairs `(i, i + head_dim / 2)` of each head by `position * theta^(-2i / head_dim)`.
fn rope(x: &mut [f64], seq: usize, heads: usize, hd: usize, theta: f64) {
    let half = hd / 2;
    for (tok, row) in x.chunks_mut(heads * hd).enumerate() {
        let pos = (tok % seq) as f64;
        for h in 0..heads {
            for i in 0..half {
                let (sin, cos) = (pos * theta.powf(-2.0 * i as f64 / hd as f64)).sin_cos();
                let (a, b) = (row[h * hd + i], row[h * hd + i + half]);
                row[h * hd + i] = a * cos - b * sin;
                row[h * hd + i + half] = b * cos + a * sin;
            }
        }
    }
}

/// Causal softmax attention on token-major `[batch, seq, heads, head_dim]` tensors.
fn attention(q: &[f64], k: &[f64], v: &[f64], batch: usize, seq: usize, heads: usize, hd: usize) -> Vec<f64> {
    let d = heads * hd;
    let scale = 1.0 / (hd as f64).sqrt();
    let mut out = vec![0.0; q.len()];
    let at = |b: usize, t: usize, h: usize| (b * seq + t) * d + h * hd;
    for b in 0..batch {
        for h in 0..heads {
            for i in 0..seq {
                let qi = &q[at(b, i, h)..at(b, i, h) + hd];
                let scores: Vec<f64> = (0..=i)
                    .map(|j| {
                        scale
                            * qi.iter()
                                .zip(&k[at(b, j, h)..at(b, j, h) + hd])
                                .map(|(x, y)| x * y)
                                .sum::<f64>()
                    })
                    .collect();
                let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let weights: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                let total: f64 = weights.iter().sum();
                for (j, w) in weights.iter().enumerate() {
                    for e in 0..hd {
                        out[at(b, i, h) + e] += w / total * v[at(b, j, h) + e];
                    }
                }
            }
        }
    }
    out
}

/// The logits `[batch * seq, vocab]` of the model with f64 parameters `params` (the layout of
/// [`Layout::new`]) on `[batch, seq]` token ids.
pub fn logits(cfg: &ModelConfig, params: &[f64], inputs: &[u32], batch: usize, seq: usize) -> Vec<f64> {
    let lay = Layout::new(cfg);
    let p = |i: usize| &params[lay.range(i)];
    let (d, hid, n, eps) = (cfg.d_model, cfg.hidden, batch * seq, cfg.norm_eps as f64);
    let (heads, hd) = (cfg.heads, cfg.head_dim());
    let embed = p(lay.embed);
    let mut x: Vec<f64> = inputs.iter().flat_map(|&id| embed[id as usize * d..][..d].to_vec()).collect();
    for t in &lay.blocks {
        let nx = rms_norm(&x, p(t.attn_norm), eps);
        let mut q = linear(&nx, p(t.wq), n, d, d);
        let mut k = linear(&nx, p(t.wk), n, d, d);
        let v = linear(&nx, p(t.wv), n, d, d);
        rope(&mut q, seq, heads, hd, cfg.rope_theta as f64);
        rope(&mut k, seq, heads, hd, cfg.rope_theta as f64);
        let att = attention(&q, &k, &v, batch, seq, heads, hd);
        x.iter_mut().zip(linear(&att, p(t.wo), n, d, d)).for_each(|(a, b)| *a += b);
        let m = rms_norm(&x, p(t.mlp_norm), eps);
        let gate = linear(&m, p(t.w1), n, d, hid);
        let up = linear(&m, p(t.w3), n, d, hid);
        let s: Vec<f64> = gate.iter().zip(&up).map(|(g, u)| g / (1.0 + (-g).exp()) * u).collect();
        x.iter_mut().zip(linear(&s, p(t.w2), n, hid, d)).for_each(|(a, b)| *a += b);
    }
    let xf = rms_norm(&x, p(lay.final_norm), eps);
    linear(&xf, embed, n, d, cfg.vocab)
}

/// The mean cross-entropy over the batch's scored positions (0 when none is).
pub fn loss(cfg: &ModelConfig, params: &[f64], batch: &Batch) -> f64 {
    let logits = logits(cfg, params, &batch.inputs, batch.batch, batch.seq);
    let (mut sum, mut count) = (0.0, 0usize);
    for (row, &target) in logits.chunks(cfg.vocab).zip(&batch.targets) {
        if target == IGNORE {
            continue;
        }
        let max = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        sum += lse - row[target as usize];
        count += 1;
    }
    if count == 0 { 0.0 } else { sum / count as f64 }
}
