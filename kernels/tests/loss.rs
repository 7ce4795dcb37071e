//! Cross-entropy on every ISA against the f64 oracle and the PyTorch golden cases, within the
//! bounds of `kernels::reference::loss::spec`, plus ignored rows, large logits, special values,
//! thread counts, every error, and (proptest) random shapes and finite-difference gradients.

#[macro_use]
mod common;

use common::within;
use kernels::loss::{cross_entropy, cross_entropy_backward};
use kernels::reference::loss::spec::{self, Case};
use kernels::reference::{Rng, golden};
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;

fn check(case: &Case, opts: &Opts, context: &str) -> f64 {
    let mut worst = 0.0f64;
    spec::compare(case, opts, within(context, &mut worst));
    worst
}

fn matches_reference(isa: Isa) {
    let mut worst = 0.0f64;
    for classes in [1, 2, 7, 15, 16, 17, 31, 33, 127, 128, 129, 257, 1000, 5003] {
        for (rows, ignore) in [(1, None), (2, Some(0)), (7, Some(classes as u32 + 3))] {
            let case = Case::random(rows, classes, 8.0, ignore, (classes * 10 + rows) as u64);
            worst = worst.max(check(&case, &Opts::single(isa), &format!("{isa} {rows}x{classes}")));
        }
    }
    println!("{isa}: worst error {worst:.3} of its bound");
}

/// Offsets cancel exactly, spreads that underflow most terms keep the loss, and a target far
/// above the rest (loss near 0, gradient near 0 at the target) keeps its small values.
fn large_and_peaked_logits(isa: Isa) {
    for (offset, spread) in [(1e4, 10.0), (-3e4, 3.0), (0.0, 200.0)] {
        let mut case = Case::random(5, 300, spread, None, 11);
        case.logits.iter_mut().for_each(|v| *v += offset);
        check(&case, &Opts::single(isa), &format!("{isa} offset {offset} spread {spread}"));
    }
    let mut case = Case::random(4, 4000, 1.0, None, 12);
    for (r, &t) in case.targets.iter().enumerate() {
        case.logits[r * 4000 + t as usize] = 12.0 + r as f32 * 4.0;
    }
    check(&case, &Opts::single(isa), &format!("{isa} peaked"));
}

fn golden_cases(isa: Isa) {
    common::golden_cases(isa, &golden::CROSS_ENTROPY, |case, opts, sink| {
        spec::compare_golden(case, opts, sink)
    });
}

/// Ignored rows are 0 and are never read (NaN there changes nothing); all rows ignored gives
/// 0 and a zero gradient; a NaN in a live row stays in that row.
fn ignored_rows_and_nan(isa: Isa) {
    let opts = Opts::single(isa);
    let classes = 37;
    let mut logits = Rng::new(4).vec(4 * classes, -3.0, 3.0);
    logits[..classes].fill(f32::NAN);
    logits[2 * classes + 5] = f32::NAN;
    let targets = [9, 1, 2, 3];
    let (mut losses, mut dlogits) = ([7.0f32; 4], vec![7.0f32; logits.len()]);
    let mean = cross_entropy(&logits, &targets, classes, Some(9), &mut losses, &opts).unwrap();
    assert_eq!(losses[0], 0.0, "{isa}: an ignored row");
    assert!(losses[2].is_nan() && losses[1].is_finite() && losses[3].is_finite() && mean.is_nan());
    cross_entropy_backward(&logits, &targets, classes, Some(9), 1.0, &mut dlogits, &opts).unwrap();
    assert!(dlogits[..classes].iter().all(|&v| v == 0.0), "{isa}: an ignored row's gradient");
    assert!(dlogits[2 * classes..3 * classes].iter().all(|v| v.is_nan()));
    assert!(dlogits[classes..2 * classes].iter().chain(&dlogits[3 * classes..]).all(|v| v.is_finite()));

    let all = [9; 4];
    let mean = cross_entropy(&logits, &all, classes, Some(9), &mut losses, &opts).unwrap();
    assert_eq!((mean, losses), (0.0, [0.0; 4]), "{isa}: every row ignored");
    cross_entropy_backward(&logits, &all, classes, Some(9), 1.0, &mut dlogits, &opts).unwrap();
    assert!(dlogits.iter().all(|&v| v == 0.0));
    // A row of -inf but its target: loss 0, gradient 0.
    let masked = [f32::NEG_INFINITY, 2.0, f32::NEG_INFINITY];
    let l = cross_entropy(&masked, &[1], 3, None, &mut losses[..1], &opts).unwrap();
    cross_entropy_backward(&masked, &[1], 3, None, 1.0, &mut dlogits[..3], &opts).unwrap();
    assert_eq!((l, &dlogits[..3]), (0.0, &[0.0; 3][..]), "{isa}");
}

fn tails_stay_inside(isa: Isa) {
    let lanes = isa.lanes();
    for classes in [1, lanes.saturating_sub(1).max(1), lanes, lanes + 1, 2 * lanes + 3, 17, 65, 257] {
        let case = Case::random(3, classes, 4.0, Some(1), classes as u64);
        let n = case.logits.len();
        let (mut losses, mut dlogits) = ([-7.0f32; 3 + 9], vec![-7.0f32; n + 9]);
        let (c, opts) = (&case, Opts::single(isa));
        cross_entropy(&c.logits, &c.targets, classes, c.ignore_index, &mut losses[..3], &opts).unwrap();
        cross_entropy_backward(&c.logits, &c.targets, classes, c.ignore_index, 1.0, &mut dlogits[..n], &opts)
            .unwrap();
        assert!(
            losses[3..].iter().chain(&dlogits[n..]).all(|&v| v == -7.0),
            "{isa}: classes={classes} wrote past"
        );
    }
    assert_eq!(cross_entropy(&[], &[], 5, None, &mut [], &Opts::single(isa)), Ok(0.0));
    cross_entropy_backward(&[], &[], 0, None, 1.0, &mut [], &Opts::single(isa)).unwrap();
}

fn threads_agree(isa: Isa) {
    for (rows, classes) in [(301, 257), (40, 5000)] {
        let case = Case::random(rows, classes, 10.0, Some(3), 5);
        let one = Opts::single(isa);
        let (losses, loss) = spec::forward(&case, &one).unwrap();
        let dlogits = spec::backward(&case, &one).unwrap();
        for threads in [2, 3] {
            let many = Opts { isa: Some(isa), threads };
            let (l, m) = spec::forward(&case, &many).unwrap();
            assert!(
                bits(&l) == bits(&losses) && m.to_bits() == loss.to_bits(),
                "{isa}: losses, {threads} threads"
            );
            assert!(
                bits(&spec::backward(&case, &many).unwrap()) == bits(&dlogits),
                "{isa}: dlogits, {threads} threads"
            );
        }
    }
}

/// Gradients past 4 MiB are written with streaming stores from each row's first aligned
/// vector on: misaligned by one element, on 1 and 2 threads, they hold bitwise what calls of
/// 10 rows each (plain stores) write. `dloss` is the row count, so every call's scale is 1.
fn large_gradients_stream_the_same_values(isa: Isa) {
    let (rows, classes) = (130, 8_195);
    let case = Case::random(rows, classes, 10.0, None, 6);
    let single = Opts::single(isa);
    let mut want = vec![0.0f32; rows * classes];
    let chunks = case.logits.chunks(10 * classes).zip(case.targets.chunks(10));
    for ((logits, targets), out) in chunks.zip(want.chunks_mut(10 * classes)) {
        cross_entropy_backward(logits, targets, classes, None, targets.len() as f32, out, &single).unwrap();
    }
    for threads in [1, 2] {
        let opts = Opts { isa: Some(isa), threads };
        let mut got = vec![0.0f32; rows * classes + 1];
        let (logits, targets) = (&case.logits, &case.targets);
        cross_entropy_backward(logits, targets, classes, None, rows as f32, &mut got[1..], &opts).unwrap();
        assert!(bits(&got[1..]) == bits(&want), "{isa}: dlogits, {threads} threads");
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|v| v.to_bits()).collect()
}

test_each_isa!(
    matches_reference,
    large_and_peaked_logits,
    golden_cases,
    ignored_rows_and_nan,
    tails_stay_inside,
    threads_agree,
    large_gradients_stream_the_same_values
);

#[test]
fn errors_name_the_argument_and_lengths() {
    let opts = Opts::default();
    let logits = [0.0f32; 6];
    let (mut losses, mut dlogits) = ([1.0f32; 2], [1.0f32; 6]);
    let message = |e: Error| e.to_string();
    let e = cross_entropy(&logits[..5], &[0, 1], 3, None, &mut losses, &opts).unwrap_err();
    assert!(matches!(e, Error::Len { .. }), "{e}");
    assert_eq!(
        message(e),
        "cross_entropy: logits has 5 elements but must have 6 (2 rows, one per target, of classes = 3)"
    );
    let e = cross_entropy(&logits, &[0, 1], 3, None, &mut losses[..1], &opts).unwrap_err();
    assert!(message(e).contains("losses has 1 elements but must have 2"));
    let e = cross_entropy(&logits, &[0, 3], 3, None, &mut losses, &opts).unwrap_err();
    assert!(matches!(e, Error::Shape { .. }));
    assert_eq!(message(e), "cross_entropy: targets[1] = 3 is out of range for classes = 3 (no ignore_index)");
    let e = cross_entropy(&logits, &[7, 4], 3, Some(7), &mut losses, &opts).unwrap_err();
    assert!(message(e).contains("targets[1] = 4 is out of range for classes = 3 (ignore_index = 7)"));
    let e = cross_entropy(&[], &[0; 2], usize::MAX, None, &mut losses, &opts).unwrap_err();
    assert!(message(e).contains("overflows"));
    let e = cross_entropy_backward(&logits, &[0, 1], 3, None, 1.0, &mut dlogits[..5], &opts).unwrap_err();
    assert!(message(e).starts_with("cross_entropy_backward: dlogits has 5 elements but must have 6"));
    let e = cross_entropy_backward(&logits, &[0, 5], 3, Some(4), 1.0, &mut dlogits, &opts).unwrap_err();
    assert!(message(e).contains("targets[1] = 5"));
    let e = cross_entropy_backward(&logits, &[0, 1, 2], 3, None, 1.0, &mut dlogits, &opts).unwrap_err();
    assert!(message(e).contains("logits has 6 elements but must have 9"));
    assert_eq!((losses, dlogits), ([1.0; 2], [1.0; 6]), "an error must write nothing");
    // An ignore_index at or past `classes` is allowed, and rows holding it are ignored.
    assert_eq!(cross_entropy(&logits, &[3, 3], 3, Some(3), &mut losses, &opts), Ok(0.0));
}

/// The mean loss in f64 on f64 logits, for finite differences.
fn mean_loss(logits: &[f64], case: &Case) -> f64 {
    let live: Vec<(usize, usize)> = (case.targets.iter().enumerate())
        .filter(|&(_, &t)| Some(t) != case.ignore_index)
        .map(|(r, &t)| (r, t as usize))
        .collect();
    let total: f64 = live
        .iter()
        .map(|&(r, t)| {
            let row = &logits[r * case.classes..(r + 1) * case.classes];
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            max + row.iter().map(|v| (v - max).exp()).sum::<f64>().ln() - row[t]
        })
        .sum();
    if live.is_empty() { 0.0 } else { total / live.len() as f64 }
}

proptest! {
    #![proptest_config(common::replayable(48, 0x0043_4553))]

    /// Random shapes (tails of every lane width), spreads and ignore indices on every ISA:
    /// within the bounds, and bitwise the same on 1 and 2 threads.
    #[test]
    fn random_shapes_on_every_isa(
        rows in 1usize..40, classes in 1usize..600, spread in prop::sample::select(vec![0.5f32, 8.0, 60.0]),
        ignore in prop::option::of(0u32..700), seed in any::<u64>(),
    ) {
        let case = Case::random(rows, classes, spread, ignore, seed);
        for isa in Isa::available() {
            check(&case, &Opts::single(isa), &format!("{isa} {rows}x{classes} seed {seed}"));
            let two = Opts { isa: Some(isa), threads: 2 };
            let (l1, m1) = spec::forward(&case, &Opts::single(isa)).unwrap();
            let (l2, m2) = spec::forward(&case, &two).unwrap();
            let same = bits(&l1) == bits(&l2) && m1.to_bits() == m2.to_bits();
            prop_assert!(same, "{}: 1 and 2 threads differ", isa);
        }
    }

    /// The gradient against central differences of the f64 mean loss, times `dloss`.
    #[test]
    fn gradients_match_finite_differences(rows in 1usize..5, classes in 1usize..40, seed in any::<u64>()) {
        let case = Case::random(rows, classes, 4.0, Some(0), seed);
        let base: Vec<f64> = case.logits.iter().map(|&v| f64::from(v)).collect();
        let h = 1e-6;
        let fd: Vec<f64> = (0..base.len())
            .map(|j| {
                let (mut up, mut down) = (base.clone(), base.clone());
                up[j] += h;
                down[j] -= h;
                f64::from(case.dloss) * (mean_loss(&up, &case) - mean_loss(&down, &case)) / (2.0 * h)
            })
            .collect();
        for isa in Isa::available() {
            let got = spec::backward(&case, &Opts::single(isa)).unwrap();
            for (j, (&g, &w)) in got.iter().zip(&fd).enumerate() {
                // The differences themselves err by about 1e-9.
                let bound = spec::grad_bound(w, case.scale()) + 1e-8;
                prop_assert!((f64::from(g) - w).abs() <= bound, "{} dlogits[{}]: {} vs {}", isa, j, g, w);
            }
        }
    }
}
