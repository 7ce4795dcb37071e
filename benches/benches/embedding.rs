//! The token embedding and its gradient on every ISA against a plain copy of as many bytes,
//! single-threaded: 2048 tokens of 1024 gathered from a 32000-row table at random ids, and
//! their gradient added back (`cargo bench -p benches -- embedding`). Throughput is the bytes
//! a call reads and writes, so the copy's GB/s is the roofline.

use std::hint::black_box;

use benches::{bench_memory_bound, random_f32};
use criterion::{Criterion, criterion_group, criterion_main};
use kernels::embedding::{embedding, embedding_backward};
use kernels::reference::Rng;

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

    // The rows read, and out written.
    bench_memory_bound(c, "embedding", SIZE, 2 * row_bytes, |opts| {
        embedding(black_box(&table), DIM, &ids, black_box(&mut out), opts).unwrap()
    });
    // dout read, and each row of dtable a token names read and written.
    bench_memory_bound(c, "embedding_backward", SIZE, 3 * row_bytes, |opts| {
        embedding_backward(&ids, black_box(&dout), DIM, black_box(&mut dtable), opts).unwrap()
    });
}

criterion_group!(benches, bench_embedding);
criterion_main!(benches);
