//! Scaled-dot-product attention, single thread: a materialized baseline (scores through our
//! matmul, our softmax, then P V through matmul again) against the fused kernel on each ISA,
//! forward and backward. `cargo bench -p benches -- attention` runs the group.
//!
//! Throughput is `Elements(flops)`, so criterion's "elem/s" reads as FLOP/s: forward counts
//! `4 * B * H * q_len * kv_len * D` (the two products), halved when causal; backward counts
//! 2.5x the forward (five products of the same size against the forward's two, the convention
//! FlashAttention's benchmarks use). The scalar kernel runs only on the two small shapes so the
//! group stays within a few minutes.

use std::hint::black_box;
use std::time::Duration;

use benches::random_f32;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kernels::attention::{Attention, Grads, Params, Qkv, Shape};
use kernels::matmul::gemm;
use kernels::{Isa, MatMut, MatRef, Opts, softmax};

struct Bench {
    name: &'static str,
    shape: Shape,
    causal: bool,
}

const fn shape(q_len: usize, kv_len: usize, head_dim: usize) -> Shape {
    Shape { batch: 1, heads: 8, kv_heads: 8, q_len, kv_len, head_dim }
}

const BENCHES: [Bench; 4] = [
    Bench { name: "B1H8S512D64", shape: shape(512, 512, 64), causal: false },
    Bench { name: "B1H8S2048D64", shape: shape(2048, 2048, 64), causal: false },
    Bench { name: "causal_B1H8S2048D128", shape: shape(2048, 2048, 128), causal: true },
    Bench { name: "decode_B1H8kv4096D128", shape: shape(1, 4096, 128), causal: false },
];

struct Inputs {
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    dout: Vec<f32>,
    out: Vec<f32>,
    lse: Vec<f32>,
    dq: Vec<f32>,
    dk: Vec<f32>,
    dv: Vec<f32>,
    /// One head's `q_len x kv_len` scores, for the materialized baseline.
    scores: Vec<f32>,
}

impl Inputs {
    fn new(s: Shape) -> Self {
        let nq = s.batch * s.heads * s.q_len * s.head_dim;
        let nkv = s.batch * s.kv_heads * s.kv_len * s.head_dim;
        Inputs {
            q: random_f32(nq, -1.0, 1.0, 1),
            k: random_f32(nkv, -1.0, 1.0, 2),
            v: random_f32(nkv, -1.0, 1.0, 3),
            dout: random_f32(nq, -1.0, 1.0, 4),
            out: vec![0.0; nq],
            lse: vec![0.0; s.batch * s.heads * s.q_len],
            dq: vec![0.0; nq],
            dk: vec![0.0; nkv],
            dv: vec![0.0; nkv],
            scores: vec![0.0; s.q_len * s.kv_len],
        }
    }

    /// softmax(scale * Q K^T + causal mask) V per head, with the full score matrix in memory.
    fn materialized(&mut self, s: Shape, causal: bool, opts: &Opts) {
        let (ql, kl, d) = (s.q_len, s.kv_len, s.head_dim);
        let scale = 1.0 / (d as f32).sqrt();
        let group = s.heads / s.kv_heads;
        for bh in 0..s.batch * s.heads {
            let kvh = bh / group;
            let q = MatRef::new(&self.q[bh * ql * d..][..ql * d], ql, d).expect("q block");
            let k = MatRef::new(&self.k[kvh * kl * d..][..kl * d], kl, d).expect("k block");
            let v = MatRef::new(&self.v[kvh * kl * d..][..kl * d], kl, d).expect("v block");
            let sc = MatMut::new(&mut self.scores, ql, kl).expect("scores");
            gemm(scale, q, k.t(), 0.0, sc, opts).expect("scores shapes");
            if causal {
                for (i, row) in self.scores.chunks_exact_mut(kl).enumerate() {
                    let visible = (i + kl + 1).saturating_sub(ql).min(kl);
                    row[visible..].fill(f32::NEG_INFINITY);
                }
            }
            softmax::softmax_in_place(&mut self.scores, kl, opts).expect("softmax shapes");
            let p = MatRef::new(&self.scores, ql, kl).expect("p");
            let out = MatMut::new(&mut self.out[bh * ql * d..][..ql * d], ql, d).expect("out block");
            gemm(1.0, p, v, 0.0, out, opts).expect("pv shapes");
        }
    }
}

fn bench_attention(c: &mut Criterion) {
    let mut group = c.benchmark_group("attention");
    group.sample_size(10).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for Bench { name, shape: s, causal } in BENCHES {
        let mut x = Inputs::new(s);
        let attn = Attention::new(s, Params { causal, ..Params::default() }).expect("valid shape");
        let mut flops = 4.0 * (s.batch * s.heads * s.q_len * s.kv_len * s.head_dim) as f64;
        if causal {
            flops /= 2.0;
        }
        let best = Opts::single(Isa::detect());
        group.throughput(Throughput::Elements(flops as u64));
        group.bench_function(BenchmarkId::new("materialized/forward", name), |b| {
            b.iter(|| x.materialized(s, causal, &best));
        });
        let small = s.q_len * s.kv_len <= 512 * 512 || s.q_len == 1;
        for isa in Isa::available().into_iter().filter(|&isa| isa != Isa::Scalar || small) {
            let opts = Opts::single(isa);
            group.throughput(Throughput::Elements(flops as u64));
            group.bench_function(BenchmarkId::new(format!("{isa}/forward"), name), |b| {
                b.iter(|| {
                    let qkv = Qkv { q: black_box(&x.q), k: &x.k, v: &x.v };
                    attn.forward(qkv, &mut x.out, &mut x.lse, &opts).expect("forward");
                });
            });
            let qkv = Qkv { q: &x.q, k: &x.k, v: &x.v };
            attn.forward(qkv, &mut x.out, &mut x.lse, &opts).expect("forward");
            group.throughput(Throughput::Elements((2.5 * flops) as u64));
            group.bench_function(BenchmarkId::new(format!("{isa}/backward"), name), |b| {
                b.iter(|| {
                    let qkv = Qkv { q: black_box(&x.q), k: &x.k, v: &x.v };
                    let grads = Grads { dq: &mut x.dq, dk: &mut x.dk, dv: &mut x.dv };
                    attn.backward(qkv, &x.out, &x.lse, &x.dout, grads, &opts).expect("backward");
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_attention);
criterion_main!(benches);
