//! GELU (erf and tanh), SiLU and SwiGLU, forward and backward, on every ISA against a plain
//! copy of as many bytes, single-threaded over 2^20 elements: one group per pass
//! (`cargo bench -p benches -- gelu_erf` for one). Throughput is the bytes a call reads and
//! writes, so the copy's GB/s is each pass's roofline.

use std::hint::black_box;

use benches::{bench_memory_bound, random_f32};
use criterion::{Criterion, criterion_group, criterion_main};
use kernels::reference::activation::Pass;

const N: usize = 1 << 20;
const SIZE: &str = "1Mi";

fn bench_activations(c: &mut Criterion) {
    // x in [-6, 6) (the working range), then `up` and `dy`.
    let inputs = [random_f32(N, -6.0, 6.0, 1), random_f32(N, -3.0, 3.0, 2), random_f32(N, -1.0, 1.0, 3)];
    for pass in Pass::ALL {
        let x: Vec<&[f32]> = inputs[..pass.inputs()].iter().map(|v| &v[..]).collect();
        let mut y = vec![vec![0.0f32; N]; pass.outputs()];
        let mut y: Vec<&mut [f32]> = y.iter_mut().map(|v| &mut v[..]).collect();
        let bytes = 4 * N * (pass.inputs() + pass.outputs());
        bench_memory_bound(c, pass.name(), SIZE, bytes, |opts| {
            pass.run(black_box(&x), black_box(&mut y), opts).unwrap()
        });
    }
}

criterion_group!(benches, bench_activations);
criterion_main!(benches);
