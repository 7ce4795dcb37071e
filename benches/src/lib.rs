//! Benchmarks live in `benches/` (and `examples/`); this library holds what they share: the
//! input generator (the harness's too), the copy the memory-bound kernels are measured
//! against, and safe square-matrix entry points of the peer crates.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
pub use kernels::reference::random_f32;
use kernels::{Isa, Opts};

/// A criterion group `name` for a memory-bound pass that reads and writes `bytes` per call:
/// first its roofline, a plain copy of `bytes / 2` (half read, half written) as `copy/<size>`,
/// then `run` on every ISA this CPU has, single-threaded, as `<isa>/<size>`. Throughput is
/// `Bytes(bytes)` throughout, so criterion reports each in the same GB/s as the copy.
pub fn bench_memory_bound(
    c: &mut Criterion,
    name: &str,
    size: &str,
    bytes: usize,
    mut run: impl FnMut(&Opts),
) {
    let mut group = c.benchmark_group(name);
    group.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes as u64));
    let src = random_f32((bytes / 8).max(1), -1.0, 1.0, 1);
    let mut dst = vec![0.0f32; src.len()];
    group.bench_function(BenchmarkId::new("copy", size), |b| {
        b.iter(|| black_box(&mut dst).copy_from_slice(black_box(&src)));
    });
    for isa in Isa::available() {
        let opts = Opts::single(isa);
        group.bench_function(BenchmarkId::new(isa.name(), size), |b| b.iter(|| run(&opts)));
    }
    group.finish();
}

/// `c = a * b` for `n x n` row-major matrices through the peer crates, whose entry points are
/// `unsafe fn`s over raw pointers; these check the lengths so that callers stay safe.
pub mod peers {
    /// Panics unless `a`, `b` and `c` each hold `n * n` floats.
    fn check(n: usize, a: &[f32], b: &[f32], c: &[f32]) -> isize {
        let len = n.checked_mul(n).expect("n * n overflows");
        assert!(
            a.len() == len && b.len() == len && c.len() == len,
            "peers: every matrix must hold n * n floats"
        );
        isize::try_from(n).expect("n fits isize")
    }

    /// bluss/matrixmultiply's `sgemm`, single-threaded.
    pub fn matrixmultiply(n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
        let s = check(n, a, b, c);
        // SAFETY: a, b and c hold n * n floats each (checked), viewed n x n row-major (row
        // stride n, column stride 1), so every index the call forms is in bounds; c is a
        // unique borrow, so it overlaps neither a nor b. sgemm picks its kernel itself.
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
    }

    /// sarah-quinones/gemm's `gemm` on `threads` rayon threads (1 = no parallelism).
    pub fn gemm(n: usize, a: &[f32], b: &[f32], c: &mut [f32], threads: usize) {
        let s = check(n, a, b, c);
        let parallelism =
            if threads <= 1 { gemm::Parallelism::None } else { gemm::Parallelism::Rayon(threads) };
        // SAFETY: as above (gemm takes the column stride first, then the row stride); with
        // read_dst = false it computes c = 1.0 * a * b without reading c.
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
