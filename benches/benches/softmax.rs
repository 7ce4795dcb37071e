//! Softmax and exp throughput per ISA, side by side with naive scalar versions built on
//! `f32::exp`. `cargo bench -p benches -- softmax` runs the softmax group alone, `-- exp` the
//! exp group. Single-threaded throughout so the ratios compare kernels, not core counts.

use std::hint::black_box;
use std::time::Duration;

use benches::random_f32;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kernels::{Isa, Opts, math, naive, softmax};

const SHAPES: [(usize, usize); 4] = [(4096, 128), (1024, 1024), (256, 4096), (64, 32768)];

fn bench_softmax(c: &mut Criterion) {
    let mut group = c.benchmark_group("softmax");
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    for (rows, cols) in SHAPES {
        let n = rows * cols;
        let x = random_f32(n, -10.0, 10.0, 42);
        let mut y = vec![0.0f32; n];
        let shape = format!("{rows}x{cols}");
        group.throughput(Throughput::Elements(n as u64));
        // Roofline: the memory traffic alone (read x, write y), no arithmetic.
        group.bench_function(BenchmarkId::new("copy", &shape), |b| {
            b.iter(|| black_box(&mut y).copy_from_slice(black_box(&x)));
        });
        group.bench_function(BenchmarkId::new("naive", &shape), |b| {
            b.iter(|| naive::softmax(black_box(&x), black_box(&mut y), cols).unwrap());
        });
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            group.bench_function(BenchmarkId::new(isa.name(), &shape), |b| {
                b.iter(|| softmax::softmax(black_box(&x), black_box(&mut y), cols, &opts).unwrap());
            });
        }
    }
    group.finish();
}

fn bench_exp(c: &mut Criterion) {
    const N: usize = 1 << 20;
    let mut group = c.benchmark_group("exp");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(N as u64));
    let x = random_f32(N, -80.0, 80.0, 7);
    let mut y = vec![0.0f32; N];
    let size = "1Mi";
    group.bench_function(BenchmarkId::new("std", size), |b| {
        b.iter(|| {
            naive::exp(black_box(&x), &mut y).unwrap();
            black_box(&mut y);
        });
    });
    for isa in Isa::available() {
        let opts = Opts::single(isa);
        group.bench_function(BenchmarkId::new(isa.name(), size), |b| {
            b.iter(|| math::exp(black_box(&x), black_box(&mut y), &opts).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, bench_softmax, bench_exp);
criterion_main!(benches);
