//! Generation with a KV cache: each step feeds one token per sequence, appends its keys and
//! values to the cache and runs attention for that one query against the cached ones (the
//! kernel's decode shape, `q_len = 1`), so a step costs time linear in the tokens so far.

use kernels::attention::{Attention, Params, Qkv, Shape};
use kernels::{Opts, activation, embedding, norm, rope};

use super::Model;
use super::ops::linear;
use crate::{Error, Result};

/// Keys and values of every block for `batch` sequences, `[batch, heads, max_seq, head_dim]`
/// per block, filled up to `len` positions.
#[derive(Clone, Debug)]
pub struct KvCache {
    batch: usize,
    len: usize,
    k: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl KvCache {
    /// An empty cache for `batch` sequences of up to the model's `max_seq` tokens.
    pub fn new(model: &Model, batch: usize) -> KvCache {
        let size = batch * model.cfg.max_seq * model.cfg.d_model;
        KvCache {
            batch,
            len: 0,
            k: vec![vec![0.0; size]; model.cfg.layers],
            v: vec![vec![0.0; size]; model.cfg.layers],
        }
    }

    /// Positions cached so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Model {
    /// Feeds one token per sequence (at position `cache.len()`) and returns the next-token
    /// logits `[batch, vocab]`.
    pub fn decode_step(&self, tokens: &[u32], cache: &mut KvCache, opts: &Opts) -> Result<Vec<f32>> {
        let cfg = &self.cfg;
        let (bsz, pos) = (cache.batch, cache.len);
        if tokens.len() != bsz {
            return Err(Error::Input(format!(
                "{} tokens given for a cache of {bsz} sequences",
                tokens.len()
            )));
        }
        if pos >= cfg.max_seq {
            return Err(Error::Input(format!("the cache is full: max_seq = {} positions", cfg.max_seq)));
        }
        self.check_inputs(tokens, bsz, 1)?;
        let (d, hid, heads, hd, cap) = (cfg.d_model, cfg.hidden, cfg.heads, cfg.head_dim(), cfg.max_seq);
        let positions = vec![pos as u32; bsz];
        let embed = self.tensor(self.layout.embed);
        let mut x = vec![0.0f32; bsz * d];
        embedding::embedding(embed, d, tokens, &mut x, opts)?;
        let (mut n, mut rstd) = (vec![0.0f32; bsz * d], vec![0.0f32; bsz]);
        let (mut q, mut k, mut v) = (vec![0.0f32; bsz * d], vec![0.0f32; bsz * d], vec![0.0f32; bsz * d]);
        let (mut att, mut lse) = (vec![0.0f32; bsz * d], vec![0.0f32; 1]);
        let (mut g, mut u, mut s) =
            (vec![0.0f32; bsz * hid], vec![0.0f32; bsz * hid], vec![0.0f32; bsz * hid]);
        let kv_len = pos + 1;
        let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 1, kv_len, head_dim: hd };
        let attn = Attention::new(shape, Params { causal: true, ..Params::default() })?;
        for (l, t) in self.layout.blocks.iter().enumerate() {
            norm::rms_norm(&x, self.tensor(t.attn_norm), cfg.norm_eps, &mut n, &mut rstd, opts)?;
            linear(&n, self.tensor(t.wq), &mut q, bsz, d, d, 0.0, opts)?;
            linear(&n, self.tensor(t.wk), &mut k, bsz, d, d, 0.0, opts)?;
            linear(&n, self.tensor(t.wv), &mut v, bsz, d, d, 0.0, opts)?;
            rope::rope(&mut q, heads, hd, &positions, cfg.rope_theta, opts)?;
            rope::rope(&mut k, heads, hd, &positions, cfg.rope_theta, opts)?;
            // Each (sequence, head) owns `max_seq` rows of the cache, so its first `kv_len`
            // rows are one contiguous slice: the kernel's `[1, 1, kv_len, head_dim]`.
            for b in 0..bsz {
                for h in 0..heads {
                    let base = (b * heads + h) * cap * hd;
                    let at = base + pos * hd;
                    let src = (b * heads + h) * hd;
                    cache.k[l][at..at + hd].copy_from_slice(&k[src..src + hd]);
                    cache.v[l][at..at + hd].copy_from_slice(&v[src..src + hd]);
                    let keys = &cache.k[l][base..base + kv_len * hd];
                    let values = &cache.v[l][base..base + kv_len * hd];
                    let qkv = Qkv { q: &q[src..src + hd], k: keys, v: values };
                    attn.forward(qkv, &mut att[src..src + hd], &mut lse, opts)?;
                }
            }
            linear(&att, self.tensor(t.wo), &mut x, bsz, d, d, 1.0, opts)?;
            norm::rms_norm(&x, self.tensor(t.mlp_norm), cfg.norm_eps, &mut n, &mut rstd, opts)?;
            linear(&n, self.tensor(t.w1), &mut g, bsz, d, hid, 0.0, opts)?;
            linear(&n, self.tensor(t.w3), &mut u, bsz, d, hid, 0.0, opts)?;
            activation::swiglu(&g, &u, &mut s, opts)?;
            linear(&s, self.tensor(t.w2), &mut x, bsz, hid, d, 1.0, opts)?;
        }
        norm::rms_norm(&x, self.tensor(self.layout.final_norm), cfg.norm_eps, &mut n, &mut rstd, opts)?;
        let mut logits = vec![0.0f32; bsz * cfg.vocab];
        linear(&n, embed, &mut logits, bsz, d, cfg.vocab, 0.0, opts)?;
        cache.len += 1;
        Ok(logits)
    }
}
