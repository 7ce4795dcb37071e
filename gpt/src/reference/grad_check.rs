//! Every parameter's gradient from the f32 model's backward pass against central finite
//! differences of the f64 reference loss, tensor by tensor.
//!
//! Bound: per tensor, `max |g - g_fd| <= GRAD_TOLERANCE * scale`, `scale` being the largest
//! `|g_fd|` of that tensor or, if larger, `GRAD_FLOOR` times the largest of all tensors (a
//! tensor whose gradient is tiny is held to the rounding of the others). The differences use
//! `h = 1e-5` in f64: truncation `h^2 |f'''| / 6` and rounding `1e-16 / h` are both near 1e-11,
//! far below the f32 backward pass's own error (a few 1e-7 of the scale from its roundings).

use kernels::Opts;

use super::loss;
use crate::model::{Acts, Batch, Model};
use crate::{Error, Result};

/// Allowed error of a gradient, relative to its tensor's scale.
pub const GRAD_TOLERANCE: f64 = 1e-4;
/// A tensor's scale is at least this fraction of the largest gradient of the model.
pub const GRAD_FLOOR: f64 = 1e-2;
/// Central-difference step.
pub const STEP: f64 = 1e-5;

/// The central differences `(L(p + h) - L(p - h)) / 2h` of the reference loss for every
/// parameter.
pub fn finite_difference(model: &Model, batch: &Batch, h: f64) -> Vec<f64> {
    let mut p: Vec<f64> = model.params.iter().map(|&v| v as f64).collect();
    (0..p.len())
        .map(|i| {
            let keep = p[i];
            p[i] = keep + h;
            let up = loss(&model.cfg, &p, batch);
            p[i] = keep - h;
            let down = loss(&model.cfg, &p, batch);
            p[i] = keep;
            (up - down) / (2.0 * h)
        })
        .collect()
}

/// One tensor's worst gradient error.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorError {
    pub name: String,
    pub max_error: f64,
    pub scale: f64,
}

impl TensorError {
    /// The error as a fraction of the allowed one (at most 1 passes).
    pub fn ratio(&self) -> f64 {
        self.max_error / (GRAD_TOLERANCE * self.scale)
    }
}

/// The outcome of [`grad_check`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradCheck {
    pub tensors: Vec<TensorError>,
    /// The f32 model's loss and the reference's.
    pub loss: f32,
    pub loss_ref: f64,
    /// Largest `|logit - logit_ref|` over the largest `|logit_ref|`.
    pub logits_error: f64,
}

impl GradCheck {
    /// The worst tensor, by [`TensorError::ratio`].
    pub fn worst(&self) -> Option<&TensorError> {
        self.tensors.iter().max_by(|a, b| a.ratio().total_cmp(&b.ratio()))
    }
}

/// Runs the f32 model forward and backward on `batch` and compares its loss, logits and every
/// gradient with the f64 reference.
pub fn grad_check(model: &Model, batch: &Batch, opts: &Opts) -> Result<GradCheck> {
    let mut acts = Acts::default();
    let loss32 = model.forward(batch, &mut acts, opts)?;
    let mut grads = vec![0.0f32; model.layout.len];
    model.backward(batch, &acts, &mut grads, opts)?;
    let p64: Vec<f64> = model.params.iter().map(|&v| v as f64).collect();
    let reference = super::logits(&model.cfg, &p64, &batch.inputs, batch.batch, batch.seq);
    let top = reference.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = acts.logits.iter().zip(&reference).fold(0.0f64, |m, (&a, b)| m.max((a as f64 - b).abs()));
    if top == 0.0 {
        return Err(Error::Input("every reference logit is 0; nothing to compare".into()));
    }
    let fd = finite_difference(model, batch, STEP);
    let global = fd.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let tensors = model
        .layout
        .tensors
        .iter()
        .map(|spec| {
            let r = spec.range();
            let own = fd[r.clone()].iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let max_error =
                grads[r.clone()].iter().zip(&fd[r]).fold(0.0f64, |m, (&g, f)| m.max((g as f64 - f).abs()));
            TensorError { name: spec.name.clone(), max_error, scale: own.max(GRAD_FLOOR * global) }
        })
        .collect();
    Ok(GradCheck {
        tensors,
        loss: loss32,
        loss_ref: super::loss(&model.cfg, &p64, batch),
        logits_error: worst / top,
    })
}
