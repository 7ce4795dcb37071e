//! Benchmarks live in `benches/`; this library only holds the inputs they share.

/// `len` deterministic pseudo-random values in [-1, 1), never zero.
pub fn random_matrix(len: usize, seed: u64) -> Vec<f32> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 40) as f32 / (1u64 << 24) as f32; // [0, 1)
            if unit < 0.5 {
                unit - 0.5
            } else {
                unit - 0.5 + 1.0 / 32.0
            }
        })
        .collect()
}
