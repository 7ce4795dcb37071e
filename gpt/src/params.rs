//! The model's parameters as named tensors in one flat buffer: the names and shapes the
//! checkpoints use, where each tensor lives, which ones are decayed, and the initialisation.
//!
//! Names (matrices are `[out, in]`, as a PyTorch `Linear` weight, applied as `x W^T`):
//! `embed [vocab, d]` (also the output head, tied); per block `l`: `blocks.l.attn_norm [d]`,
//! `blocks.l.wq`, `.wk`, `.wv`, `.wo [d, d]`, `blocks.l.mlp_norm [d]`, `blocks.l.w1`,
//! `.w3 [hidden, d]`, `blocks.l.w2 [d, hidden]`; then `final_norm [d]`.

use std::ops::Range;

use crate::config::ModelConfig;
use crate::rng::Rng;

/// One named tensor of the flat buffer.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorSpec {
    pub name: String,
    pub shape: Vec<usize>,
    pub offset: usize,
    /// Matrices are decayed and drawn from N(0, std); RMSNorm gains are neither (they start at 1).
    pub matrix: bool,
    /// Output projections (`wo`, `w2`) start with `std / sqrt(2 layers)`.
    pub output_projection: bool,
}

impl TensorSpec {
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// Indices into [`Layout::tensors`] of one block's tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockTensors {
    pub attn_norm: usize,
    pub wq: usize,
    pub wk: usize,
    pub wv: usize,
    pub wo: usize,
    pub mlp_norm: usize,
    pub w1: usize,
    pub w3: usize,
    pub w2: usize,
}

/// Where every tensor lives in the flat parameter (and gradient, and optimizer) buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub tensors: Vec<TensorSpec>,
    pub embed: usize,
    pub blocks: Vec<BlockTensors>,
    pub final_norm: usize,
    /// Total number of parameters.
    pub len: usize,
}

impl Layout {
    pub fn new(cfg: &ModelConfig) -> Layout {
        let (d, h) = (cfg.d_model, cfg.hidden);
        let mut tensors = Vec::new();
        let mut len = 0;
        let mut push = |name: String, shape: Vec<usize>, output_projection: bool| {
            let matrix = shape.len() == 2;
            let spec = TensorSpec { name, offset: len, shape, matrix, output_projection };
            len += spec.len();
            tensors.push(spec);
            tensors.len() - 1
        };
        let embed = push("embed".into(), vec![cfg.vocab, d], false);
        let blocks = (0..cfg.layers)
            .map(|l| {
                let name = |t: &str| format!("blocks.{l}.{t}");
                BlockTensors {
                    attn_norm: push(name("attn_norm"), vec![d], false),
                    wq: push(name("wq"), vec![d, d], false),
                    wk: push(name("wk"), vec![d, d], false),
                    wv: push(name("wv"), vec![d, d], false),
                    wo: push(name("wo"), vec![d, d], true),
                    mlp_norm: push(name("mlp_norm"), vec![d], false),
                    w1: push(name("w1"), vec![h, d], false),
                    w3: push(name("w3"), vec![h, d], false),
                    w2: push(name("w2"), vec![d, h], true),
                }
            })
            .collect();
        let final_norm = push("final_norm".into(), vec![d], false);
        Layout { tensors, embed, blocks, final_norm, len }
    }

    /// The range of tensor `i` in the flat buffer.
    pub fn range(&self, i: usize) -> Range<usize> {
        self.tensors[i].range()
    }

    /// The index of the tensor with this name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.tensors.iter().position(|t| t.name == name)
    }
}

/// Fresh parameters: matrices from N(0, std) (output projections std / sqrt(2 layers)),
/// drawn tensor by tensor in layout order from `Rng::new(seed)`; gains 1.
pub fn init(layout: &Layout, cfg: &ModelConfig, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut data = vec![0.0f32; layout.len];
    let proj_std = cfg.init_std as f64 / (2.0 * cfg.layers as f64).sqrt();
    for spec in &layout.tensors {
        let out = &mut data[spec.range()];
        if spec.matrix {
            let std = if spec.output_projection { proj_std } else { cfg.init_std as f64 };
            out.iter_mut().for_each(|w| *w = (rng.normal() * std) as f32);
        } else {
            out.fill(1.0);
        }
    }
    data
}
