//! Agreement checks for `kernels::softmax` against the f64 reference.
//!
//! Bounds, in units of u = 2^-24: softmax, relative, 8 + (max - x) + (max - min) +
//! 4 log2(cols): a few roundings for exp and the final multiply, the rounding of `x - max` that
//! scales with the distance from the row maximum, and the running sum's rounding. log_softmax,
//! absolute, 2 |y| + 8 + 4 log2(cols). Backward: the dot product's error, log2(cols) u times
//! the row's sum of |y dy| (or |dy|), plus a few roundings.

use kernels::reference::{random_f32, softmax as oracle};
use kernels::softmax::{log_softmax, log_softmax_backward, softmax, softmax_backward};
use kernels::{Isa, Opts};

use super::{KernelConfig, U, Verdict, Worst, check, failure};
use crate::report::Line;

const COLS: [usize; 8] = [1, 15, 16, 17, 31, 33, 257, 1000];
const ROWS: usize = 7;

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let inputs = move |cols: usize| {
        let x = random_f32(ROWS * cols, -8.0, 8.0, seed ^ cols as u64);
        let dy = random_f32(ROWS * cols, -1.0, 1.0, !seed ^ cols as u64);
        (x, dy)
    };
    vec![
        check("forward", true, || {
            let mut worst = Worst::default();
            for cols in COLS {
                let (x, _) = inputs(cols);
                forward(&opts, &x, cols, &mut worst);
            }
            worst.verdict(format!("softmax and log_softmax, {ROWS} rows of 1..=1000 columns"))
        }),
        check("backward", true, || {
            let mut worst = Worst::default();
            for cols in COLS {
                let (x, dy) = inputs(cols);
                backward(&opts, &x, &dy, cols, &mut worst);
            }
            worst.verdict("softmax_backward and log_softmax_backward".into())
        }),
        check("extremes", false, || extremes(&opts)),
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

fn forward(opts: &Opts, x: &[f32], cols: usize, worst: &mut Worst) {
    let case = || format!("{ROWS}x{cols} logits in [-8, 8)");
    let log_cols = (cols as f64).log2();
    let mut y = vec![0.0; x.len()];
    softmax(x, &mut y, cols, opts).expect("valid");
    let want = oracle::softmax(x, cols);
    for (r, row) in x.chunks(cols).enumerate() {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
        let min = row.iter().copied().fold(f32::INFINITY, f32::min) as f64;
        for (j, &xj) in row.iter().enumerate() {
            let i = r * cols + j;
            let units = 8.0 + (max - f64::from(xj)) + (max - min) + 4.0 * log_cols;
            worst.see(
                case,
                || format!("softmax[{r}][{j}]"),
                y[i],
                want[i],
                want[i].abs() * units * U + 1e-37,
            );
        }
    }
    let mut l = vec![0.0; x.len()];
    log_softmax(x, &mut l, cols, opts).expect("valid");
    let want = oracle::log_softmax(x, cols);
    for (i, (&got, &w)) in l.iter().zip(&want).enumerate() {
        let bound = (2.0 * w.abs() + 8.0 + 4.0 * log_cols) * U;
        worst.see(case, || format!("log_softmax[{}][{}]", i / cols, i % cols), got, w, bound);
    }
}

fn backward(opts: &Opts, x: &[f32], dy: &[f32], cols: usize, worst: &mut Worst) {
    let case = || format!("{ROWS}x{cols} logits in [-8, 8), dy in [-1, 1)");
    let log_cols = (cols as f64).log2();
    let (mut y, mut l, mut dx) = (vec![0.0; x.len()], vec![0.0; x.len()], vec![0.0; x.len()]);
    softmax(x, &mut y, cols, opts).expect("valid");
    log_softmax(x, &mut l, cols, opts).expect("valid");

    softmax_backward(&y, dy, &mut dx, cols, opts).expect("valid");
    let want = oracle::softmax_backward(&y, dy, cols);
    for (r, (yr, dr)) in y.chunks(cols).zip(dy.chunks(cols)).enumerate() {
        let scale: f64 = yr.iter().zip(dr).map(|(&a, &b)| f64::from(a * b).abs()).sum();
        for j in 0..cols {
            let i = r * cols + j;
            let bound = f64::from(y[i].abs()) * (f64::from(dy[i].abs()) + scale) * (4.0 + 4.0 * log_cols) * U;
            worst.see(case, || format!("softmax_backward[{r}][{j}]"), dx[i], want[i], bound + 1e-37);
        }
    }
    log_softmax_backward(&l, dy, &mut dx, cols, opts).expect("valid");
    let want = oracle::log_softmax_backward(&l, dy, cols);
    for (r, dr) in dy.chunks(cols).enumerate() {
        let abs_sum: f64 = dr.iter().map(|&v| f64::from(v).abs()).sum();
        for j in 0..cols {
            let i = r * cols + j;
            let e = f64::from(l[i]).exp();
            let bound = (f64::from(dy[i].abs()) + e * abs_sum) * (8.0 + 4.0 * log_cols) * U;
            worst.see(case, || format!("log_softmax_backward[{r}][{j}]"), dx[i], want[i], bound + 1e-37);
        }
    }
}

/// Huge offsets stay finite, a fully masked row gives zeros (log: -inf), and a NaN poisons
/// only its own row.
fn extremes(opts: &Opts) -> Verdict {
    let cols = 33;
    let mut x = random_f32(4 * cols, -8.0, 8.0, 7);
    x[..cols].iter_mut().for_each(|v| *v += 1e4);
    x[cols..2 * cols].iter_mut().for_each(|v| *v -= 1e4);
    x[2 * cols..3 * cols].fill(f32::NEG_INFINITY);
    x[3 * cols + 5] = f32::NAN;
    let (mut y, mut l) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    softmax(&x, &mut y, cols, opts).expect("valid");
    log_softmax(&x, &mut l, cols, opts).expect("valid");
    let input = "rows: +1e4 offset, -1e4 offset, all -inf, one NaN".to_string();
    let rows = |v: &[f32], r: usize| v[r * cols..(r + 1) * cols].to_vec();
    for r in 0..2 {
        let sum: f32 = rows(&y, r).iter().sum();
        if !rows(&y, r).iter().all(|v| v.is_finite()) || (sum - 1.0).abs() > 1e-5 {
            return Err(failure(format!("row {r} with a 1e4 offset: not finite or sum {sum}"), input));
        }
    }
    if rows(&y, 2).iter().any(|&v| v != 0.0) || rows(&l, 2).iter().any(|&v| v != f32::NEG_INFINITY) {
        return Err(failure("a fully masked row must give 0 (log: -inf)".into(), input));
    }
    if !rows(&y, 3).iter().all(|v| v.is_nan()) {
        return Err(failure("a NaN must make its whole row NaN".into(), input));
    }
    Ok("±1e4 offsets finite, masked row 0 / -inf, NaN stays in its row".into())
}
