//! The token embedding and its gradient on every ISA against a plain copy of as many bytes,
//! single-threaded: 2048 tokens of 1024 gathered from a 32000-row table at random ids, and
//! their gradient added back (`cargo bench -p benches -- embedding`). Throughput is the bytes
//! a call reads and writes, so the copy's GB/s is the roofline.

use std::hint::black_box;
use std::time::Duration;

use benches::{bench_copy, random_f32};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels::embedding::{embedding, embedding_backward};
use kernels::reference::Rng;
use kernels::{Isa, Opts};

const VOCAB: usize = 32_000;
const DIM: usize = 1024;
const TOKENS: usize = 2048;
const SIZE: &str = "2048x1024_of_32000";

fn bench_embedding(c: &mut Criterion) {
    let mut rng = Rng::new(5);
    let ids: Vec<u32> = (0..TOKENS).map(|_| rng.below(VOCAB as u64) as u32).collect();
    let table = random_f32(VOCAB * DIM, -1.0, 1.0, 6);
    let dout = random_f32(TOKENS * DIM, -1.0, 1.0, 7);
    let (mut out, mut dtable) = (vec![0.0f32; TOKENS * DIM], vec![0.0f32; VOCAB * DIM]);
    let row_bytes = 4 * TOKENS * DIM;

    let mut group = c.benchmark_group("embedding");
    group.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    // The rows read, and out written.
    bench_copy(&mut group, SIZE, 2 * row_bytes);
    for isa in Isa::available() {
        let opts = Opts::single(isa);
        group.bench_function(BenchmarkId::new(isa.name(), SIZE), |b| {
            b.iter(|| embedding(black_box(&table), DIM, &ids, black_box(&mut out), &opts).unwrap());
        });
    }
    group.finish();

    let mut group = c.benchmark_group("embedding_backward");
    group.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    // dout read, and each row of dtable a token names read and written.
    bench_copy(&mut group, SIZE, 3 * row_bytes);
    for isa in Isa::available() {
        let opts = Opts::single(isa);
        group.bench_function(BenchmarkId::new(isa.name(), SIZE), |b| {
            b.iter(|| {
                embedding_backward(&ids, black_box(&dout), DIM, black_box(&mut dtable), &opts).unwrap()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_embedding);
criterion_main!(benches);
