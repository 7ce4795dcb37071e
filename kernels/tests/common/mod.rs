//! Helpers shared by the kernels' integration tests.

#![allow(dead_code)] // each test binary uses a different subset

pub mod guard;

use std::collections::HashMap;

use kernels::Isa;

/// Whether a test for `isa` should run on this host.
///
/// Returns `false` (after printing `skipping: host lacks <feature>`) when the CPU cannot run
/// `isa`, and panics instead when `KERNELS_REQUIRE_ISA` names `isa` or a wider ISA: CI sets it
/// so that a missing CPU feature fails loudly rather than passing by skipping everything.
pub fn runs_on_host(isa: Isa) -> bool {
    if isa.is_available() {
        return true;
    }
    let lacks = isa.missing_features().join("+");
    if let Ok(required) = std::env::var("KERNELS_REQUIRE_ISA") {
        let required: Isa = required.parse().unwrap_or_else(|e| panic!("KERNELS_REQUIRE_ISA: {e}"));
        assert!(
            isa > required,
            "KERNELS_REQUIRE_ISA={required} but host lacks {lacks}, so {isa} cannot be tested"
        );
    }
    println!("skipping: host lacks {lacks}");
    false
}

/// Expands to one `#[test]` per ISA for each listed check: `check_name::{scalar, avx2,
/// avx512}`, each calling `check_name(isa)` or skipping through [`runs_on_host`].
#[macro_export]
macro_rules! test_each_isa {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                use kernels::Isa;

                fn run(isa: Isa) {
                    if $crate::common::runs_on_host(isa) {
                        super::$check(isa);
                    }
                }

                #[test]
                fn scalar() {
                    run(Isa::Scalar);
                }

                #[test]
                fn avx2() {
                    run(Isa::Avx2);
                }

                #[test]
                fn avx512() {
                    run(Isa::Avx512);
                }
            }
        )*
    };
}

/// A deterministic pseudo-random generator (SplitMix64), so failures replay without a seed file.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * unit
    }

    /// `n` values uniform in [lo, hi).
    pub fn vec(&mut self, n: usize, lo: f32, hi: f32) -> Vec<f32> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// One golden case from `tests/data/<name>` (format: `../shared/golden/README.md`): each line
/// is `key value...`, numbers parsed as f64 (`inf`, `-inf` included); the `case` line is
/// skipped.
pub fn golden(name: &str) -> HashMap<String, Vec<f64>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let key = words.next()?;
            if key == "case" {
                return None;
            }
            let values = words
                .map(|w| w.parse::<f64>().unwrap_or_else(|e| panic!("{path}: {key}: {w}: {e}")))
                .collect();
            Some((key.to_string(), values))
        })
        .collect()
}
