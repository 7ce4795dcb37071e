//! `harness run norm`: layer norm and RMS norm against the f64 reference and PyTorch's golden
//! cases, through `kernels::reference::norm::spec`, whose bounds (y within 1e-5 of its
//! tensor's scale, mean 1e-6 and rstd 2e-5 of themselves, gradients 3e-5 of their scale)
//! carry their derivations. An attempt (`layer_norm` or `rms_norm`, forward) goes through the
//! same inputs, bounds and golden cases.

use kernels::norm::layer_norm;
use kernels::reference::golden;
use kernels::reference::norm::Forward;
pub(super) use kernels::reference::norm::spec::Case;
use kernels::reference::norm::spec::{self, Norm};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt at `layer_norm(x, weight, bias, eps, y, mean, rstd)`.
pub type LayerNormPlain = fn(&[f32], &[f32], &[f32], f32, &mut [f32], &mut [f32], &mut [f32]);

/// An attempt at `rms_norm(x, weight, eps, y, rstd)`.
pub type RmsNormPlain = fn(&[f32], &[f32], f32, &mut [f32], &mut [f32]);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 5] = [
    ("forward", None),
    ("backward", Some("the signature has no backward pass")),
    ("golden", None),
    ("specials", Some("it includes refusing a negative eps, an error the signature cannot return")),
    ("threads", Some("one call, on the caller's thread")),
];

const COLS: [usize; 9] = [1, 15, 16, 17, 31, 33, 257, 1000, 4099];
const ROWS: usize = 7;
const NORMS: [Norm; 2] = [Norm::Layer, Norm::Rms];

/// Random rows, and rows of spread 0.02 about 300 and -1e4 (PyTorch's f32 loses these), each
/// for both norms: (case, its description).
fn cases(seed: u64) -> impl Iterator<Item = (Case, String)> {
    let random = COLS.into_iter().map(move |cols| (cols, 0.0, 1.0));
    let offsets = [(64, 300.0, 0.01), (1000, -1e4, 0.01)].into_iter();
    random.chain(offsets).flat_map(move |(cols, offset, spread)| {
        NORMS.map(|norm| {
            let mut case = Case::random(norm, ROWS, cols, 0.0, seed ^ cols as u64);
            case.x.iter_mut().for_each(|v| *v = offset + *v * spread);
            let name = format!("{norm:?} norm, {ROWS}x{cols}, x in {offset} ± {}", 2.0 * spread);
            (case, name)
        })
    })
}

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    let cases = move || cases(seed);
    vec![
        check("forward", true, || {
            let mut worst = Worst::default();
            for (case, name) in cases() {
                spec::compare_forward(&case, &opts, |s| worst.see(|| name.clone(), s));
            }
            worst.verdict(format!("y, mean, rstd; {ROWS} rows of 1..=4099 columns, offsets 300 and -1e4"))
        }),
        check("backward", true, || {
            let mut worst = Worst::default();
            for (case, name) in cases() {
                let out = spec::forward(&case, &opts).expect("valid");
                let stats = (&out.mean[..], &out.rstd[..]);
                spec::compare_backward(&case, stats, &opts, |s| worst.see(|| name.clone(), s));
            }
            worst.verdict("dx, dweight, dbias from the kernel's own mean and rstd".into())
        }),
        check("golden", false, || {
            let mut worst = Worst::default();
            for case in golden::parse_all(&golden::NORM) {
                spec::compare_golden(&case, &opts, |s| worst.see(|| case.name().to_string(), s));
            }
            worst.verdict(format!("{} PyTorch float64 cases, forward and backward", golden::NORM.len()))
        }),
        check("specials", false, || specials(&opts)),
        check("threads", true, || {
            let two = Opts { isa: Some(isa), threads: 2 };
            for (rows, cols) in [(600, 257), (3, 40_000)] {
                for norm in NORMS {
                    let case = Case::random(norm, rows, cols, 1.0, seed);
                    let run = |opts: &Opts| {
                        let out = spec::forward(&case, opts).expect("valid");
                        let grads = spec::backward(&case, &out.mean, &out.rstd, opts).expect("valid");
                        let all = [out.y, out.mean, out.rstd, grads.dx, grads.dweight, grads.dbias];
                        all.map(|v| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
                    };
                    if run(&opts) != run(&two) {
                        return Err(failure(
                            "1 and 2 threads differ".into(),
                            format!("{norm:?} norm, {rows}x{cols}"),
                        ));
                    }
                }
            }
            Ok("1 and 2 threads give bitwise equal outputs and gradients".into())
        }),
    ]
}

/// The check `label` of an attempt at `norm`, which `run` calls: the forward outputs of the
/// references' cases and of the golden cases of that norm, within the same bounds.
pub(super) fn attempt_check(
    norm: Norm,
    run: &dyn Fn(&Case, &mut Forward<f32>),
    label: &str,
    config: &KernelConfig,
) -> Option<Line> {
    // Into NaN-filled outputs, so that an element left unwritten shows.
    let attempt = |case: &Case, what: &dyn Fn() -> String| {
        trace::announce(what);
        let mut out = case.forward_outputs(f32::NAN);
        run(case, &mut out);
        out
    };
    let outputs = if norm == Norm::Layer { "y, mean, rstd" } else { "y, rstd" };
    Some(match label {
        "forward" => check(label, true, || {
            let mut worst = Worst::default();
            for (case, name) in cases(config.seed).filter(|(case, _)| case.norm() == norm) {
                let got = attempt(&case, &|| name.clone());
                spec::forward_samples(&case, &got, &spec::oracle(&case), |s| worst.see(|| name.clone(), s));
            }
            worst.verdict(format!("{outputs}; {ROWS} rows of 1..=4099 columns, offsets 300 and -1e4"))
        }),
        "golden" => check(label, false, || {
            let (mut worst, mut count) = (Worst::default(), 0);
            for golden in golden::parse_all(&golden::NORM).filter(|g| spec::norm_of(g) == norm) {
                let case = Case::golden(&golden);
                let got = attempt(&case, &|| format!("golden case {}", golden.name()));
                let mean = if norm == Norm::Layer { golden["mean"].to_vec() } else { Vec::new() };
                let want = Forward { y: golden["y"].to_vec(), mean, rstd: golden["rstd"].to_vec() };
                spec::forward_samples(&case, &got, &want, |s| worst.see(|| golden.name().to_string(), s));
                count += 1;
            }
            worst.verdict(format!("{count} PyTorch float64 cases, forward"))
        }),
        _ => return None,
    })
}

/// A constant row comes out as the bias, a NaN stays in its row, a bad eps is refused.
fn specials(opts: &Opts) -> Verdict {
    let cols = 33;
    let mut case = Case::random(Norm::Layer, 3, cols, 0.0, 7);
    case.x[..cols].fill(-2.5);
    case.x[cols + 3] = f32::NAN;
    let out = spec::forward(&case, opts).expect("valid");
    let input = "rows: constant -2.5, one NaN, plain".to_string();
    if Some(&out.y[..cols]) != case.bias.as_deref() || out.mean[0] != -2.5 {
        return Err(failure("a constant row must give y = bias and its mean exactly".into(), input));
    }
    if !out.y[cols..2 * cols].iter().all(|v| v.is_nan()) || !out.y[2 * cols..].iter().all(|v| v.is_finite()) {
        return Err(failure("a NaN must make its whole row NaN and no other".into(), input));
    }
    let (mut y, mut m, mut r) = (vec![0.0; 2], [0.0], [0.0]);
    match layer_norm(&[1.0, 2.0], &[1.0; 2], &[0.0; 2], -1e-5, &mut y, &mut m, &mut r, opts) {
        Err(e) if e.to_string().contains("eps is -0.00001") => {}
        other => {
            return Err(failure(
                format!("a negative eps must be refused, got {other:?}"),
                "eps = -1e-5".into(),
            ));
        }
    }
    Ok("constant row gives the bias, NaN stays in its row, eps < 0 refused".into())
}
