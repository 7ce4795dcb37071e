//! `harness run softmax`: the softmax family against the f64 reference, through
//! `kernels::reference::softmax::spec`, whose bounds (softmax relative
//! `8 + (max - x) + (max - min) + 4 log2(cols)` u, log_softmax absolute, the backward passes
//! scaled by the row's dot product) carry their derivations. An attempt (`softmax` alone) goes
//! through the same inputs, bounds and golden cases.

use kernels::reference::golden::{self, Golden};
use kernels::reference::random_f32;
use kernels::reference::softmax::{self as oracle, spec};
use kernels::softmax::{log_softmax, softmax};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `softmax(x, y, cols)` over rows of `cols`.
pub type Plain = fn(&[f32], &mut [f32], usize);

/// A row-wise op of that shape, however it is run.
type RowOp<'a> = &'a dyn Fn(&[f32], &mut [f32], usize);

const COLS: [usize; 8] = [1, 15, 16, 17, 31, 33, 257, 1000];
const ROWS: usize = 7;

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 5] = [
    ("forward", None),
    ("backward", Some("the signature has no backward pass")),
    ("extremes", None),
    ("golden", None),
    ("threads", Some("one call, on the caller's thread")),
];

fn inputs(seed: u64, cols: usize) -> (Vec<f32>, Vec<f32>) {
    let x = random_f32(ROWS * cols, -8.0, 8.0, seed ^ cols as u64);
    let dy = random_f32(ROWS * cols, -1.0, 1.0, !seed ^ cols as u64);
    (x, dy)
}

fn describe(cols: usize) -> String {
    format!("{ROWS}x{cols} logits in [-8, 8)")
}

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let library = |x: &[f32], y: &mut [f32], cols: usize| softmax(x, y, cols, &opts).expect("valid");
    let library_log = |x: &[f32], y: &mut [f32], cols: usize| log_softmax(x, y, cols, &opts).expect("valid");
    vec![
        check("forward", true, || {
            let mut worst = Worst::default();
            for cols in COLS {
                let (x, _) = inputs(seed, cols);
                spec::compare_forward(&x, cols, &opts, |s| worst.see(|| describe(cols), s));
            }
            worst.verdict(format!("softmax and log_softmax, {ROWS} rows of 1..=1000 columns"))
        }),
        check("backward", true, || {
            let mut worst = Worst::default();
            for cols in COLS {
                let (x, dy) = inputs(seed, cols);
                let (y, l) = spec::forward(&x, cols, &opts);
                let case = || format!("{}, dy in [-1, 1)", describe(cols));
                spec::compare_backward(&y, &l, &dy, cols, &opts, |s| worst.see(case, s));
            }
            worst.verdict("softmax_backward and log_softmax_backward".into())
        }),
        check("extremes", false, || extremes(&library, Some(&library_log))),
        check("golden", false, || {
            golden_cases(|case, worst| {
                spec::compare_golden(case, &opts, |s| worst.see(|| case.name().into(), s))
            })
        }),
        check("threads", true, || {
            let cols = 257;
            let x = random_f32(600 * cols, -8.0, 8.0, seed);
            let (mut one, mut two) = (vec![0.0; x.len()], vec![0.0; x.len()]);
            softmax(&x, &mut one, cols, &opts).expect("valid");
            softmax(&x, &mut two, cols, &Opts { isa: Some(isa), threads: 2 }).expect("valid");
            if one.iter().zip(&two).all(|(a, b)| a.to_bits() == b.to_bits()) {
                Ok("1 and 2 threads give bitwise equal rows".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), "600x257".into()))
            }
        }),
    ]
}

/// The check `label` of an attempt.
pub(super) fn attempt_check(attempt: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    let seed = config.seed;
    // Into a NaN-filled output, so that an element left unwritten shows.
    let run = |x: &[f32], cols: usize, what: &dyn Fn() -> String| {
        trace::announce(what);
        let mut y = vec![f32::NAN; x.len()];
        attempt(x, &mut y, cols);
        y
    };
    Some(match label {
        "forward" => check(label, true, || {
            let mut worst = Worst::default();
            for cols in COLS {
                let (x, _) = inputs(seed, cols);
                let y = run(&x, cols, &|| describe(cols));
                spec::softmax_samples(&x, cols, &y, &oracle::softmax(&x, cols), |s| {
                    worst.see(|| describe(cols), s)
                });
            }
            worst.verdict(format!("softmax, {ROWS} rows of 1..=1000 columns"))
        }),
        "extremes" => check(label, false, || extremes(&|x, y, cols| attempt(x, y, cols), None)),
        "golden" => check(label, false, || {
            golden_cases(|case, worst| {
                let (x, cols) = (case.f32s("x"), case.dim("cols"));
                let y = run(&x, cols, &|| format!("golden case {}", case.name()));
                spec::softmax_samples(&x, cols, &y, &case["softmax"], |s| {
                    worst.see(|| case.name().into(), s)
                });
            })
        }),
        _ => return None,
    })
}

/// Every PyTorch golden case through `compare`, which records its samples in the worst.
fn golden_cases(mut compare: impl FnMut(&Golden, &mut Worst)) -> Verdict {
    let mut worst = Worst::default();
    let mut count = 0;
    for case in golden::parse_all(&golden::SOFTMAX) {
        compare(&case, &mut worst);
        count += 1;
    }
    worst.verdict(format!("{count} PyTorch float64 cases: large logits, masked rows, one column, wide"))
}

/// Huge offsets stay finite, a fully masked row gives zeros (log: -inf), and a NaN poisons
/// only its own row. `log_softmax` is checked too where there is one.
fn extremes(softmax: RowOp<'_>, log_softmax: Option<RowOp<'_>>) -> Verdict {
    let cols = 33;
    let mut x = random_f32(4 * cols, -8.0, 8.0, 7);
    x[..cols].iter_mut().for_each(|v| *v += 1e4);
    x[cols..2 * cols].iter_mut().for_each(|v| *v -= 1e4);
    x[2 * cols..3 * cols].fill(f32::NEG_INFINITY);
    x[3 * cols + 5] = f32::NAN;
    let input = "rows: +1e4 offset, -1e4 offset, all -inf, one NaN".to_string();
    trace::announce(|| format!("4x{cols}, {input}"));
    let mut y = vec![f32::NAN; x.len()];
    softmax(&x, &mut y, cols);
    let rows = |v: &[f32], r: usize| v[r * cols..(r + 1) * cols].to_vec();
    for r in 0..2 {
        let sum: f32 = rows(&y, r).iter().sum();
        if !rows(&y, r).iter().all(|v| v.is_finite()) || (sum - 1.0).abs() > 1e-5 {
            return Err(failure(format!("row {r} with a 1e4 offset: not finite or sum {sum}"), input));
        }
    }
    if rows(&y, 2).iter().any(|&v| v != 0.0) {
        return Err(failure("a fully masked row must give 0".into(), input));
    }
    if !rows(&y, 3).iter().all(|v| v.is_nan()) {
        return Err(failure("a NaN must make its whole row NaN".into(), input));
    }
    if rows(&y, 0).iter().chain(&rows(&y, 1)).any(|v| v.is_nan()) {
        return Err(failure("a NaN in row 3 leaked into another row".into(), input));
    }
    if let Some(log_softmax) = log_softmax {
        let mut l = vec![f32::NAN; x.len()];
        log_softmax(&x, &mut l, cols);
        if rows(&l, 2).iter().any(|&v| v != f32::NEG_INFINITY) {
            return Err(failure("log_softmax of a fully masked row must give -inf".into(), input));
        }
        return Ok("±1e4 offsets finite, masked row 0 / -inf, NaN stays in its row".into());
    }
    Ok("±1e4 offsets finite, masked row 0, NaN stays in its row".into())
}
