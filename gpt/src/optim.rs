//! AdamW as PyTorch's `torch.optim.AdamW` computes it, global-norm gradient clipping as
//! `clip_grad_norm_` does, and the warmup-then-cosine learning rate: plain loops in a fixed
//! order, so a step is bitwise the same for any thread count.

use crate::config::OptimConfig;
use crate::params::Layout;

/// The learning rate of step `step` (0-based): linear warmup to `lr` over `warmup` steps,
/// then a cosine from `lr` down to `min_lr` at `total_steps`, and `min_lr` after.
pub fn learning_rate(cfg: &OptimConfig, step: u64) -> f32 {
    if step < cfg.warmup {
        return cfg.lr * (step + 1) as f32 / cfg.warmup as f32;
    }
    let span = cfg.total_steps.saturating_sub(cfg.warmup).max(1);
    let progress = ((step - cfg.warmup) as f64 / span as f64).min(1.0);
    let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
    (cfg.min_lr as f64 + (cfg.lr - cfg.min_lr) as f64 * cosine) as f32
}

/// Scales `grads` so that their global L2 norm is at most `max_norm` (PyTorch's
/// `clip_grad_norm_`: by `max_norm / (norm + 1e-6)` when that is below 1). Returns the norm
/// before clipping, summed in f64 in buffer order.
pub fn clip_grad_norm(grads: &mut [f32], max_norm: f32) -> f32 {
    let norm = grads.iter().map(|&g| g as f64 * g as f64).sum::<f64>().sqrt() as f32;
    if max_norm > 0.0 {
        let coef = max_norm / (norm + 1e-6);
        if coef < 1.0 {
            grads.iter_mut().for_each(|g| *g *= coef);
        }
    }
    norm
}

/// AdamW's moments and step count, in the parameters' layout.
#[derive(Clone, Debug, PartialEq)]
pub struct AdamW {
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    /// Updates taken so far (the bias corrections use `step + 1` for the next one).
    pub step: u64,
}

impl AdamW {
    pub fn new(len: usize) -> AdamW {
        AdamW { m: vec![0.0; len], v: vec![0.0; len], step: 0 }
    }

    /// One update at learning rate `lr`, in PyTorch's order: decay the matrices by
    /// `1 - lr wd`, update the moments, then `p -= lr m_hat / (sqrt(v_hat) + eps)` with
    /// `m_hat = m / (1 - beta1^t)`, `v_hat = v / (1 - beta2^t)`.
    pub fn update(&mut self, cfg: &OptimConfig, layout: &Layout, params: &mut [f32], grads: &[f32], lr: f32) {
        self.step += 1;
        let t = self.step as i32;
        let bc1 = 1.0 - (cfg.beta1 as f64).powi(t);
        let bc2 = 1.0 - (cfg.beta2 as f64).powi(t);
        // As torch computes it: step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps.
        let step_size = (lr as f64 / bc1) as f32;
        let bc2_sqrt = bc2.sqrt() as f32;
        let (b1, b2) = (cfg.beta1, cfg.beta2);
        for spec in &layout.tensors {
            let r = spec.range();
            let decay = if spec.matrix { 1.0 - lr * cfg.weight_decay } else { 1.0 };
            let (p, g) = (&mut params[r.clone()], &grads[r.clone()]);
            let (m, v) = (&mut self.m[r.clone()], &mut self.v[r]);
            for i in 0..p.len() {
                p[i] *= decay;
                m[i] += (1.0 - b1) * (g[i] - m[i]); // torch's lerp
                v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
                let denom = v[i].sqrt() / bc2_sqrt + cfg.eps;
                p[i] -= step_size * m[i] / denom;
            }
        }
    }
}
