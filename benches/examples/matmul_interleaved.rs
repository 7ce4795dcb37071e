//! Square matmul GFLOP/s of every ISA and the peers, measured interleaved: each round runs
//! every implementation once and each keeps its fastest round. On a shared, busy machine this
//! compares implementations under the same conditions, which criterion's one-after-another
//! groups cannot.
//!
//! `cargo run --release -p benches --example matmul_interleaved -- [SIZES] [THREADS]`, e.g.
//! `-- 16,64,256,1024 2`. Every implementation runs on one thread; with THREADS > 1 the
//! dispatched ISA and gemm also run on THREADS threads in the same rounds, so the speedup over
//! one thread is read off one run.

use std::time::Instant;

use benches::{peers, random_f32};
use kernels::{Isa, MatMut, MatRef, Opts, matmul::matmul};

/// One column of the table.
#[derive(Clone, Copy)]
enum Impl {
    Ours(Isa, usize),
    MatrixMultiply,
    Gemm(usize),
}

impl Impl {
    fn name(self) -> String {
        let threads = |t: usize| if t > 1 { format!(" x{t}") } else { String::new() };
        match self {
            Impl::Ours(isa, t) => format!("{isa}{}", threads(t)),
            Impl::MatrixMultiply => "matrixmultiply".into(),
            Impl::Gemm(t) => format!("gemm{}", threads(t)),
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let sizes: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "16,32,64,128,256,512,1024".into())
        .split(',')
        .map(|s| s.parse().expect("sizes: comma-separated integers"))
        .collect();
    let threads: usize = args.next().map_or(1, |s| s.parse().expect("threads: an integer"));
    let mut impls: Vec<Impl> = Isa::available().into_iter().map(|isa| Impl::Ours(isa, 1)).collect();
    impls.extend([Impl::MatrixMultiply, Impl::Gemm(1)]);
    if threads > 1 {
        impls.extend([Impl::Ours(Isa::detect(), threads), Impl::Gemm(threads)]);
    }
    let names: Vec<String> = impls.iter().map(|i| i.name()).collect();
    println!("GFLOP/s (best round)\n{:>5}  {}", "n", names.join("  "));
    for n in sizes {
        let (a, b) = (random_f32(n * n, -1.0, 1.0, 1), random_f32(n * n, -1.0, 1.0, 2));
        let mut c = vec![0.0f32; n * n];
        let flop = 2.0 * (n as f64).powi(3);
        let rounds = ((4e9 / flop) as usize).clamp(20, 20_000);
        let inner = ((2e6 / flop) as usize).max(1);
        let mut best = vec![f64::MAX; impls.len()];
        for _ in 0..rounds {
            for (slot, &which) in best.iter_mut().zip(&impls) {
                let start = Instant::now();
                for _ in 0..inner {
                    run(which, n, &a, &b, &mut c);
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

fn run(which: Impl, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    match which {
        Impl::Ours(isa, threads) => {
            let opts = Opts { isa: Some(isa), threads };
            let (a, b) = (MatRef::new(a, n, n).unwrap(), MatRef::new(b, n, n).unwrap());
            matmul(a, b, MatMut::new(c, n, n).unwrap(), &opts).unwrap();
        }
        Impl::MatrixMultiply => peers::matrixmultiply(n, a, b, c),
        Impl::Gemm(threads) => peers::gemm(n, a, b, c, threads),
    }
}
