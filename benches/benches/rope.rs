//! Rotary position embedding and its gradient, in place, on every ISA against a plain copy of
//! as many bytes, single-threaded: 2048 tokens of 8 heads of 128 at positions 0..2048
//! (`cargo bench -p benches -- rope`). Throughput is the bytes a call reads and writes, so the
//! copy's GB/s is the roofline.

use std::hint::black_box;

use benches::{bench_memory_bound, random_f32};
use criterion::{Criterion, criterion_group, criterion_main};
use kernels::Opts;
use kernels::rope::{rope, rope_backward};

const TOKENS: usize = 2048;
const HEADS: usize = 8;
const HEAD_DIM: usize = 128;
const SIZE: &str = "2048x8x128";

fn bench_rope(c: &mut Criterion) {
    let positions: Vec<u32> = (0..TOKENS as u32).collect();
    let mut x = random_f32(TOKENS * HEADS * HEAD_DIM, -1.0, 1.0, 8);
    type Turn = fn(&mut [f32], usize, usize, &[u32], f32, &Opts) -> Result<(), kernels::Error>;
    let passes: [(&str, Turn); 2] = [("rope", rope), ("rope_backward", rope_backward)];
    for (name, turn) in passes {
        // x read and written in place.
        let bytes = 8 * x.len();
        bench_memory_bound(c, name, SIZE, bytes, |opts| {
            turn(black_box(&mut x), HEADS, HEAD_DIM, &positions, 10_000.0, opts).unwrap()
        });
    }
}

criterion_group!(benches, bench_rope);
criterion_main!(benches);
