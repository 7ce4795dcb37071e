//! `harness run cross-entropy`: cross-entropy against the f64 reference and PyTorch's golden
//! cases, through `kernels::reference::loss::spec`, whose bounds (losses within 1e-5 of
//! themselves plus 2e-6, gradients 1e-5 plus 1e-7) carry their derivations. An attempt
//! (forward: the losses and their mean) goes through the same inputs, bounds and golden cases.

use kernels::loss::cross_entropy;
use kernels::reference::golden;
use kernels::reference::loss::spec;
pub(super) use kernels::reference::loss::spec::Case;
use kernels::reference::{At, Sample};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `cross_entropy(logits, targets, classes, ignore_index, losses)`, returning the
/// mean loss.
pub type Plain = fn(&[f32], &[u32], usize, Option<u32>, &mut [f32]) -> f32;

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 4] = [
    ("rows", None),
    ("golden", None),
    ("specials", Some("it includes refusing a target out of range, an error the signature cannot return")),
    ("threads", Some("one call, on the caller's thread")),
];

/// The random cases of the references: (case, its description).
fn cases(seed: u64) -> impl Iterator<Item = (Case, String)> {
    CLASSES.into_iter().flat_map(move |classes| {
        [(8.0, None), (60.0, Some(0)), (1.0, Some(classes as u32))].map(|(spread, ignore)| {
            let case = Case::random(ROWS, classes, spread, ignore, seed ^ classes as u64);
            (case, format!("{ROWS}x{classes} logits in ±{spread}, ignore_index {ignore:?}"))
        })
    })
}

const CLASSES: [usize; 9] = [1, 2, 15, 16, 17, 33, 257, 1000, 32_000];
const ROWS: usize = 7;

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts::single(isa);
    let seed = config.seed;
    vec![
        check("rows", true, || {
            let mut worst = Worst::default();
            for (case, name) in cases(seed) {
                spec::compare(&case, &opts, |s| worst.see(|| name.clone(), s));
            }
            worst.verdict(format!("losses, mean, dlogits; {ROWS} rows of 1..=32000 classes, ignored rows"))
        }),
        check("golden", false, || {
            let mut worst = Worst::default();
            for case in golden::parse_all(&golden::CROSS_ENTROPY) {
                spec::compare_golden(&case, &opts, |s| worst.see(|| case.name().to_string(), s));
            }
            let n = golden::CROSS_ENTROPY.len();
            worst.verdict(format!("{n} PyTorch float64 cases, all ignored and one class among them"))
        }),
        check("specials", false, || specials(&opts)),
        check("threads", true, || {
            let case = Case::random(300, 1000, 8.0, Some(2), seed);
            let two = Opts { isa: Some(isa), threads: 2 };
            let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            let (l1, m1) = spec::forward(&case, &opts).expect("valid");
            let (l2, m2) = spec::forward(&case, &two).expect("valid");
            let (g1, g2) =
                (spec::backward(&case, &opts).expect("valid"), spec::backward(&case, &two).expect("valid"));
            if bits(&l1) == bits(&l2) && m1.to_bits() == m2.to_bits() && bits(&g1) == bits(&g2) {
                Ok("1 and 2 threads give bitwise equal losses, mean and gradients".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), "300x1000".into()))
            }
        }),
    ]
}

/// The check `label` of an attempt, which `run` calls: its losses and mean on the references'
/// cases and the golden cases, within the same bounds.
pub(super) fn attempt_check(
    run: &dyn Fn(&Case, &mut [f32]) -> f32,
    label: &str,
    config: &KernelConfig,
) -> Option<Line> {
    // Into NaN-filled losses, so that one left unwritten shows.
    let compare = |case: &Case, (losses, loss): (&[f64], f64), name: &str, worst: &mut Worst| {
        trace::announce(|| name.to_string());
        let mut got = vec![f32::NAN; case.targets.len()];
        let mean = run(case, &mut got);
        for (r, (&got, &want)) in got.iter().zip(losses).enumerate() {
            let sample = Sample { what: "losses", at: At::Flat(r), got, want, bound: spec::loss_bound(want) };
            worst.see(|| name.to_string(), sample);
        }
        let sample =
            Sample { what: "loss", at: At::Flat(0), got: mean, want: loss, bound: spec::loss_bound(loss) };
        worst.see(|| name.to_string(), sample);
    };
    Some(match label {
        "rows" => check(label, true, || {
            let mut worst = Worst::default();
            for (case, name) in cases(config.seed) {
                let want = kernels::reference::loss::cross_entropy(&case);
                compare(&case, (&want.losses, want.loss), &name, &mut worst);
            }
            worst.verdict(format!("losses and their mean; {ROWS} rows of 1..=32000 classes, ignored rows"))
        }),
        "golden" => check(label, false, || {
            let mut worst = Worst::default();
            for golden in golden::parse_all(&golden::CROSS_ENTROPY) {
                let case = Case::golden(&golden);
                let name = format!("golden case {}", golden.name());
                compare(&case, (&golden["losses"], golden["loss"][0]), &name, &mut worst);
            }
            let n = golden::CROSS_ENTROPY.len();
            worst.verdict(format!("{n} PyTorch float64 cases, all ignored and one class among them"))
        }),
        _ => return None,
    })
}

/// A 1e4 offset cancels, every row ignored gives 0, a NaN stays in its row, a target out of
/// range is refused.
fn specials(opts: &Opts) -> Verdict {
    let classes = 40;
    let mut case = Case::random(3, classes, 3.0, None, 5);
    case.logits[..classes].iter_mut().for_each(|v| *v += 1e4);
    case.logits[classes + 7] = f32::NAN;
    let (losses, _) = spec::forward(&case, opts).expect("valid");
    let want = kernels::reference::loss::cross_entropy(&case);
    let input = "rows: +1e4 offset, one NaN, plain".to_string();
    if (f64::from(losses[0]) - want.losses[0]).abs() > spec::loss_bound(want.losses[0]) {
        return Err(failure(
            format!("the 1e4 offset must cancel: {} vs {}", losses[0], want.losses[0]),
            input,
        ));
    }
    if !losses[1].is_nan() || !losses[2].is_finite() {
        return Err(failure("a NaN must make its row's loss NaN and no other".into(), input));
    }
    let mut out = [1.0; 3];
    if cross_entropy(&case.logits, &[9; 3], classes, Some(9), &mut out, opts) != Ok(0.0) || out != [0.0; 3] {
        return Err(failure("every row ignored must give 0".into(), "targets all ignore_index".into()));
    }
    match cross_entropy(&case.logits, &[0, 40, 1], classes, None, &mut out, opts) {
        Err(e) if e.to_string().contains("targets[1] = 40 is out of range") => {}
        other => {
            return Err(failure(
                format!("a target out of range must be refused, got {other:?}"),
                "target 40".into(),
            ));
        }
    }
    Ok("1e4 offset cancels, all ignored gives 0, NaN stays in its row, bad target refused".into())
}
