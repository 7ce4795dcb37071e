//! Benchmarks live in `benches/`; this library only holds the input generator they share.

/// `n` deterministic pseudo-random f32 in [lo, hi), none exactly zero (splitmix64).
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
