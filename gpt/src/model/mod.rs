//! The transformer on the kernels: parameters, a batch's saved activations, and the forward
//! and backward passes (each layer one kernel call; `ops` holds the glue between them).

mod backward;
mod decode;
mod forward;
pub mod ops;

pub use decode::KvCache;

use crate::config::ModelConfig;
use crate::params::{self, Layout};
use crate::{Error, Result};

/// The target id of a position that is not scored (prompt or padding).
pub const IGNORE: u32 = u32::MAX;

/// `batch` sequences of `seq` tokens, and the token each position should predict (or [`IGNORE`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub batch: usize,
    pub seq: usize,
    /// `[batch, seq]` token ids.
    pub inputs: Vec<u32>,
    /// `[batch, seq]` next-token ids or [`IGNORE`].
    pub targets: Vec<u32>,
}

/// A model: its configuration, where each named tensor lives, and the parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub cfg: ModelConfig,
    pub layout: Layout,
    pub params: Vec<f32>,
}

impl Model {
    /// A freshly initialised model (see [`params::init`]).
    pub fn new(cfg: ModelConfig, seed: u64) -> Result<Model> {
        cfg.validate()?;
        let layout = Layout::new(&cfg);
        let params = params::init(&layout, &cfg, seed);
        Ok(Model { cfg, layout, params })
    }

    /// A model with these parameters, which must have the layout's length.
    pub fn from_params(cfg: ModelConfig, params: Vec<f32>) -> Result<Model> {
        cfg.validate()?;
        let layout = Layout::new(&cfg);
        if params.len() != layout.len {
            return Err(Error::Config(format!(
                "{} parameters given but the configuration has {}",
                params.len(),
                layout.len
            )));
        }
        Ok(Model { cfg, layout, params })
    }

    /// The parameters of tensor `i`.
    pub fn tensor(&self, i: usize) -> &[f32] {
        &self.params[self.layout.range(i)]
    }

    /// Checks a batch's sizes and ids against the model.
    pub fn check_inputs(&self, inputs: &[u32], batch: usize, seq: usize) -> Result<()> {
        if batch == 0 || seq == 0 {
            return Err(Error::Input(format!("batch {batch} x seq {seq} is empty; both must be at least 1")));
        }
        if seq > self.cfg.max_seq {
            return Err(Error::Input(format!(
                "sequence of {seq} tokens is longer than max_seq = {}",
                self.cfg.max_seq
            )));
        }
        if inputs.len() != batch * seq {
            return Err(Error::Input(format!(
                "{} token ids given for batch {batch} x seq {seq} = {}",
                inputs.len(),
                batch * seq
            )));
        }
        if let Some((i, &id)) = inputs.iter().enumerate().find(|(_, id)| **id as usize >= self.cfg.vocab) {
            return Err(Error::Input(format!("inputs[{i}] = {id} is not below vocab = {}", self.cfg.vocab)));
        }
        Ok(())
    }

    fn check_batch(&self, b: &Batch) -> Result<()> {
        self.check_inputs(&b.inputs, b.batch, b.seq)?;
        if b.targets.len() != b.inputs.len() {
            return Err(Error::Input(format!(
                "{} targets for {} inputs; there must be one per input",
                b.targets.len(),
                b.inputs.len()
            )));
        }
        if let Some((i, &id)) =
            b.targets.iter().enumerate().find(|(_, id)| **id != IGNORE && **id as usize >= self.cfg.vocab)
        {
            return Err(Error::Input(format!(
                "targets[{i}] = {id} is neither below vocab = {} nor IGNORE",
                self.cfg.vocab
            )));
        }
        Ok(())
    }
}

/// What one block's forward pass keeps for its backward pass.
#[derive(Clone, Debug, Default)]
struct BlockActs {
    /// The block's input `[tokens, d]`.
    x: Vec<f32>,
    /// `rms_norm(x)` and its per-token reciprocal RMS.
    n: Vec<f32>,
    rstd1: Vec<f32>,
    /// Queries and keys after RoPE, and values, `[batch, heads, seq, head_dim]`.
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    /// Attention's output (same layout) and row log-sum-exp `[batch, heads, seq]`.
    att: Vec<f32>,
    lse: Vec<f32>,
    /// The output back in token-major layout `[tokens, d]`, input of `wo`.
    att_flat: Vec<f32>,
    /// `x + wo(att)`, the feed-forward's input, its norm and reciprocal RMS.
    x_mid: Vec<f32>,
    m: Vec<f32>,
    rstd2: Vec<f32>,
    /// Gate `m W1^T`, up `m W3^T` and `swiglu(gate, up)`, `[tokens, hidden]`.
    g: Vec<f32>,
    u: Vec<f32>,
    s: Vec<f32>,
}

/// The activations a forward pass saves, sized for one `(batch, seq)`.
#[derive(Clone, Debug, Default)]
pub struct Acts {
    batch: usize,
    seq: usize,
    blocks: Vec<BlockActs>,
    /// The last block's output, its final norm and reciprocal RMS.
    x_last: Vec<f32>,
    xf: Vec<f32>,
    rstd_f: Vec<f32>,
    /// `[tokens, vocab]`.
    pub logits: Vec<f32>,
    losses: Vec<f32>,
    positions: Vec<u32>,
}

impl Acts {
    /// Sizes every buffer for `batch x seq` tokens (a no-op when they already are).
    fn ensure(&mut self, cfg: &ModelConfig, batch: usize, seq: usize) {
        if self.batch == batch
            && self.seq == seq
            && self.blocks.len() == cfg.layers
            && !self.positions.is_empty()
        {
            return;
        }
        let n = batch * seq;
        let (d, h, v) = (cfg.d_model, cfg.hidden, cfg.vocab);
        let rows = batch * cfg.heads * seq;
        let block = BlockActs {
            x: vec![0.0; n * d],
            n: vec![0.0; n * d],
            rstd1: vec![0.0; n],
            q: vec![0.0; n * d],
            k: vec![0.0; n * d],
            v: vec![0.0; n * d],
            att: vec![0.0; n * d],
            lse: vec![0.0; rows],
            att_flat: vec![0.0; n * d],
            x_mid: vec![0.0; n * d],
            m: vec![0.0; n * d],
            rstd2: vec![0.0; n],
            g: vec![0.0; n * h],
            u: vec![0.0; n * h],
            s: vec![0.0; n * h],
        };
        *self = Acts {
            batch,
            seq,
            blocks: vec![block; cfg.layers],
            x_last: vec![0.0; n * d],
            xf: vec![0.0; n * d],
            rstd_f: vec![0.0; n],
            logits: vec![0.0; n * v],
            losses: vec![0.0; n],
            positions: (0..n).map(|i| (i % seq) as u32).collect(),
        };
    }
}
