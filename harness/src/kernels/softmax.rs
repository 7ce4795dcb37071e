//! `harness run softmax`: the softmax family against the f64 reference, through
//! `kernels::reference::softmax::spec`, whose bounds (softmax relative
//! `8 + (max - x) + (max - min) + 4 log2(cols)` u, log_softmax absolute, the backward passes
//! scaled by the row's dot product) carry their derivations.

use kernels::reference::random_f32;
use kernels::reference::softmax::spec;
use kernels::softmax::{log_softmax, softmax};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, Worst, check, failure};
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
    spec::compare_forward(x, cols, opts, |s| worst.see(case, s));
}

fn backward(opts: &Opts, x: &[f32], dy: &[f32], cols: usize, worst: &mut Worst) {
    let case = || format!("{ROWS}x{cols} logits in [-8, 8), dy in [-1, 1)");
    let (y, l) = spec::forward(x, cols, opts);
    spec::compare_backward(&y, &l, dy, cols, opts, |s| worst.see(case, s));
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
