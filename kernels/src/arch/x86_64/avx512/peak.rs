//! Independent 16-lane FMA chains in registers: the ceiling every avx512 kernel is measured
//! against. 24 accumulators cover the FMA latency (4 cycles) on two ports with room to spare.

use core::arch::x86_64::*;
use std::hint::black_box;

/// Runs `rounds` FMAs on each of 24 independent accumulators; returns the FLOPs performed.
///
/// # Safety
///
/// The CPU must support avx512f (`Isa::Avx512` is available).
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn fma_chains(rounds: u64) -> u64 {
    let x = _mm512_set1_ps(black_box(0.999_999));
    let y = _mm512_set1_ps(black_box(1e-7));
    let mut acc = [_mm512_setzero_ps(); 24];
    for (i, a) in acc.iter_mut().enumerate() {
        *a = _mm512_set1_ps(i as f32);
    }
    for _ in 0..rounds {
        for a in &mut acc {
            *a = _mm512_fmadd_ps(*a, x, y);
        }
    }
    black_box(acc);
    2 * 16 * 24 * rounds
}
