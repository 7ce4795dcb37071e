//! Independent multiply-add chains in registers, written once over [`Vector`]: the ceiling
//! every kernel is measured against. 12 accumulators cover the FMA latency (4 cycles) on two
//! ports and fit the 16 vector registers of AVX2 next to the two operands; the scalar chains,
//! unfused, are whatever the compiler makes of `a * x + y` for the baseline target.

use std::hint::black_box;

use super::vector::Vector;

/// Chains in flight.
const CHAINS: usize = 12;

/// Runs `rounds` multiply-adds on each of [`CHAINS`] independent accumulators; its output is
/// the FLOPs performed (2 per lane per multiply-add).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FmaChains {
    pub rounds: u64,
}

task!(FmaChains => u64, |task, k| fma_chains(k, task.rounds));

#[inline(always)]
fn fma_chains<K: Vector>(k: K, rounds: u64) -> u64 {
    let x = k.splat(black_box(0.999_999));
    let y = k.splat(black_box(1e-7));
    let mut acc = [x; CHAINS];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = k.splat(i as f32);
    }
    for _ in 0..rounds {
        for a in &mut acc {
            *a = k.mul_add(*a, x, y);
        }
    }
    black_box(acc);
    2 * (K::LANES * CHAINS) as u64 * rounds
}
