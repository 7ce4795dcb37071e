//! The implementations of the compute-bound kernels at one shape (matmul `[n]`, attention
//! `[q_len, kv_len, head_dim, causal]` over batch 1 and 8 heads), each counting its FLOPs: what
//! the measured FMA peak bounds.

use std::hint::black_box;
use std::rc::Rc;

use kernels::attention::{Attention, Grads, Params, Qkv, Shape};
use kernels::matmul::gemm;
use kernels::reference::random_f32;
use kernels::{Isa, MatMut, MatRef, Opts, naive};

use super::super::Kernel;
use super::rounds::Impl;

/// Heads of the attention shapes; the attempt computes one.
pub const HEADS: usize = 8;

/// FLOPs of one head of attention forward: 4 q_len kv_len D, halved when causal.
pub fn attention_flops(q_len: usize, kv_len: usize, head_dim: usize, causal: bool) -> f64 {
    4.0 * (q_len * kv_len * head_dim) as f64 / if causal { 2.0 } else { 1.0 }
}

/// The implementations of compute-bound `kernel` at `shape`.
pub fn impls(kernel: Kernel, shape: &[usize], threads: usize) -> Vec<Impl> {
    match (kernel, shape) {
        (Kernel::Matmul, &[n]) => matmul_impls(n, threads),
        (Kernel::Attention, &[q_len, kv_len, head_dim, causal]) => {
            attention_impls(q_len, kv_len, head_dim, causal != 0, threads)
        }
        _ => unreachable!("{} is not measured at a shape of {} numbers", kernel.name(), shape.len()),
    }
}

fn matmul_impls(n: usize, threads: usize) -> Vec<Impl> {
    let a = Rc::new(random_f32(n * n, -1.0, 1.0, 1));
    let b = Rc::new(random_f32(n * n, -1.0, 1.0, 2));
    let flops = 2.0 * (n as f64).powi(3);
    let mut out = Vec::new();
    if n <= 256 {
        let (a, b, mut c) = (a.clone(), b.clone(), vec![0.0; n * n]);
        out.push(Impl::new("naive triple loop", flops, 0.0, move || {
            naive::matmul(&a, &b, &mut c, n).expect("n x n inputs");
            black_box(&c);
        }));
    }
    for isa in Isa::available() {
        let opts = Opts { isa: Some(isa), threads };
        let (a, b, mut c) = (a.clone(), b.clone(), vec![0.0; n * n]);
        out.push(Impl::new(isa.name(), flops, 0.0, move || {
            let (a, b) = (MatRef::new(&a, n, n).expect("n*n"), MatRef::new(&b, n, n).expect("n*n"));
            gemm(1.0, a, b, 0.0, MatMut::new(&mut c, n, n).expect("n*n"), &opts).expect("valid shapes");
            black_box(&c);
        }));
    }
    out
}

/// Everything the attention calls share: the operator and its inputs.
struct Inputs {
    attn: Attention<'static>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    dout: Vec<f32>,
}

impl Inputs {
    fn qkv(&self) -> Qkv<'_> {
        Qkv { q: &self.q, k: &self.k, v: &self.v }
    }
}

fn attention_impls(q_len: usize, kv_len: usize, head_dim: usize, causal: bool, threads: usize) -> Vec<Impl> {
    let shape = Shape { batch: 1, heads: HEADS, kv_heads: HEADS, q_len, kv_len, head_dim };
    let q = random_f32(HEADS * q_len * head_dim, -1.0, 1.0, 5);
    let k = random_f32(HEADS * kv_len * head_dim, -1.0, 1.0, 6);
    let v = random_f32(k.len(), -1.0, 1.0, 7);
    let dout = random_f32(q.len(), -1.0, 1.0, 8);
    let attn = Attention::new(shape, Params { causal, ..Params::default() }).expect("a valid shape");
    let inputs = Rc::new(Inputs { attn, q, k, v, dout });
    let flops = HEADS as f64 * attention_flops(q_len, kv_len, head_dim, causal);
    let (nq, nk, rows) = (inputs.q.len(), inputs.k.len(), HEADS * q_len);
    let mut out = Vec::new();
    for isa in Isa::available() {
        // The portable fallback takes seconds per call on long sequences.
        if isa == Isa::Scalar && q_len * kv_len > 512 * 512 {
            continue;
        }
        let opts = Opts { isa: Some(isa), threads };
        let (i, mut o, mut lse) = (inputs.clone(), vec![0.0; nq], vec![0.0; rows]);
        out.push(Impl::new(format!("{isa} forward"), flops, 0.0, move || {
            i.attn.forward(i.qkv(), &mut o, &mut lse, &opts).expect("valid lengths")
        }));
        let (mut o, mut lse) = (vec![0.0; nq], vec![0.0; rows]);
        inputs.attn.forward(inputs.qkv(), &mut o, &mut lse, &opts).expect("valid lengths");
        let i = inputs.clone();
        let (mut dq, mut dk, mut dv) = (vec![0.0; nq], vec![0.0; nk], vec![0.0; nk]);
        out.push(Impl::new(format!("{isa} backward"), 2.5 * flops, 0.0, move || {
            let grads = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
            i.attn.backward(i.qkv(), &o, &lse, &i.dout, grads, &opts).expect("valid lengths")
        }));
    }
    out
}
