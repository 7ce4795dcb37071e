//! The backward pass: the gradient of the mean cross-entropy with respect to every named
//! tensor, from the activations the forward pass saved, each layer's gradient one kernel call.

use kernels::attention::{Attention, Grads, Params, Qkv, Shape};
use kernels::{Opts, activation, embedding, loss, norm, rope};

use super::ops::{Heads, add_into, linear_dw, linear_dx};
use super::{Acts, Batch, IGNORE, Model};
use crate::{Error, Result};

impl Model {
    /// Writes into `grads` (the layout's length) the gradient of the loss of the last
    /// [`Model::forward`] on `batch`, whose activations `acts` holds.
    pub fn backward(&self, batch: &Batch, acts: &Acts, grads: &mut [f32], opts: &Opts) -> Result<()> {
        self.check_batch(batch)?;
        if acts.batch != batch.batch || acts.seq != batch.seq || acts.blocks.len() != self.cfg.layers {
            return Err(Error::Input(format!(
                "the saved activations are for batch {} x seq {}, not this batch's {} x {}",
                acts.batch, acts.seq, batch.batch, batch.seq
            )));
        }
        if grads.len() != self.layout.len {
            return Err(Error::Input(format!(
                "grads has {} elements, the model {}",
                grads.len(),
                self.layout.len
            )));
        }
        grads.fill(0.0);
        let cfg = &self.cfg;
        let (d, hid, vocab) = (cfg.d_model, cfg.hidden, cfg.vocab);
        let (bsz, seq) = (batch.batch, batch.seq);
        let n = bsz * seq;
        let (heads, hd) = (cfg.heads, cfg.head_dim());
        let layout = Heads { batch: bsz, seq, heads, head_dim: hd };
        let lay = &self.layout;

        // Head: logits = rms_norm(x) E^T.
        let mut dlogits = vec![0.0f32; n * vocab];
        loss::cross_entropy_backward(
            &acts.logits,
            &batch.targets,
            vocab,
            Some(IGNORE),
            1.0,
            &mut dlogits,
            opts,
        )?;
        let embed = self.tensor(lay.embed);
        linear_dw(&dlogits, &acts.xf, &mut grads[lay.range(lay.embed)], n, d, vocab, opts)?;
        let mut dxf = vec![0.0f32; n * d];
        linear_dx(&dlogits, embed, &mut dxf, n, d, vocab, 0.0, opts)?;
        drop(dlogits);
        let mut dx = vec![0.0f32; n * d];
        let (gain, dgain) = (self.tensor(lay.final_norm), &mut grads[lay.range(lay.final_norm)]);
        norm::rms_norm_backward(&acts.x_last, gain, &acts.rstd_f, &dxf, &mut dx, dgain, opts)?;

        let mut tmp = vec![0.0f32; n * d];
        let (mut ds, mut dg, mut du) = (vec![0.0f32; n * hid], vec![0.0f32; n * hid], vec![0.0f32; n * hid]);
        let mut dhead = vec![0.0f32; n * d];
        let (mut dq, mut dk, mut dv) = (vec![0.0f32; n * d], vec![0.0f32; n * d], vec![0.0f32; n * d]);
        let mut dflat = vec![0.0f32; n * d];
        for (l, a) in acts.blocks.iter().enumerate().rev() {
            let t = lay.blocks[l];
            // Feed-forward: x_out = x_mid + w2(swiglu(w1 m, w3 m)), m = rms_norm(x_mid).
            linear_dx(&dx, self.tensor(t.w2), &mut ds, n, hid, d, 0.0, opts)?;
            linear_dw(&dx, &a.s, &mut grads[lay.range(t.w2)], n, hid, d, opts)?;
            activation::swiglu_backward(&a.g, &a.u, &ds, &mut dg, &mut du, opts)?;
            linear_dw(&dg, &a.m, &mut grads[lay.range(t.w1)], n, d, hid, opts)?;
            linear_dw(&du, &a.m, &mut grads[lay.range(t.w3)], n, d, hid, opts)?;
            linear_dx(&dg, self.tensor(t.w1), &mut dflat, n, d, hid, 0.0, opts)?;
            linear_dx(&du, self.tensor(t.w3), &mut dflat, n, d, hid, 1.0, opts)?;
            let (gain, dgain) = (self.tensor(t.mlp_norm), &mut grads[lay.range(t.mlp_norm)]);
            norm::rms_norm_backward(&a.x_mid, gain, &a.rstd2, &dflat, &mut tmp, dgain, opts)?;
            add_into(&mut dx, &tmp);

            // Attention: x_mid = x + wo(attn(rope(wq n), rope(wk n), wv n)), n = rms_norm(x).
            linear_dx(&dx, self.tensor(t.wo), &mut dflat, n, d, d, 0.0, opts)?;
            linear_dw(&dx, &a.att_flat, &mut grads[lay.range(t.wo)], n, d, d, opts)?;
            layout.split(&dflat, &mut dhead);
            let shape = Shape { batch: bsz, heads, kv_heads: heads, q_len: seq, kv_len: seq, head_dim: hd };
            let attn = Attention::new(shape, Params { causal: true, ..Params::default() })?;
            let grads_qkv = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
            attn.backward(Qkv { q: &a.q, k: &a.k, v: &a.v }, &a.att, &a.lse, &dhead, grads_qkv, opts)?;
            for (i, (w, dproj, turn)) in
                [(t.wq, &dq, true), (t.wk, &dk, true), (t.wv, &dv, false)].into_iter().enumerate()
            {
                layout.merge(dproj, &mut dhead);
                if turn {
                    rope::rope_backward(&mut dhead, heads, hd, &acts.positions, cfg.rope_theta, opts)?;
                }
                linear_dw(&dhead, &a.n, &mut grads[lay.range(w)], n, d, d, opts)?;
                let beta = if i == 0 { 0.0 } else { 1.0 };
                linear_dx(&dhead, self.tensor(w), &mut dflat, n, d, d, beta, opts)?;
            }
            let (gain, dgain) = (self.tensor(t.attn_norm), &mut grads[lay.range(t.attn_norm)]);
            norm::rms_norm_backward(&a.x, gain, &a.rstd1, &dflat, &mut tmp, dgain, opts)?;
            add_into(&mut dx, &tmp);
        }
        embedding::embedding_backward(&batch.inputs, &dx, d, &mut grads[lay.range(lay.embed)], opts)?;
        Ok(())
    }
}
