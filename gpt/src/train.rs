//! One training step (forward, backward, clipping, the scheduled AdamW update) with the
//! buffers it reuses from step to step.

use kernels::Opts;

use crate::config::OptimConfig;
use crate::model::{Acts, Batch, Model};
use crate::optim::{AdamW, clip_grad_norm, learning_rate};
use crate::{Error, Result};

/// What one step measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    /// The batch's mean cross-entropy before the update.
    pub loss: f32,
    /// The gradient's global L2 norm before clipping.
    pub grad_norm: f32,
    /// The learning rate the update used.
    pub lr: f32,
}

/// A model with its optimizer, trained one batch at a time.
#[derive(Clone, Debug)]
pub struct Trainer {
    pub model: Model,
    pub optim: OptimConfig,
    pub adam: AdamW,
    pub opts: Opts,
    acts: Acts,
    grads: Vec<f32>,
}

impl Trainer {
    pub fn new(model: Model, optim: OptimConfig, adam: Option<AdamW>, opts: Opts) -> Result<Trainer> {
        optim.validate()?;
        let len = model.layout.len;
        let adam = adam.unwrap_or_else(|| AdamW::new(len));
        if adam.m.len() != len || adam.v.len() != len {
            return Err(Error::Config(format!(
                "optimizer state has {} moments, the model {len} parameters",
                adam.m.len()
            )));
        }
        Ok(Trainer { model, optim, adam, opts, acts: Acts::default(), grads: vec![0.0; len] })
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.adam.step
    }

    /// The gradient of the last step, after clipping.
    pub fn grads(&self) -> &[f32] {
        &self.grads
    }

    /// Forward, backward, clip, update.
    pub fn step(&mut self, batch: &Batch) -> Result<StepStats> {
        let loss = self.model.forward(batch, &mut self.acts, &self.opts)?;
        self.model.backward(batch, &self.acts, &mut self.grads, &self.opts)?;
        let grad_norm = clip_grad_norm(&mut self.grads, self.optim.clip_norm);
        let lr = learning_rate(&self.optim, self.adam.step);
        self.adam.update(&self.optim, &self.model.layout, &mut self.model.params, &self.grads, lr);
        Ok(StepStats { loss, grad_norm, lr })
    }
}
