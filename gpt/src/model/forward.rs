//! The forward pass: embedding, blocks of RoPE attention and SwiGLU feed-forward behind
//! RMSNorm, the final norm, tied logits and the cross-entropy, each a kernel call.

use kernels::attention::{Attention, Params, Qkv, Shape};
use kernels::{Opts, activation, embedding, loss, norm, rope};

use super::ops::{Heads, linear};
use super::{Acts, Batch, BlockActs, IGNORE, Model};
use crate::Result;

impl Model {
    /// Runs the model on `batch` and returns the mean cross-entropy over its scored positions,
    /// keeping in `acts` what [`Model::backward`] needs.
    pub fn forward(&self, batch: &Batch, acts: &mut Acts, opts: &Opts) -> Result<f32> {
        self.check_batch(batch)?;
        self.forward_logits(&batch.inputs, batch.batch, batch.seq, acts, opts)?;
        let v = self.cfg.vocab;
        Ok(loss::cross_entropy(&acts.logits, &batch.targets, v, Some(IGNORE), &mut acts.losses, opts)?)
    }

    /// Runs the model on `[batch, seq]` token ids, leaving the logits `[batch * seq, vocab]` in
    /// `acts.logits`.
    pub fn forward_logits(
        &self,
        inputs: &[u32],
        batch: usize,
        seq: usize,
        acts: &mut Acts,
        opts: &Opts,
    ) -> Result<()> {
        self.check_inputs(inputs, batch, seq)?;
        let cfg = &self.cfg;
        acts.ensure(cfg, batch, seq);
        let (d, n) = (cfg.d_model, batch * seq);
        let embed = self.tensor(self.layout.embed);
        let mut x = vec![0.0f32; n * d];
        embedding::embedding(embed, d, inputs, &mut x, opts)?;
        for (l, saved) in acts.blocks.iter_mut().enumerate() {
            saved.x.copy_from_slice(&x);
            self.block_forward(l, saved, &acts.positions, batch, seq, &mut x, opts)?;
        }
        acts.x_last.copy_from_slice(&x);
        let gain = self.tensor(self.layout.final_norm);
        norm::rms_norm(&acts.x_last, gain, cfg.norm_eps, &mut acts.xf, &mut acts.rstd_f, opts)?;
        linear(&acts.xf, embed, &mut acts.logits, n, d, cfg.vocab, 0.0, opts)
    }

    /// One block: `x += wo(attn(...))`, then `x += w2(swiglu(...))`, in place on `x`.
    #[allow(clippy::too_many_arguments)]
    fn block_forward(
        &self,
        l: usize,
        a: &mut BlockActs,
        positions: &[u32],
        batch: usize,
        seq: usize,
        x: &mut [f32],
        opts: &Opts,
    ) -> Result<()> {
        let cfg = &self.cfg;
        let t = self.layout.blocks[l];
        let (d, hid, n) = (cfg.d_model, cfg.hidden, batch * seq);
        let (heads, hd) = (cfg.heads, cfg.head_dim());
        let layout = Heads { batch, seq, heads, head_dim: hd };

        norm::rms_norm(&a.x, self.tensor(t.attn_norm), cfg.norm_eps, &mut a.n, &mut a.rstd1, opts)?;
        let mut proj = vec![0.0f32; n * d];
        for (w, dst, turn) in [(t.wq, &mut a.q, true), (t.wk, &mut a.k, true), (t.wv, &mut a.v, false)] {
            linear(&a.n, self.tensor(w), &mut proj, n, d, d, 0.0, opts)?;
            if turn {
                rope::rope(&mut proj, heads, hd, positions, cfg.rope_theta, opts)?;
            }
            layout.split(&proj, dst);
        }
        let shape = Shape { batch, heads, kv_heads: heads, q_len: seq, kv_len: seq, head_dim: hd };
        let attn = Attention::new(shape, Params { causal: true, ..Params::default() })?;
        attn.forward(Qkv { q: &a.q, k: &a.k, v: &a.v }, &mut a.att, &mut a.lse, opts)?;
        layout.merge(&a.att, &mut a.att_flat);
        linear(&a.att_flat, self.tensor(t.wo), x, n, d, d, 1.0, opts)?;

        a.x_mid.copy_from_slice(x);
        norm::rms_norm(&a.x_mid, self.tensor(t.mlp_norm), cfg.norm_eps, &mut a.m, &mut a.rstd2, opts)?;
        linear(&a.m, self.tensor(t.w1), &mut a.g, n, d, hid, 0.0, opts)?;
        linear(&a.m, self.tensor(t.w3), &mut a.u, n, d, hid, 0.0, opts)?;
        activation::swiglu(&a.g, &a.u, &mut a.s, opts)?;
        linear(&a.s, self.tensor(t.w2), x, n, hid, d, 1.0, opts)
    }
}
