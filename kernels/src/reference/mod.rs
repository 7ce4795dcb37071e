//! Obvious f64 loops, one file per operation: the oracle the tests and the harness compare the
//! kernels against. Never used as a fallback (that is `arch::scalar`).

pub mod attention;
pub mod matmul;
pub mod softmax;

/// `n` deterministic pseudo-random f32 uniform in [lo, hi) (SplitMix64), none exactly zero when
/// the range is symmetric: the inputs the benches and the harness feed the kernels.
pub fn random_f32(n: usize, lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let unit = ((z >> 40) as f32 + 0.5) / (1u64 << 24) as f32;
            lo + (hi - lo) * unit
        })
        .collect()
}
