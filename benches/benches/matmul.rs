//! `C = A * B` for square row-major f32 matrices: the naive triple loop, each kernel ISA this
//! CPU runs, and the peer crates matrixmultiply and gemm, side by side in one criterion group.
//!
//! Throughput is `Elements(2 * n^3)`: one element is one floating-point operation, so the
//! "elem/s" criterion prints reads as FLOP/s (e.g. "120 Gelem/s" = 120 GFLOP/s).
//!
//! `cargo bench -p benches -- matmul` runs both groups; `-- matmul/` only the single-thread one.

use std::hint::black_box;
use std::time::Duration;

use benches::{peers, random_f32};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use kernels::{Isa, MatMut, MatRef, Opts, matmul::matmul, naive};

const SIZES: [usize; 7] = [16, 32, 64, 128, 256, 512, 1024];
const THREADED_SIZES: [usize; 3] = [256, 512, 1024];

struct Inputs {
    n: usize,
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
}

impl Inputs {
    fn new(n: usize) -> Self {
        Inputs {
            n,
            a: random_f32(n * n, -1.0, 1.0, 1),
            b: random_f32(n * n, -1.0, 1.0, 2),
            c: vec![0.0; n * n],
        }
    }

    fn kernels(&mut self, opts: &Opts) {
        let n = self.n;
        let a = MatRef::new(&self.a, n, n).expect("square input");
        let b = MatRef::new(&self.b, n, n).expect("square input");
        let c = MatMut::new(&mut self.c, n, n).expect("square output");
        matmul(black_box(a), black_box(b), c, opts).expect("shapes agree");
    }

    fn naive(&mut self) {
        naive::matmul(&self.a, &self.b, &mut self.c, self.n).expect("n x n inputs");
    }

    fn matrixmultiply(&mut self) {
        peers::matrixmultiply(self.n, &self.a, &self.b, &mut self.c);
    }

    fn gemm(&mut self, threads: usize) {
        peers::gemm(self.n, &self.a, &self.b, &mut self.c, threads);
    }
}

/// Shorter runs for the big sizes so the whole group stays within a few minutes.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    group.throughput(Throughput::Elements(2 * (n as u64).pow(3)));
    group.warm_up_time(Duration::from_millis(if n >= 512 { 1000 } else { 500 }));
    group.measurement_time(Duration::from_secs(if n >= 512 { 3 } else { 2 }));
    group.sample_size(if n >= 512 { 10 } else { 30 });
    // Flat sampling runs every sample for the same number of iterations; the default linear
    // mode needs 1 + 2 + ... + samples iterations, over a minute for the scalar 1024 case.
    group.sampling_mode(if n >= 256 { SamplingMode::Flat } else { SamplingMode::Auto });
}

fn single_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    for n in SIZES {
        configure(&mut group, n);
        let mut inputs = Inputs::new(n);
        if n <= 256 {
            group.bench_function(BenchmarkId::new("naive", n), |bench| bench.iter(|| inputs.naive()));
        }
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            group.bench_function(BenchmarkId::new(isa.name(), n), |bench| {
                bench.iter(|| inputs.kernels(&opts))
            });
        }
        group.bench_function(BenchmarkId::new("matrixmultiply", n), |bench| {
            bench.iter(|| inputs.matrixmultiply())
        });
        group.bench_function(BenchmarkId::new("gemm", n), |bench| bench.iter(|| inputs.gemm(1)));
    }
    group.finish();
}

/// Two threads: ours on the best and the AVX2 kernel, and gemm on a 2-thread rayon pool.
/// matrixmultiply threads only behind its `threading` feature, so it is left out here.
fn two_threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul_threads2");
    for n in THREADED_SIZES {
        configure(&mut group, n);
        let mut inputs = Inputs::new(n);
        for isa in Isa::available().into_iter().filter(|&isa| isa != Isa::Scalar) {
            let opts = Opts { isa: Some(isa), threads: 2 };
            group.bench_function(BenchmarkId::new(isa.name(), n), |bench| {
                bench.iter(|| inputs.kernels(&opts))
            });
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a 2-thread pool");
        group.bench_function(BenchmarkId::new("gemm", n), |bench| {
            pool.install(|| bench.iter(|| inputs.gemm(2)))
        });
    }
    group.finish();
}

criterion_group!(benches, single_thread, two_threads);
criterion_main!(benches);
