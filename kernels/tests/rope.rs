//! RoPE and its gradient on every ISA against the f64 oracle and the PyTorch golden cases
//! (`kernels::reference::rope`: within 1e-5 of each tensor's largest value), at positions up
//! to 10^7 where f32 angles would drift; tails of every pair count, thread counts, the round
//! trip, finite differences and every bad argument.

#[macro_use]
mod common;

use common::{bits_eq, within};
use kernels::reference::golden;
use kernels::reference::rope::{self as spec, Case};
use kernels::rope::{rope, rope_backward};
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;

fn golden_cases(isa: Isa) {
    common::golden_cases(isa, &golden::ROPE, |case, opts, sink| spec::compare_golden(case, opts, sink));
}

/// Pair counts around the lane widths (head_dim = 2 * pairs), one head and several, positions
/// from 0 to 10^7.
fn matches_reference(isa: Isa) {
    let mut worst = 0.0f64;
    for pairs in common::tail_sizes(isa).into_iter().filter(|&p| p > 0).chain([2, 64]) {
        for (tokens, heads, max_position, theta) in
            [(1, 1, 1, 10_000.0), (5, 3, 4096, 10_000.0), (3, 2, 10_000_000, 500_000.0)]
        {
            let case =
                Case::random(tokens, heads, 2 * pairs, max_position, theta, (pairs * 31 + tokens) as u64);
            let context = format!("{isa} {}", case.describe());
            case.compare(&Opts::single(isa), within(&context, &mut worst));
        }
    }
    println!("{isa}: worst error {worst:.3} of its bound");
}

/// Forward then backward is the identity, to a few roundings.
fn round_trip(isa: Isa) {
    let case = Case::random(7, 4, 128, 100_000, 10_000.0, 3);
    let opts = Opts::single(isa);
    let mut x = case.x.clone();
    rope(&mut x, 4, 128, &case.positions, case.theta, &opts).unwrap();
    rope_backward(&mut x, 4, 128, &case.positions, case.theta, &opts).unwrap();
    let err = x.iter().zip(&case.x).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(err < 2e-6, "{isa}: round trip off by {err}");
}

/// Enough tokens to split over threads: 1, 2 and 3 threads give bitwise the same results.
fn threads_agree(isa: Isa) {
    let case = Case::random(1000, 2, 66, 1 << 20, 10_000.0, 9);
    let one = case.run(&Opts::single(isa));
    for threads in [2, 3] {
        let many = case.run(&Opts { isa: Some(isa), threads });
        assert!(bits_eq(&one.0, &many.0) && bits_eq(&one.1, &many.1), "{isa}: {threads} threads differ");
    }
}

/// Position 0 leaves x unchanged, to the bit; no heads or no tokens is an empty call.
fn identities(isa: Isa) {
    let opts = Opts::single(isa);
    let case = Case::random(3, 2, 34, 1, 10_000.0, 4);
    assert!(case.positions.iter().all(|&p| p == 0));
    let (y, dx) = case.run(&opts);
    assert!(bits_eq(&y, &case.x) && bits_eq(&dx, &case.dy), "{isa}: position 0 must not move anything");
    rope(&mut [], 0, 64, &[1, 2], 10_000.0, &opts).unwrap();
    rope_backward(&mut [], 3, 64, &[], 10_000.0, &opts).unwrap();
}

test_each_isa!(golden_cases, matches_reference, round_trip, threads_agree, identities);

#[test]
fn bad_arguments_are_errors_that_write_nothing() {
    let opts = Opts::default();
    let mut x = [1.0f32; 12];
    let e = rope(&mut x, 2, 3, &[0, 1], 10_000.0, &opts).unwrap_err();
    assert!(matches!(e, Error::Shape { .. }) && e.to_string().contains("rope: head_dim is 3"), "{e}");
    assert!(e.to_string().contains("must be even"), "{e}");
    for theta in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let e = rope_backward(&mut x, 1, 6, &[0, 1], theta, &opts).unwrap_err();
        assert!(
            e.to_string().contains("rope_backward: theta is") && e.to_string().contains("positive finite"),
            "{e}"
        );
    }
    let e = rope(&mut x, 2, 4, &[0, 1], 10_000.0, &opts).unwrap_err();
    assert!(matches!(e, Error::Len { .. }), "{e}");
    assert!(
        e.to_string().contains("x has 12 elements but positions.len() * heads * head_dim = 2 * 2 * 4 = 16"),
        "{e}"
    );
    let e = rope_backward(&mut x, usize::MAX, 2, &[0, 1], 10_000.0, &opts).unwrap_err();
    assert!(
        e.to_string().contains("dx has 12 elements") && e.to_string().contains("more than usize::MAX"),
        "{e}"
    );
    assert_eq!(x, [1.0; 12]);
    // An ISA this CPU lacks is refused by name.
    for isa in Isa::ALL {
        let r = rope(&mut x, 1, 6, &[0, 1], 10_000.0, &Opts::single(isa));
        let want = if isa.is_available() { Ok(()) } else { Err(Error::IsaUnavailable { op: "rope", isa }) };
        assert_eq!(r, want, "{isa}");
    }
}

proptest! {
    #![proptest_config(common::replayable(64, 0x0120_7E5E))]

    /// Random shapes and positions on every ISA: within the bound of the reference, and 1 and
    /// 2 threads bitwise equal.
    #[test]
    fn random_cases_on_every_isa(tokens in 0usize..12, heads in 1usize..4, pairs in 0usize..40, max_position in 1u32..3_000_000, seed: u64) {
        let case = Case::random(tokens, heads, 2 * pairs, max_position, 10_000.0, seed);
        common::agrees_on_every_isa(&case.describe(), |opts, sink| case.compare(opts, sink), |opts| case.run(opts))?;
    }

    /// The backward pass is the derivative of the forward one: central differences of
    /// `L(x) = sum(dy * rope(x))` in f64, element by element of x.
    #[test]
    fn gradient_matches_finite_differences(tokens in 1usize..4, heads in 1usize..3, pairs in 1usize..6, seed: u64) {
        let case = Case::random(tokens, heads, 2 * pairs, 5000, 10_000.0, seed);
        let loss = |x: &[f32]| -> f64 {
            let y = spec::rope(x, heads, 2 * pairs, &case.positions, case.theta, false);
            y.iter().zip(&case.dy).map(|(y, &d)| y * f64::from(d)).sum()
        };
        let fds = common::central_differences(&case.x, 0.25, loss);
        for isa in Isa::available() {
            let (_, dx) = case.run(&Opts::single(isa));
            for (i, (&d, &fd)) in dx.iter().zip(&fds).enumerate() {
                prop_assert!((f64::from(d) - fd).abs() <= 1e-5 * 4.0, "{isa} dx[{i}] = {d} vs {fd}");
            }
        }
    }
}
