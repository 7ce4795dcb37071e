//! The seeded generator behind initialisation, data order and sampling: the workspace's
//! SplitMix64 (`kernels::reference::Rng`) with the draws a model needs on top, and a state
//! that a checkpoint can store and restore exactly.

use kernels::reference::Rng as SplitMix;

/// SplitMix64 plus normal and unit-interval draws in f64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    inner: SplitMix,
    /// Draws taken so far, so the state can be saved as (seed, draws) and replayed.
    seed: u64,
    draws: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng { inner: SplitMix::new(seed), seed, draws: 0 }
    }

    /// The generator `Rng::new(seed)` after `draws` draws (SplitMix's state is `seed + draws *
    /// golden`, so this is one multiplication, not a replay).
    pub fn resume(seed: u64, draws: u64) -> Self {
        let state = seed.wrapping_add(draws.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        Rng { inner: SplitMix::new(state), seed, draws }
    }

    /// `(seed, draws)`, what [`Rng::resume`] takes back.
    pub fn state(&self) -> (u64, u64) {
        (self.seed, self.draws)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.draws += 1;
        self.inner.next_u64()
    }

    /// Uniform in (0, 1): the midpoint of one of 2^53 steps, never 0 or 1.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform in `[0, n)`, `n > 0` (modulo bias below 2^-40 for the small `n` used here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Standard normal (Box-Muller, one value per two draws).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.unit(), self.unit());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_continues_the_stream() {
        let mut a = Rng::new(42);
        for _ in 0..17 {
            a.next_u64();
        }
        let (seed, draws) = a.state();
        let mut b = Rng::resume(seed, draws);
        assert_eq!(a, b);
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn normal_has_unit_variance() {
        let mut rng = Rng::new(1);
        let xs: Vec<f64> = (0..20_000).map(|_| rng.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05, "mean {mean} var {var}");
    }
}
