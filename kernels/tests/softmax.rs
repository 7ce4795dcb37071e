//! The softmax family on every ISA against the f64 oracle and the PyTorch golden cases, within
//! the bounds of `kernels::reference::softmax::spec`, plus stability, masking, NaN isolation,
//! finite-difference gradients (proptest) and algebraic laws (quickcheck).

#[macro_use]
mod common;

use common::{assert_within, within};
use kernels::reference::softmax::spec;
use kernels::reference::{Rng, U, golden};
use kernels::softmax::{
    log_softmax, log_softmax_backward, log_softmax_in_place, softmax, softmax_backward, softmax_in_place,
};
use kernels::{Isa, Opts};
use proptest::prelude::*;
use quickcheck::{QuickCheck, TestResult};

fn single(isa: Isa) -> Opts {
    Opts::single(isa)
}

/// Checks all four ops of one ISA on one input against the oracle, within the bounds of
/// `reference::softmax::spec`, and the in-place forms bitwise against the out-of-place ones.
/// Returns the worst error as a fraction of its bound.
fn check_against_oracle(isa: Isa, x: &[f32], dy: &[f32], cols: usize) -> f64 {
    let opts = single(isa);
    let mut worst = 0.0f64;
    let context = format!("{isa} cols={cols}");
    let (y, l) = spec::compare_forward(x, cols, &opts, within(&context, &mut worst));
    let mut in_place = x.to_vec();
    softmax_in_place(&mut in_place, cols, &opts).unwrap();
    assert!(bits_eq(&in_place, &y), "{isa}: softmax_in_place differs");
    let mut in_place = x.to_vec();
    log_softmax_in_place(&mut in_place, cols, &opts).unwrap();
    assert!(bits_eq(&in_place, &l), "{isa}: log_softmax_in_place differs");
    // Backward from the f32 forward outputs, against f64 on the same f32 inputs.
    spec::compare_backward(&y, &l, dy, cols, &opts, within(&context, &mut worst));
    worst
}

fn bits_eq(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn matches_reference(isa: Isa) {
    let mut rng = Rng::new(0x5EED ^ isa.lanes() as u64);
    let mut worst = 0.0f64;
    for cols in [1, 2, 7, 15, 16, 17, 31, 33, 127, 128, 129, 257, 1000] {
        for rows in [1, 2, 5] {
            let x = rng.vec(rows * cols, -8.0, 8.0);
            let dy = rng.vec(rows * cols, -1.0, 1.0);
            worst = worst.max(check_against_oracle(isa, &x, &dy, cols));
        }
    }
    println!("{isa}: worst error {worst:.3} of its bound");
}

fn large_offsets_and_spreads(isa: Isa) {
    let mut rng = Rng::new(17);
    let cols = 67;
    for (lo, hi) in [(1e4 - 10.0, 1e4 + 10.0), (-1e4 - 10.0, -1e4 + 10.0), (-1e4, 1e4), (-3e38, 3e38)] {
        let x = rng.vec(3 * cols, lo, hi);
        let dy = rng.vec(3 * cols, -1.0, 1.0);
        check_against_oracle(isa, &x, &dy, cols);
    }
    // Extremes in one row: no overflow, no NaN.
    let x = [f32::MAX, -f32::MAX, 0.0, f32::MAX, 1e30, -1e30];
    let mut y = [0.0; 6];
    softmax(&x, &mut y, 6, &single(isa)).unwrap();
    assert_eq!(y, [0.5, 0.0, 0.0, 0.5, 0.0, 0.0]);
    log_softmax(&x, &mut y, 6, &single(isa)).unwrap();
    assert!(y.iter().all(|v| !v.is_nan()), "{y:?}");
}

fn masks_and_nan(isa: Isa) {
    let opts = single(isa);
    let ninf = f32::NEG_INFINITY;
    for cols in [1, 3, 16, 17, 40, 130, 300] {
        let mut rng = Rng::new(cols as u64);
        let mut x = rng.vec(4 * cols, -3.0, 3.0);
        // Row 0: all -inf. Row 1: every other element masked. Row 2: one NaN. Row 3: plain.
        x[..cols].fill(ninf);
        for v in x[cols..2 * cols].iter_mut().step_by(2) {
            *v = ninf;
        }
        x[2 * cols + cols / 2] = f32::NAN;
        let dy = rng.vec(4 * cols, -1.0, 1.0);
        check_against_oracle(isa, &x, &dy, cols);

        let mut y = vec![0.0; x.len()];
        softmax(&x, &mut y, cols, &opts).unwrap();
        assert!(y[..cols].iter().all(|&v| v == 0.0));
        assert!(y[2 * cols..3 * cols].iter().all(|v| v.is_nan()));
        assert!(y[cols..2 * cols].iter().step_by(2).all(|&v| v == 0.0));
        assert!(!y[3 * cols..].iter().any(|v| v.is_nan()));
        let mut l = vec![0.0; x.len()];
        log_softmax(&x, &mut l, cols, &opts).unwrap();
        assert!(l[..cols].iter().all(|&v| v == ninf));
        let mut dx = vec![1.0; x.len()];
        softmax_backward(&y, &dy, &mut dx, cols, &opts).unwrap();
        assert!(dx[..cols].iter().all(|&v| v == 0.0));
        log_softmax_backward(&l, &dy, &mut dx, cols, &opts).unwrap();
        assert!(dx[..cols].iter().all(|&v| v == 0.0));
        assert!(!dx[cols..2 * cols].iter().any(|v| v.is_nan()));
    }
}

/// Rows that rise (or fall) from block to block, one by steps of 2e4, so that most of the
/// row's exponentials underflow to exactly 0 and the max sits at either end.
fn rising_and_falling_rows(isa: Isa) {
    let cols = 1000;
    let ramp_up: Vec<f32> = (0..cols).map(|i| i as f32 * 0.05).collect();
    let ramp_down: Vec<f32> = ramp_up.iter().rev().copied().collect();
    let steps: Vec<f32> = (0..cols).map(|i| (i / 100) as f32 * 2e4 - 1e5).collect();
    let mut x = ramp_up;
    x.extend(ramp_down);
    x.extend(steps);
    let dy = Rng::new(5).vec(x.len(), -1.0, 1.0);
    check_against_oracle(isa, &x, &dy, cols);
}

fn tails_stay_inside(isa: Isa) {
    let lanes = isa.lanes();
    for cols in [1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 17, 65, 257] {
        let cols = cols.max(1);
        let rows = 3;
        let n = rows * cols;
        let x = Rng::new(cols as u64).vec(n, -5.0, 5.0);
        let mut y = vec![-7.0f32; n + 9];
        softmax(&x, &mut y[..n], cols, &single(isa)).unwrap();
        log_softmax(&x, &mut y[..n], cols, &single(isa)).unwrap();
        softmax_backward(&x, &x, &mut y[..n], cols, &single(isa)).unwrap();
        log_softmax_backward(&x, &x, &mut y[..n], cols, &single(isa)).unwrap();
        assert!(y[n..].iter().all(|&v| v == -7.0), "{isa}: cols={cols} wrote past");
    }
    // Zero rows is a valid, empty call.
    softmax(&[], &mut [], 5, &single(isa)).unwrap();
    log_softmax_in_place(&mut [], 5, &single(isa)).unwrap();
    softmax_backward(&[], &[], &mut [], 5, &single(isa)).unwrap();
}

fn threads_agree(isa: Isa) {
    let (rows, cols) = (301, 257);
    let x = Rng::new(99).vec(rows * cols, -20.0, 20.0);
    let dy = Rng::new(98).vec(rows * cols, -1.0, 1.0);
    let one = single(isa);
    let many = Opts { isa: Some(isa), threads: 3 };
    type Op = fn(&[f32], &[f32], &mut [f32], usize, &Opts) -> Result<(), kernels::Error>;
    let ops: [Op; 4] = [
        |x, _, y, c, o| softmax(x, y, c, o),
        |x, _, y, c, o| log_softmax(x, y, c, o),
        softmax_backward,
        log_softmax_backward,
    ];
    for op in ops {
        let mut a = vec![0.0; x.len()];
        let mut b = vec![0.0; x.len()];
        op(&x, &dy, &mut a, cols, &one).unwrap();
        op(&x, &dy, &mut b, cols, &many).unwrap();
        assert!(bits_eq(&a, &b), "{isa}: thread counts disagree");
    }
}

fn golden_cases(isa: Isa) {
    for case in golden::parse_all(&golden::SOFTMAX) {
        let context = format!("{isa} {}", case.name());
        spec::compare_golden(&case, &single(isa), assert_within(&context));
    }
}

test_each_isa!(
    matches_reference,
    large_offsets_and_spreads,
    masks_and_nan,
    rising_and_falling_rows,
    tails_stay_inside,
    threads_agree,
    golden_cases,
);

/// f64 softmax of an f64 row, for finite differences.
fn softmax_f64(x: &[f64]) -> Vec<f64> {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = x.iter().map(|v| (v - max).exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|v| v / s).collect()
}

/// Central difference of L(x) = sum(dy * f(x)) in f64.
fn finite_difference(x: &[f32], dy: &[f32], f: impl Fn(&[f64]) -> Vec<f64>) -> Vec<f64> {
    let h = 1e-6;
    let loss = |x: &[f64]| -> f64 { f(x).iter().zip(dy).map(|(a, &b)| a * f64::from(b)).sum::<f64>() };
    let base: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    (0..x.len())
        .map(|j| {
            let (mut up, mut down) = (base.clone(), base.clone());
            up[j] += h;
            down[j] -= h;
            (loss(&up) - loss(&down)) / (2.0 * h)
        })
        .collect()
}

proptest! {
    #![proptest_config(common::replayable(64, 0x5EED_50F7))]

    #[test]
    fn gradients_match_finite_differences(
        (x, dy) in (1usize..24).prop_flat_map(|n| (
            prop::collection::vec(-6.0f32..6.0, n),
            prop::collection::vec(-2.0f32..2.0, n),
        ))
    ) {
        let cols = x.len();
        let fd_sm = finite_difference(&x, &dy, softmax_f64);
        let fd_lsm = finite_difference(&x, &dy, |x| {
            softmax_f64(x).iter().map(|v| v.ln()).collect()
        });
        for isa in Isa::available() {
            let opts = single(isa);
            let mut y = vec![0.0; cols];
            let mut dx = vec![0.0; cols];
            softmax(&x, &mut y, cols, &opts).unwrap();
            softmax_backward(&y, &dy, &mut dx, cols, &opts).unwrap();
            for (j, (&g, &fd)) in dx.iter().zip(&fd_sm).enumerate() {
                prop_assert!((f64::from(g) - fd).abs() <= 1e-5, "{isa} softmax dx[{j}] {g} vs {fd}");
            }
            log_softmax(&x, &mut y, cols, &opts).unwrap();
            log_softmax_backward(&y, &dy, &mut dx, cols, &opts).unwrap();
            for (j, (&g, &fd)) in dx.iter().zip(&fd_lsm).enumerate() {
                prop_assert!((f64::from(g) - fd).abs() <= 1e-5, "{isa} log_softmax dx[{j}] {g} vs {fd}");
            }
        }
    }
}

/// Finite logits on a 2^-10 grid in [-40, 40], so adding an integer shift is exact in f32.
fn grid(raw: &[i32]) -> Vec<f32> {
    raw.iter().map(|&v| (v % 40_960) as f32 / 1024.0).collect()
}

#[test]
fn law_shift_invariance() {
    fn prop(raw: Vec<i32>, shift: i16) -> TestResult {
        if raw.is_empty() {
            return TestResult::discard();
        }
        let x = grid(&raw);
        let c = f32::from(shift % 1000);
        let shifted: Vec<f32> = x.iter().map(|v| v + c).collect();
        for isa in Isa::available() {
            let opts = single(isa);
            let (mut a, mut b) = (vec![0.0; x.len()], vec![0.0; x.len()]);
            softmax(&x, &mut a, x.len(), &opts).unwrap();
            softmax(&shifted, &mut b, x.len(), &opts).unwrap();
            // Both are within the reference bound of the same exact values.
            let spread = 160.0 + 4.0 * (x.len() as f32).log2();
            let ok = a
                .iter()
                .zip(&b)
                .all(|(&p, &q)| (p - q).abs() <= p.max(q) * spread * f32::EPSILON / 2.0 + 1e-37);
            if !ok {
                return TestResult::error(format!("{isa}: {a:?} vs {b:?}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(Vec<i32>, i16) -> TestResult);
}

#[test]
fn law_rows_sum_to_one_and_log_is_ln() {
    fn prop(raw: Vec<i32>, cols: u8) -> TestResult {
        let cols = usize::from(cols % 40) + 1;
        let rows = raw.len() / cols;
        if rows == 0 {
            return TestResult::discard();
        }
        let x = grid(&raw[..rows * cols]);
        for isa in Isa::available() {
            let opts = single(isa);
            let (mut y, mut l) = (vec![0.0; x.len()], vec![0.0; x.len()]);
            softmax(&x, &mut y, cols, &opts).unwrap();
            log_softmax(&x, &mut l, cols, &opts).unwrap();
            for row in y.chunks(cols) {
                let sum: f64 = row.iter().map(|&v| f64::from(v)).sum();
                if (sum - 1.0).abs() > (cols as f64 + 8.0) * U {
                    return TestResult::error(format!("{isa}: row sums to {sum}"));
                }
            }
            for (&p, &lp) in y.iter().zip(&l) {
                if p > 1e-30 && (f64::from(p).ln() - f64::from(lp)).abs() > 1e-5 * (1.0 + lp.abs() as f64) {
                    return TestResult::error(format!("{isa}: ln({p}) vs {lp}"));
                }
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(200).quickcheck(prop as fn(Vec<i32>, u8) -> TestResult);
}
