//! Square matmul GFLOP/s of every ISA and the peers, measured interleaved: each round runs
//! every implementation once and each keeps its fastest round. On a shared, busy machine this
//! compares implementations under the same conditions, which criterion's one-after-another
//! groups cannot.
//!
//! `cargo run --release -p benches --example matmul_interleaved -- [SIZES] [THREADS]`, e.g.
//! `-- 16,64,256,1024 1` (the defaults).

use std::time::Instant;

use benches::random_f32;
use kernels::{Isa, MatMut, MatRef, Opts, matmul::matmul};

fn main() {
    let mut args = std::env::args().skip(1);
    let sizes: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "16,32,64,128,256,512,1024".into())
        .split(',')
        .map(|s| s.parse().expect("sizes: comma-separated integers"))
        .collect();
    let threads: usize = args.next().map_or(1, |s| s.parse().expect("threads: an integer"));
    let isas: Vec<Isa> = Isa::available();
    let names: Vec<&str> = isas.iter().map(|isa| isa.name()).chain(["matrixmultiply", "gemm"]).collect();
    println!("threads={threads}  GFLOP/s (best round)\n{:>5}  {}", "n", names.join("  "));
    for n in sizes {
        let (a, b) = (random_f32(n * n, -1.0, 1.0, 1), random_f32(n * n, -1.0, 1.0, 2));
        let mut c = vec![0.0f32; n * n];
        let flop = 2.0 * (n as f64).powi(3);
        let rounds = ((4e9 / flop) as usize).clamp(20, 20_000);
        let inner = ((2e6 / flop) as usize).max(1);
        let mut best = vec![f64::MAX; names.len()];
        for _ in 0..rounds {
            for (slot, impl_index) in best.iter_mut().zip(0..) {
                let start = Instant::now();
                for _ in 0..inner {
                    run(impl_index, &isas, threads, n, &a, &b, &mut c);
                }
                *slot = slot.min(start.elapsed().as_secs_f64() / inner as f64);
            }
        }
        let gflops: Vec<String> = best
            .iter()
            .zip(&names)
            .map(|(t, name)| format!("{:>w$.1}", flop / t / 1e9, w = name.len()))
            .collect();
        println!("{n:>5}  {}", gflops.join("  "));
    }
}

fn run(which: usize, isas: &[Isa], threads: usize, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    let s = n as isize;
    if let Some(&isa) = isas.get(which) {
        let opts = Opts { isa: Some(isa), threads };
        let (a, b) = (MatRef::new(a, n, n).unwrap(), MatRef::new(b, n, n).unwrap());
        matmul(a, b, MatMut::new(c, n, n).unwrap(), &opts).unwrap();
    } else if which == isas.len() {
        // SAFETY: a, b and c hold n * n floats each, viewed n x n row-major (row stride n,
        // column stride 1), so every index formed is in bounds; c overlaps neither a nor b.
        unsafe {
            matrixmultiply::sgemm(
                n,
                n,
                n,
                1.0,
                a.as_ptr(),
                s,
                1,
                b.as_ptr(),
                s,
                1,
                0.0,
                c.as_mut_ptr(),
                s,
                1,
            );
        }
    } else {
        let parallelism =
            if threads == 1 { gemm::Parallelism::None } else { gemm::Parallelism::Rayon(threads) };
        // SAFETY: as above (gemm takes column stride first, then row stride); with
        // read_dst = false it writes c = 1.0 * a * b without reading c.
        unsafe {
            gemm::gemm(
                n,
                n,
                n,
                c.as_mut_ptr(),
                1,
                s,
                false,
                a.as_ptr(),
                1,
                s,
                b.as_ptr(),
                1,
                s,
                0.0,
                1.0,
                false,
                false,
                false,
                parallelism,
            );
        }
    }
}
