//! The one pseudo-random generator behind every kernel input in the workspace (SplitMix64):
//! tests, `harness run`, the benches and the fuzz targets draw from it, so a seed names the
//! same numbers everywhere and a failure replays from its seed alone.

/// SplitMix64 (Steele, Lea and Flood): one 64-bit add and a mix per draw, every seed usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, n)` (`n > 0`); the modulo bias is below 2^-40 for the small `n` used.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in [lo, hi): the midpoint of one of 2^24 equal steps, so a symmetric range
    /// never yields exactly zero.
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = ((self.next_u64() >> 40) as f32 + 0.5) / (1u64 << 24) as f32;
        lo + (hi - lo) * unit
    }

    /// `n` values uniform in [lo, hi).
    pub fn vec(&mut self, n: usize, lo: f32, hi: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// `n` values uniform in [lo, hi) from a fresh [`Rng`] seeded with `seed`. The values are a
/// stream: the first `m` of `random_f32(n, ..)` are `random_f32(m, ..)` for any `n >= m`.
pub fn random_f32(n: usize, lo: f32, hi: f32, seed: u64) -> Vec<f32> {
    Rng::new(seed).vec(n, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_names_one_stream() {
        let (a, b) = (random_f32(100, -1.0, 1.0, 7), random_f32(10, -1.0, 1.0, 7));
        assert_eq!(a[..10], b[..]);
        assert!(a.iter().all(|&v| (-1.0..1.0).contains(&v) && v != 0.0));
        assert_ne!(a, random_f32(100, -1.0, 1.0, 8));
        let mut rng = Rng::new(3);
        assert!((0..1000).all(|_| rng.below(5) < 5));
    }
}
