//! Layer norm and RMS norm on every ISA against the f64 oracle and the PyTorch golden cases,
//! within the bounds of `kernels::reference::norm::spec`, plus offsets, special values, thread
//! counts, every error, and (proptest) random shapes and finite-difference gradients.

#[macro_use]
mod common;

use common::within;
use kernels::norm::{layer_norm, layer_norm_backward, rms_norm, rms_norm_backward};
use kernels::reference::norm::spec::{self, Case, Norm};
use kernels::reference::norm::{Backward, Grads};
use kernels::reference::{Rng, golden};
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;

const NORMS: [Norm; 2] = [Norm::Layer, Norm::Rms];

/// Checks forward and backward of `case` against the oracle; returns the worst error as a
/// fraction of its bound.
fn check(case: &Case, opts: &Opts, context: &str) -> f64 {
    let mut worst = 0.0f64;
    let out = spec::compare_forward(case, opts, within(context, &mut worst));
    spec::compare_backward(case, (&out.mean, &out.rstd), opts, within(context, &mut worst));
    worst
}

fn matches_reference(isa: Isa) {
    let mut worst = 0.0f64;
    for cols in [1, 2, 7, 15, 16, 17, 31, 33, 127, 128, 129, 257, 1000, 2053] {
        for rows in [1, 2, 5] {
            for norm in NORMS {
                let case = Case::random(norm, rows, cols, 0.0, (cols * 10 + rows) as u64);
                let context = format!("{isa} {norm:?} {rows}x{cols}");
                worst = worst.max(check(&case, &Opts::single(isa), &context));
            }
        }
    }
    println!("{isa}: worst error {worst:.3} of its bound");
}

/// Rows far from zero: the mean must be exact enough that `x - mean` keeps the spread; a row
/// with an outlier, and one whose first 16 elements (where layer norm takes the value it
/// shifts the squares by) lie far from the rest, must not lose their variance to them.
fn offsets_and_outliers(isa: Isa) {
    for (offset, cols) in [(300.0, 64), (-1e4, 100), (3e5, 1000), (1.0, 33)] {
        for norm in NORMS {
            let mut case = Case::random(norm, 4, cols, 0.0, 3);
            // Spread 0.02 about the offset, like PyTorch's norm_layer_offset case.
            case.x.iter_mut().for_each(|v| *v = offset + *v / 100.0);
            case.x[cols + cols / 2] = offset + 50.0;
            case.x[2 * cols..2 * cols + 16.min(cols / 2)].iter_mut().for_each(|v| *v += 30.0);
            check(&case, &Opts::single(isa), &format!("{isa} {norm:?} offset {offset}"));
        }
    }
    // The first 16 elements (whose mean layer norm shifts the squares by) at 1, the rest within
    // 2e-6 of 0: the squares about the shift would cancel 1000-fold and lose the variance to
    // rounding; the pass about the mean that such a row takes keeps it.
    let mut case = Case::random(Norm::Layer, 2, 16_384, 0.0, 4);
    case.x.iter_mut().for_each(|v| *v /= 1e6);
    case.x[..16].fill(1.0);
    check(&case, &Opts::single(isa), &format!("{isa} far shift"));
}

fn golden_cases(isa: Isa) {
    common::golden_cases(isa, &golden::NORM, |case, opts, sink| spec::compare_golden(case, opts, sink));
}

/// A constant row is normalised to its bias; a NaN poisons its own row only; eps = 0 on a
/// constant row gives rstd = inf, as the formula does.
fn special_values(isa: Isa) {
    let opts = Opts::single(isa);
    let cols = 19;
    let mut x = Rng::new(1).vec(3 * cols, -1.0, 1.0);
    x[..cols].fill(7.25);
    x[cols + 4] = f32::NAN;
    let (w, b) = (vec![1.5; cols], Rng::new(2).vec(cols, -1.0, 1.0));
    let (mut y, mut mean, mut rstd) = (vec![0.0; x.len()], vec![0.0; 3], vec![0.0; 3]);
    layer_norm(&x, &w, &b, 1e-5, &mut y, &mut mean, &mut rstd, &opts).unwrap();
    assert_eq!((&y[..cols], mean[0]), (&b[..], 7.25), "{isa}: a constant row");
    assert!(y[cols..2 * cols].iter().all(|v| v.is_nan()) && mean[1].is_nan() && rstd[1].is_nan());
    assert!(y[2 * cols..].iter().all(|v| v.is_finite()), "{isa}: NaN leaked into the next row");
    rms_norm(&x, &w, 1e-5, &mut y, &mut rstd, &opts).unwrap();
    assert!(y[cols..2 * cols].iter().all(|v| v.is_nan()) && y[2 * cols..].iter().all(|v| v.is_finite()));
    layer_norm(&x[..cols], &w, &b, 0.0, &mut y[..cols], &mut mean[..1], &mut rstd[..1], &opts).unwrap();
    assert_eq!(rstd[0], f32::INFINITY);
    rms_norm(&[0.0; 19], &w, 0.0, &mut y[..cols], &mut rstd[..1], &opts).unwrap();
    assert_eq!(rstd[0], f32::INFINITY);
}

fn tails_stay_inside(isa: Isa) {
    let lanes = isa.lanes();
    for cols in [1, lanes.saturating_sub(1).max(1), lanes, lanes + 1, 2 * lanes + 3, 17, 65, 257] {
        let case = Case::random(Norm::Layer, 3, cols, 0.5, cols as u64);
        let (n, opts) = (case.x.len(), Opts::single(isa));
        let (mut y, mut stats, mut dw) =
            (vec![-7.0f32; n + 9], vec![-7.0f32; 3 + 9], vec![-7.0f32; cols + 9]);
        let mut rstd = [0.0f32; 3];
        let bias = case.bias.as_deref().expect("a layer norm case");
        layer_norm(&case.x, &case.weight, bias, 1e-5, &mut y[..n], &mut stats[..3], &mut rstd, &opts)
            .unwrap();
        rms_norm(&case.x, &case.weight, 1e-5, &mut y[..n], &mut stats[..3], &opts).unwrap();
        let (x, w) = (&case.x, &case.weight);
        let mut db = dw.clone();
        layer_norm_backward(
            x,
            w,
            &rstd,
            &rstd,
            &case.dy,
            &mut y[..n],
            &mut dw[..cols],
            &mut db[..cols],
            &opts,
        )
        .unwrap();
        rms_norm_backward(x, w, &rstd, &case.dy, &mut y[..n], &mut dw[..cols], &opts).unwrap();
        for (name, v, len) in
            [("y", &y, n), ("stats", &stats, 3), ("dweight", &dw, cols), ("dbias", &db, cols)]
        {
            assert!(v[len..].iter().all(|&v| v == -7.0), "{isa}: cols={cols} wrote past {name}");
        }
    }
    // Zero rows is a valid, empty call; so is zero columns without rows.
    layer_norm(&[], &[1.0; 3], &[0.0; 3], 1e-5, &mut [], &mut [], &mut [], &Opts::single(isa)).unwrap();
    let mut dw = [5.0; 3];
    rms_norm_backward(&[], &[1.0; 3], &[], &[], &mut [], &mut dw, &Opts::single(isa)).unwrap();
    assert_eq!(dw, [0.0; 3], "{isa}: dweight over no rows is 0");
    rms_norm(&[], &[], 1e-5, &mut [], &mut [], &Opts::single(isa)).unwrap();
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|v| v.to_bits()).collect()
}

/// Every output of forward and backward, bitwise, for `threads`.
fn all_outputs(case: &Case, isa: Isa, threads: usize) -> Vec<Vec<u32>> {
    let opts = Opts { isa: Some(isa), threads };
    let out = spec::forward(case, &opts).unwrap();
    let grads = spec::backward(case, &out.mean, &out.rstd, &opts).unwrap();
    [&out.y, &out.mean, &out.rstd, &grads.dx, &grads.dweight, &grads.dbias].map(|v| bits(v)).to_vec()
}

/// Past the threading threshold forward, and over several chunks of rows backward.
fn threads_agree(isa: Isa) {
    for (rows, cols) in [(301, 257), (1000, 33), (5, 20_000)] {
        for norm in NORMS {
            let case = Case::random(norm, rows, cols, 3.0, 9);
            let one = all_outputs(&case, isa, 1);
            for threads in [2, 3] {
                assert!(
                    one == all_outputs(&case, isa, threads),
                    "{isa} {norm:?} {rows}x{cols}: {threads} threads"
                );
            }
        }
    }
}

/// Outputs past 4 MiB are written with streaming stores from each row's first aligned vector
/// on (rows of 16,131 start at every alignment): on 1 and 2 threads, `y`, `mean`, `rstd` and
/// `dx` hold bitwise what calls of 5 rows each (plain stores) write.
fn large_outputs_stream_the_same_values(isa: Isa) {
    let (rows, cols) = (65, 16_131);
    for norm in NORMS {
        let case = Case::random(norm, rows, cols, 3.0, 10);
        let mut want: [Vec<f32>; 4] = Default::default();
        for (x, dy) in case.x.chunks(5 * cols).zip(case.dy.chunks(5 * cols)) {
            let part = Case { x: x.to_vec(), dy: dy.to_vec(), ..case.clone() };
            let out = spec::forward(&part, &Opts::single(isa)).unwrap();
            let grads = spec::backward(&part, &out.mean, &out.rstd, &Opts::single(isa)).unwrap();
            for (want, got) in want.iter_mut().zip([out.y, out.mean, out.rstd, grads.dx]) {
                want.extend(got);
            }
        }
        for threads in [1, 2] {
            let opts = Opts { isa: Some(isa), threads };
            let out = spec::forward(&case, &opts).unwrap();
            let grads = spec::backward(&case, &out.mean, &out.rstd, &opts).unwrap();
            for (name, (want, got)) in
                ["y", "mean", "rstd", "dx"].iter().zip(want.iter().zip([out.y, out.mean, out.rstd, grads.dx]))
            {
                assert!(bits(want) == bits(&got), "{isa} {norm:?}, {threads} threads: {name} differs");
            }
        }
    }
}

test_each_isa!(
    matches_reference,
    offsets_and_outliers,
    golden_cases,
    special_values,
    tails_stay_inside,
    threads_agree,
    large_outputs_stream_the_same_values
);

#[test]
fn errors_name_the_argument_and_lengths() {
    let opts = Opts::default();
    let (x, w) = ([1.0f32; 6], [1.0f32; 3]);
    let (mut y, mut m, mut r) = ([0.0f32; 6], [0.0f32; 2], [0.0f32; 2]);
    let message = |e: Error| e.to_string();
    let e = layer_norm(&x, &w, &w[..2], 1e-5, &mut y, &mut m, &mut r, &opts).unwrap_err();
    assert_eq!(message(e), "layer_norm: bias has 2 elements but must have 3 (one per column, as weight)");
    let e = layer_norm(&x[..5], &w, &w, 1e-5, &mut y[..5], &mut m, &mut r, &opts).unwrap_err();
    assert!(
        matches!(e, Error::Shape { .. })
            && message(e).contains("x has 5 elements, not a whole number of rows")
    );
    let e = layer_norm(&x, &w, &w, 1e-5, &mut y[..5], &mut m, &mut r, &opts).unwrap_err();
    assert!(matches!(e, Error::Len { .. }) && message(e).contains("y has 5 elements but must have 6"));
    let e = layer_norm(&x, &w, &w, 1e-5, &mut y, &mut m[..1], &mut r, &opts).unwrap_err();
    assert!(message(e).contains("mean has 1 elements but must have 2 (one per row: x holds 2 rows"));
    let e = rms_norm(&x, &w, 1e-5, &mut y, &mut [0.0; 3], &opts).unwrap_err();
    assert!(message(e).starts_with("rms_norm: rstd has 3 elements but must have 2"));
    for eps in [-1.0, f32::NAN, f32::INFINITY] {
        let e = rms_norm(&x, &w, eps, &mut y, &mut r, &opts).unwrap_err();
        assert!(matches!(e, Error::Shape { .. }) && message(e).contains("eps is"), "eps {eps}");
    }
    let e = rms_norm(&x, &[], 1e-5, &mut y, &mut r, &opts).unwrap_err();
    assert!(message(e).contains("cols is 0 but x has 6 elements"));
    assert_eq!((y, m, r), ([0.0; 6], [0.0; 2], [0.0; 2]), "an error must write nothing");

    let (mut dx, mut dw, mut db) = ([0.0f32; 6], [0.0f32; 3], [0.0f32; 3]);
    let e = layer_norm_backward(&x, &w, &m, &r, &x[..5], &mut dx, &mut dw, &mut db, &opts).unwrap_err();
    assert!(message(e).contains("dy has 5 elements but must have 6"));
    let e = layer_norm_backward(&x, &w, &m, &r, &x, &mut dx[..4], &mut dw, &mut db, &opts).unwrap_err();
    assert!(message(e).contains("dx has 4 elements"));
    let e = layer_norm_backward(&x, &w, &m, &r, &x, &mut dx, &mut dw[..2], &mut db, &opts).unwrap_err();
    assert!(message(e).contains("dweight has 2 elements but must have 3"));
    let e = layer_norm_backward(&x, &w, &m, &r, &x, &mut dx, &mut dw, &mut db[..1], &opts).unwrap_err();
    assert!(message(e).contains("dbias has 1 elements"));
    let e = layer_norm_backward(&x, &w, &m[..1], &r, &x, &mut dx, &mut dw, &mut db, &opts).unwrap_err();
    assert!(message(e).starts_with("layer_norm_backward: mean has 1 elements"));
    let e = rms_norm_backward(&x, &w, &[0.0; 3], &x, &mut dx, &mut dw, &opts).unwrap_err();
    assert!(message(e).starts_with("rms_norm_backward: rstd has 3 elements but must have 2"));
    let e = rms_norm_backward(&x[..4], &w, &r, &x[..4], &mut dx[..4], &mut dw, &opts).unwrap_err();
    assert!(matches!(e, Error::Shape { .. }));
    assert_eq!((dx, dw, db), ([0.0; 6], [0.0; 3], [0.0; 3]), "an error must write nothing");
}

/// The f64 forward pass on f64 inputs (`bias` empty for RMS norm), for finite differences.
fn forward_f64(x: &[f64], w: &[f64], b: &[f64], eps: f64) -> Vec<f64> {
    let cols = w.len();
    let mut y = Vec::with_capacity(x.len());
    for row in x.chunks(cols) {
        let mean = if b.is_empty() { 0.0 } else { row.iter().sum::<f64>() / cols as f64 };
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / cols as f64;
        let rstd = 1.0 / (var + eps).sqrt();
        y.extend(row.iter().enumerate().map(|(j, v)| (v - mean) * rstd * w[j] + b.get(j).unwrap_or(&0.0)));
    }
    y
}

/// Central differences of `L = sum(dy * y)` with respect to every element of `x`, `w`, `b`.
fn finite_differences(case: &Case) -> [Vec<f64>; 3] {
    let wide = |v: &[f32]| v.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>();
    let inputs = [wide(&case.x), wide(&case.weight), wide(case.bias.as_deref().unwrap_or_default())];
    let loss = |i: &[Vec<f64>; 3]| -> f64 {
        let y = forward_f64(&i[0], &i[1], &i[2], f64::from(case.eps));
        y.iter().zip(&case.dy).map(|(y, &d)| y * f64::from(d)).sum()
    };
    let h = 1e-6;
    std::array::from_fn(|which| {
        (0..inputs[which].len())
            .map(|j| {
                let (mut up, mut down) = (inputs.clone(), inputs.clone());
                up[which][j] += h;
                down[which][j] -= h;
                (loss(&up) - loss(&down)) / (2.0 * h)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(common::replayable(48, 0x0042_4E52))]

    /// Random shapes (tails of every lane width), offsets and eps on every ISA: within the
    /// bounds, and bitwise the same on 1 and 2 threads.
    #[test]
    fn random_shapes_on_every_isa(
        rows in 1usize..40,
        cols in 1usize..300,
        offset in prop::sample::select(vec![0.0f32, 5.0, -300.0]),
        eps in prop::sample::select(vec![0.0f32, 1e-6, 1e-2]),
        seed in any::<u64>(),
        layer in any::<bool>(),
    ) {
        let norm = if layer { Norm::Layer } else { Norm::Rms };
        let mut case = Case::random(norm, rows, cols, offset, seed);
        case.eps = eps;
        for isa in Isa::available() {
            let context = format!("{isa} {norm:?} {rows}x{cols} seed {seed}");
            check(&case, &Opts::single(isa), &context);
            let two = all_outputs(&case, isa, 2);
            prop_assert_eq!(all_outputs(&case, isa, 1), two, "{}: 1 and 2 threads differ", context);
        }
    }

    /// Every backward pass against central differences of the f64 forward pass, fed the
    /// forward's statistics rounded to f32 as a framework would.
    #[test]
    fn gradients_match_finite_differences(
        rows in 1usize..4, cols in 1usize..24, seed in any::<u64>(), layer in any::<bool>(),
    ) {
        let norm = if layer { Norm::Layer } else { Norm::Rms };
        let case = Case::random(norm, rows, cols, 0.5, seed);
        let [dx, dw, db] = finite_differences(&case);
        let stats = spec::oracle(&case);
        let to_f32 = |v: &[f64]| v.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let (mean, rstd) = (to_f32(&stats.mean), to_f32(&stats.rstd));
        let tol = spec::golden_grad_tol(&mean, &rstd).into_iter().fold(0.0, f64::max);
        // dx's bound as the golden cases', where the rounding of its terms counts too; the
        // differences themselves err by about 1e-9 of the scale.
        let terms = spec::oracle_backward(&case, &mean, &rstd);
        let grads = Grads { dx: dx.clone(), dweight: dw.clone(), dbias: db.clone() };
        let want = Backward { grads, ..terms };
        let dx_bounds = spec::dx_bounds(cols, &want, &vec![tol; rows]);
        for isa in Isa::available() {
            let got = spec::backward(&case, &mean, &rstd, &Opts::single(isa)).unwrap();
            let all = [("dx", &got.dx, &dx), ("dweight", &got.dweight, &dw), ("dbias", &got.dbias, &db)];
            for (what, got, want) in all {
                for (j, (&g, &w)) in got.iter().zip(want).enumerate() {
                    let bound = if what == "dx" { dx_bounds[j] } else { spec::max_abs(want) * tol } + 1e-7;
                    let error = (f64::from(g) - w).abs();
                    prop_assert!(error <= bound, "{} {:?} {}[{}]: {} vs {}", isa, norm, what, j, g, w);
                }
            }
        }
    }
}
