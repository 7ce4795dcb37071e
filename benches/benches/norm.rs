//! Layer norm and RMS norm per ISA, forward and backward, side by side with a plain copy of as
//! many elements (the memory roofline) and naive f32 versions, at the shapes of a transformer's
//! activations (1024x1024, 64x16384). `cargo bench -p benches --bench norm -- layer_norm` runs
//! one group. Single-threaded, so the ratios compare kernels, not core counts.

use std::hint::black_box;
use std::time::Duration;

use benches::random_f32;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kernels::{Isa, Opts, naive, norm};

const NORM_SHAPES: [(usize, usize); 2] = [(1024, 1024), (64, 16_384)];

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    group
}

/// The roofline: `x` read and written, no arithmetic.
fn copy(group: &mut BenchmarkGroup<'_, WallTime>, shape: &str, x: &[f32]) {
    let mut y = vec![0.0f32; x.len()];
    group.bench_function(BenchmarkId::new("copy", shape), |b| {
        b.iter(|| black_box(&mut y).copy_from_slice(black_box(x)))
    });
}

fn bench_layer_norm(c: &mut Criterion) {
    let mut group = group(c, "layer_norm");
    for (rows, cols) in NORM_SHAPES {
        let (n, shape) = (rows * cols, format!("{rows}x{cols}"));
        let (x, dy) = (random_f32(n, -2.0, 2.0, 1), random_f32(n, -1.0, 1.0, 2));
        let (w, b) = (random_f32(cols, 0.5, 1.5, 3), random_f32(cols, -0.5, 0.5, 4));
        let (mut y, mut mean, mut rstd) = (vec![0.0; n], vec![0.0; rows], vec![0.0; rows]);
        let (mut dw, mut db) = (vec![0.0; cols], vec![0.0; cols]);
        group.throughput(Throughput::Elements(n as u64));
        copy(&mut group, &shape, &x);
        group.bench_function(BenchmarkId::new("naive", &shape), |bench| {
            bench.iter(|| naive::layer_norm(black_box(&x), &w, &b, 1e-5, black_box(&mut y)).unwrap());
        });
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            group.bench_function(BenchmarkId::new(format!("{isa}/forward"), &shape), |bench| {
                bench.iter(|| {
                    norm::layer_norm(black_box(&x), &w, &b, 1e-5, &mut y, &mut mean, &mut rstd, &opts)
                        .unwrap()
                });
            });
            let mut dx = vec![0.0; n];
            group.bench_function(BenchmarkId::new(format!("{isa}/backward"), &shape), |bench| {
                bench.iter(|| {
                    norm::layer_norm_backward(
                        black_box(&x),
                        &w,
                        &mean,
                        &rstd,
                        &dy,
                        &mut dx,
                        &mut dw,
                        &mut db,
                        &opts,
                    )
                    .unwrap();
                });
            });
        }
    }
    group.finish();
}

fn bench_rms_norm(c: &mut Criterion) {
    let mut group = group(c, "rms_norm");
    for (rows, cols) in NORM_SHAPES {
        let (n, shape) = (rows * cols, format!("{rows}x{cols}"));
        let (x, dy, w) =
            (random_f32(n, -2.0, 2.0, 1), random_f32(n, -1.0, 1.0, 2), random_f32(cols, 0.5, 1.5, 3));
        let (mut y, mut rstd, mut dw) = (vec![0.0; n], vec![0.0; rows], vec![0.0; cols]);
        group.throughput(Throughput::Elements(n as u64));
        copy(&mut group, &shape, &x);
        group.bench_function(BenchmarkId::new("naive", &shape), |bench| {
            bench.iter(|| naive::rms_norm(black_box(&x), &w, 1e-5, black_box(&mut y)).unwrap());
        });
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            group.bench_function(BenchmarkId::new(format!("{isa}/forward"), &shape), |bench| {
                bench.iter(|| norm::rms_norm(black_box(&x), &w, 1e-5, &mut y, &mut rstd, &opts).unwrap());
            });
            let mut dx = vec![0.0; n];
            group.bench_function(BenchmarkId::new(format!("{isa}/backward"), &shape), |bench| {
                bench.iter(|| {
                    norm::rms_norm_backward(black_box(&x), &w, &rstd, &dy, &mut dx, &mut dw, &opts).unwrap()
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_layer_norm, bench_rms_norm);
criterion_main!(benches);
