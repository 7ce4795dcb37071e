//! Helpers shared by the kernels' integration tests.

#![allow(dead_code)] // each test binary uses a different subset

pub mod guard;

use kernels::reference::Sample;
use kernels::reference::golden::{self, Golden};
use kernels::{Isa, Opts};
use proptest::prelude::{ProptestConfig, TestCaseError, prop_assert};
use proptest::test_runner::RngSeed;

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

/// The sizes every dimension is tested at (CONVENTIONS.md "Tails"): 0, 1, either side of and at
/// the lane width of `isa`, `2 * lanes + 3`, 17, 65 and 257, without repeats.
pub fn tail_sizes(isa: Isa) -> Vec<usize> {
    let lanes = isa.lanes();
    let mut sizes = vec![0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 17, 65, 257];
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// Whether two results are the same bit for bit (NaN included).
pub fn bits_eq(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// A sink for the reference specs' `compare`: fails on the first element past its bound,
/// naming `context`.
pub fn assert_within(context: &str) -> impl FnMut(Sample) + '_ {
    move |s| assert!(s.passes(), "{context}: {s} ({:.2} of the bound)", s.ratio())
}

/// [`assert_within`] that also keeps the worst error seen, as a fraction of its bound.
pub fn within<'a>(context: &'a str, worst: &'a mut f64) -> impl FnMut(Sample) + 'a {
    move |s| {
        assert!(s.passes(), "{context}: {s} ({:.2} of the bound)", s.ratio());
        *worst = worst.max(s.ratio());
    }
}

/// Runs every golden case of `cases` on `isa` through `compare` (a spec's `compare_golden`),
/// failing on the first element past its bound and printing each case's worst error as a
/// fraction of its bound.
pub fn golden_cases(
    isa: Isa,
    cases: &[(&'static str, &'static str)],
    compare: impl Fn(&Golden, &Opts, &mut dyn FnMut(Sample)),
) {
    for case in golden::parse_all(cases) {
        let (context, mut worst) = (format!("{isa} {}", case.name()), 0.0f64);
        compare(&case, &Opts::single(isa), &mut within(&context, &mut worst));
        println!("{context}: worst error {worst:.3} of its bound");
    }
}

/// `(loss(x + h e_i) - loss(x - h e_i)) / 2h` for every element `i` of `x`: the central
/// differences a backward pass is checked against.
pub fn central_differences(x: &[f32], h: f32, loss: impl Fn(&[f32]) -> f64) -> Vec<f64> {
    (0..x.len())
        .map(|i| {
            let (mut up, mut down) = (x.to_vec(), x.to_vec());
            up[i] += h;
            down[i] -= h;
            (loss(&up) - loss(&down)) / (2.0 * f64::from(h))
        })
        .collect()
}

/// One case on every ISA this host runs: within its bounds (`compare`, failing with the case's
/// `description`), and bitwise the same on 1 and 2 threads (both outputs of `run`).
pub fn agrees_on_every_isa(
    description: &str,
    compare: impl Fn(&Opts, &mut dyn FnMut(Sample)),
    run: impl Fn(&Opts) -> (Vec<f32>, Vec<f32>),
) -> Result<(), TestCaseError> {
    for isa in Isa::available() {
        compare(&Opts::single(isa), &mut assert_within(&format!("{isa} {description}")));
        let (a, b) = (run(&Opts::single(isa)), run(&Opts { isa: Some(isa), threads: 2 }));
        prop_assert!(bits_eq(&a.0, &b.0) && bits_eq(&a.1, &b.1), "{isa}: threads differ");
    }
    Ok(())
}

/// A proptest configuration of `cases` cases from the fixed `seed`: every run draws the same
/// inputs, so a failure replays exactly.
pub fn replayable(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig { cases, rng_seed: RngSeed::Fixed(seed), ..ProptestConfig::default() }
}
