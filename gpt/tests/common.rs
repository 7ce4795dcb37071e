//! Tiny configurations and batches shared by the tests.
#![allow(dead_code)]

use gpt::rng::Rng;
use gpt::{Batch, IGNORE, ModelConfig};

/// Small enough for finite differences over every parameter, with weights large enough
/// (std 0.3) that every nonlinearity is away from its linear regime.
pub fn tiny() -> ModelConfig {
    ModelConfig {
        vocab: 11,
        d_model: 8,
        layers: 2,
        heads: 2,
        hidden: 12,
        max_seq: 8,
        norm_eps: 1e-5,
        rope_theta: 10_000.0,
        init_std: 0.3,
    }
}

/// Random tokens, about a third of the targets ignored.
pub fn random_batch(cfg: &ModelConfig, batch: usize, seq: usize, seed: u64) -> Batch {
    let mut rng = Rng::new(seed);
    let n = batch * seq;
    let inputs = (0..n).map(|_| rng.below(cfg.vocab as u64) as u32).collect();
    let targets =
        (0..n).map(|_| if rng.below(3) == 0 { IGNORE } else { rng.below(cfg.vocab as u64) as u32 }).collect();
    Batch { batch, seq, inputs, targets }
}
