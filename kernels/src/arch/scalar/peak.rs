//! Independent multiply-add chains in plain Rust: the ceiling of the portable fallback, which is
//! whatever the compiler makes of `a * x + y` for the baseline target (SSE2 on x86-64, so it may
//! well vectorise these chains). `mul_add` is avoided: without an FMA target feature it becomes
//! a slow, exactly rounded library call.

use std::hint::black_box;

/// Chains in flight: enough to cover add latency times the ports of current cores.
const CHAINS: usize = 16;

/// Runs `rounds` multiply-adds on each of [`CHAINS`] independent accumulators; returns FLOPs.
pub(crate) fn fma_chains(rounds: u64) -> u64 {
    let (x, y) = (black_box(0.999_999f32), black_box(1e-7f32));
    let mut acc = [0.0f32; CHAINS];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = i as f32;
    }
    for _ in 0..rounds {
        for a in &mut acc {
            *a = *a * x + y;
        }
    }
    black_box(acc);
    2 * CHAINS as u64 * rounds
}
