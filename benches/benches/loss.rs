//! Cross-entropy per ISA, forward and backward, side by side with a plain copy of the logits
//! (the memory roofline) and a naive f32 version, at the shape of a language model's logits
//! (128 rows of 32000 classes). `cargo bench -p benches --bench loss`. Single-threaded, so the
//! ratios compare kernels, not core counts.

use std::hint::black_box;
use std::time::Duration;

use benches::random_f32;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kernels::{Isa, Opts, loss, naive};

fn bench_cross_entropy(c: &mut Criterion) {
    let (rows, classes) = (128, 32_000);
    let (n, shape) = (rows * classes, format!("{rows}x{classes}"));
    let mut group = c.benchmark_group("cross_entropy");
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(n as u64));
    let logits = random_f32(n, -8.0, 8.0, 5);
    let targets: Vec<u32> = (0..rows).map(|r| (r * 7919 % classes) as u32).collect();
    let mut copy = vec![0.0f32; n];
    group.bench_function(BenchmarkId::new("copy", &shape), |b| {
        b.iter(|| black_box(&mut copy).copy_from_slice(black_box(&logits)));
    });
    group.bench_function(BenchmarkId::new("naive", &shape), |b| {
        b.iter(|| naive::cross_entropy(black_box(&logits), &targets, classes).unwrap());
    });
    let (mut losses, mut dlogits) = (vec![0.0; rows], vec![0.0; n]);
    for isa in Isa::available() {
        let opts = Opts::single(isa);
        group.bench_function(BenchmarkId::new(format!("{isa}/forward"), &shape), |b| {
            b.iter(|| {
                loss::cross_entropy(black_box(&logits), &targets, classes, None, &mut losses, &opts).unwrap()
            });
        });
        group.bench_function(BenchmarkId::new(format!("{isa}/backward"), &shape), |b| {
            b.iter(|| {
                loss::cross_entropy_backward(
                    black_box(&logits),
                    &targets,
                    classes,
                    None,
                    1.0,
                    &mut dlogits,
                    &opts,
                )
                .unwrap();
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_cross_entropy);
criterion_main!(benches);
