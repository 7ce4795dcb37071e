//! The verdict on the model, written once for the tests and `harness run gpt`: a tiny
//! configuration and batch, and the checks that need more than the gradient comparison
//! (an AdamW step worked out by hand, KV-cache decoding, thread-count independence).

use kernels::Opts;

use crate::config::{ModelConfig, OptimConfig};
use crate::model::{Acts, Batch, IGNORE, KvCache, Model};
use crate::optim::AdamW;
use crate::params::Layout;
use crate::rng::Rng;
use crate::train::Trainer;
use crate::{Error, Result};

/// Small enough for finite differences over every parameter (1,216 of them), with weights
/// large enough (std 0.3) that every nonlinearity is away from its linear regime.
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

/// Allowed error of an AdamW step against the f64 formula: a few f32 roundings of the
/// parameter (|p| <= 0.3, steps of lr = 3e-3), 1e-7 absolute.
pub const ADAMW_TOLERANCE: f64 = 1e-7;

/// The largest difference between one [`AdamW::update`] and the first step worked out by hand:
/// with `m = (1 - beta1) g` and `v = (1 - beta2) g^2`, the bias corrections leave `g / (|g| +
/// eps)`, so `p' = p (1 - lr wd) - lr g / (|g| + eps)` for matrices and without the decay for
/// gains. Also checks the moments and that a gain with zero gradient does not move.
pub fn adamw_step_error(cfg: &ModelConfig) -> Result<f64> {
    let layout = Layout::new(cfg);
    let optim = OptimConfig::default();
    let n = layout.len;
    let params: Vec<f32> = (0..n).map(|i| ((i % 7) as f32 - 3.0) * 0.1).collect();
    let grads: Vec<f32> = (0..n).map(|i| ((i % 5) as f32 - 2.0) * 0.01).collect();
    let mut adam = AdamW::new(n);
    let mut p = params.clone();
    let lr = 3e-3f32;
    adam.update(&optim, &layout, &mut p, &grads, lr);
    let (lr, wd, eps) = (lr as f64, optim.weight_decay as f64, optim.eps as f64);
    let (b1, b2) = (optim.beta1 as f64, optim.beta2 as f64);
    let mut worst = 0.0f64;
    for spec in &layout.tensors {
        for i in spec.range() {
            let (p0, g) = (params[i] as f64, grads[i] as f64);
            let decayed = if spec.matrix { p0 * (1.0 - lr * wd) } else { p0 };
            let want = decayed - lr * g / (g.abs() + eps);
            worst = worst.max((p[i] as f64 - want).abs());
            let (m_err, v_err) =
                ((adam.m[i] as f64 - (1.0 - b1) * g).abs(), (adam.v[i] as f64 - (1.0 - b2) * g * g).abs());
            if m_err > 1e-9 || v_err > 1e-11 {
                return Err(Error::Input(format!(
                    "{}[{i}]: moments {} {} for gradient {g}",
                    spec.name, adam.m[i], adam.v[i]
                )));
            }
            if !spec.matrix && g == 0.0 && p[i] != params[i] {
                return Err(Error::Input(format!(
                    "{}[{i}] moved with zero gradient and no decay",
                    spec.name
                )));
            }
        }
    }
    Ok(worst)
}

/// The largest difference between the logits of [`Model::decode_step`] over a sequence and
/// those of one forward pass over it, relative to the largest logit.
pub fn decode_error(model: &Model, batch: &Batch, opts: &Opts) -> Result<f64> {
    let (b, t, v) = (batch.batch, batch.seq, model.cfg.vocab);
    let mut acts = Acts::default();
    model.forward_logits(&batch.inputs, b, t, &mut acts, opts)?;
    let top = acts.logits.iter().fold(0.0f64, |m, x| m.max(x.abs() as f64));
    let mut cache = KvCache::new(model, b);
    let mut worst = 0.0f64;
    for pos in 0..t {
        let tokens: Vec<u32> = (0..b).map(|s| batch.inputs[s * t + pos]).collect();
        let logits = model.decode_step(&tokens, &mut cache, opts)?;
        for s in 0..b {
            let full = &acts.logits[(s * t + pos) * v..][..v];
            let step = &logits[s * v..][..v];
            worst = full.iter().zip(step).fold(worst, |m, (x, y)| m.max((x - y).abs() as f64));
        }
    }
    Ok(worst / top.max(f64::MIN_POSITIVE))
}

/// Whether two training steps on `a` and on `b` (thread counts, say) end with bitwise equal
/// losses, gradients and parameters.
pub fn steps_bitwise_equal(cfg: &ModelConfig, batch: &Batch, a: &Opts, b: &Opts) -> Result<bool> {
    let run = |opts: &Opts| -> Result<(Vec<u32>, Vec<u32>, Vec<u32>)> {
        let mut t = Trainer::new(Model::new(cfg.clone(), 9)?, OptimConfig::default(), None, *opts)?;
        let losses = (0..2).map(|_| t.step(batch).map(|s| s.loss.to_bits())).collect::<Result<_>>()?;
        let bits = |xs: &[f32]| xs.iter().map(|x| x.to_bits()).collect();
        Ok((losses, bits(t.grads()), bits(&t.model.params)))
    };
    Ok(run(a)? == run(b)?)
}

/// A configuration large enough that matmuls and attention split over two threads.
pub fn medium() -> ModelConfig {
    ModelConfig {
        vocab: 13,
        d_model: 128,
        layers: 2,
        heads: 4,
        hidden: 256,
        max_seq: 64,
        init_std: 0.02,
        ..tiny()
    }
}
