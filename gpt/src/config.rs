//! The model's sizes and the optimizer's settings: everything a run needs besides the data,
//! checked once, and written whole into every checkpoint's metadata.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The transformer's shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Tokens in the vocabulary (rows of the tied embedding).
    pub vocab: usize,
    /// Width of the residual stream.
    pub d_model: usize,
    /// Transformer blocks.
    pub layers: usize,
    /// Attention heads, each of `d_model / heads`.
    pub heads: usize,
    /// Hidden width of the SwiGLU feed-forward.
    pub hidden: usize,
    /// Longest sequence the model is trained on or asked to continue.
    pub max_seq: usize,
    /// RMSNorm's epsilon.
    pub norm_eps: f32,
    /// RoPE's base.
    pub rope_theta: f32,
    /// Standard deviation of the initial matrices (output projections get it / sqrt(2 layers)).
    pub init_std: f32,
}

impl ModelConfig {
    /// `d_model / heads`.
    pub fn head_dim(&self) -> usize {
        self.d_model / self.heads.max(1)
    }

    /// Refuses sizes the model cannot be built with, naming the value.
    pub fn validate(&self) -> Result<()> {
        let fail = |m: String| Err(Error::Config(m));
        for (name, v) in [
            ("vocab", self.vocab),
            ("d_model", self.d_model),
            ("layers", self.layers),
            ("heads", self.heads),
            ("hidden", self.hidden),
            ("max_seq", self.max_seq),
        ] {
            if v == 0 {
                return fail(format!("{name} is 0; it must be at least 1"));
            }
        }
        if !self.d_model.is_multiple_of(self.heads) {
            return fail(format!("d_model = {} is not a multiple of heads = {}", self.d_model, self.heads));
        }
        if !self.head_dim().is_multiple_of(2) {
            return fail(format!(
                "head_dim = d_model / heads = {} is odd; RoPE turns pairs of dimensions",
                self.head_dim()
            ));
        }
        if self.vocab > u32::MAX as usize - 1 {
            return fail(format!("vocab = {} does not fit a u32 token id", self.vocab));
        }
        if !(self.norm_eps >= 0.0 && self.norm_eps.is_finite()) {
            return fail(format!("norm_eps = {} must be finite and not negative", self.norm_eps));
        }
        if !(self.rope_theta > 0.0 && self.rope_theta.is_finite()) {
            return fail(format!("rope_theta = {} must be positive and finite", self.rope_theta));
        }
        if !(self.init_std > 0.0 && self.init_std.is_finite()) {
            return fail(format!("init_std = {} must be positive and finite", self.init_std));
        }
        Ok(())
    }
}

/// AdamW with global-norm clipping and a linear-warmup, cosine-decay learning rate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimConfig {
    /// Peak learning rate, reached at the end of the warmup.
    pub lr: f32,
    /// The learning rate the cosine ends at, after `total_steps`.
    pub min_lr: f32,
    /// Steps of linear warmup from `lr / warmup` to `lr`.
    pub warmup: u64,
    /// Length of the schedule (the cosine reaches `min_lr` here).
    pub total_steps: u64,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// Decoupled weight decay, applied to matrices only (not to the RMSNorm gains).
    pub weight_decay: f32,
    /// Gradients are scaled down to at most this global L2 norm; 0 turns clipping off.
    pub clip_norm: f32,
}

impl Default for OptimConfig {
    fn default() -> Self {
        OptimConfig {
            lr: 1e-3,
            min_lr: 1e-4,
            warmup: 100,
            total_steps: 1000,
            beta1: 0.9,
            beta2: 0.95,
            eps: 1e-8,
            weight_decay: 0.1,
            clip_norm: 1.0,
        }
    }
}

impl OptimConfig {
    /// Refuses settings AdamW cannot run with, naming the value.
    pub fn validate(&self) -> Result<()> {
        let finite_nonneg = |name: &str, v: f32| {
            if v >= 0.0 && v.is_finite() {
                Ok(())
            } else {
                Err(Error::Config(format!("{name} = {v} must be finite and not negative")))
            }
        };
        finite_nonneg("lr", self.lr)?;
        finite_nonneg("min_lr", self.min_lr)?;
        finite_nonneg("eps", self.eps)?;
        finite_nonneg("weight_decay", self.weight_decay)?;
        finite_nonneg("clip_norm", self.clip_norm)?;
        for (name, b) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&b) {
                return Err(Error::Config(format!("{name} = {b} must lie in [0, 1)")));
            }
        }
        Ok(())
    }
}
