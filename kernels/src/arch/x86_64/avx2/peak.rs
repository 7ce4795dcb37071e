//! Independent 8-lane FMA chains in registers: the ceiling every avx2 kernel is measured
//! against. 12 accumulators cover the FMA latency (4 cycles) on two ports with room to spare.

use core::arch::x86_64::*;
use std::hint::black_box;

/// Runs `rounds` FMAs on each of 12 independent accumulators; returns the FLOPs performed.
///
/// # Safety
///
/// The CPU must support avx2 and fma (`Isa::Avx2` is available).
#[target_feature(enable = "avx2,fma")]
pub(crate) unsafe fn fma_chains(rounds: u64) -> u64 {
    let x = _mm256_set1_ps(black_box(0.999_999));
    let y = _mm256_set1_ps(black_box(1e-7));
    let mut acc = [_mm256_setzero_ps(); 12];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = _mm256_set1_ps(i as f32);
    }
    for _ in 0..rounds {
        for a in &mut acc {
            *a = _mm256_fmadd_ps(*a, x, y);
        }
    }
    black_box(acc);
    2 * 8 * 12 * rounds
}
