//! Accuracy checks for `kernels::math::exp` against f64 `exp`, through the kernel's own sweep:
//! the first 2^13 bit patterns of every binade of both signs, or (`--exhaustive`) all 2^32.
//! Bound (`kernels::reference::exp`): `MAX_ULP` = 2 wherever the exact result is a normal f32,
//! and the right class elsewhere (inf on overflow, 0 or subnormal on underflow, NaN for NaN).
//! An attempt goes through the same binades, judged element by element by the same rule.

use kernels::math::{self, SweepReport};
use kernels::reference::exp::{self as spec, MAX_ULP};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `exp(x, y)`, element-wise.
pub type Plain = fn(&[f32], &mut [f32]);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 2] =
    [("binades", None), ("exhaustive", Some("all 2^32 inputs take longer than a judge's time limit"))];

/// The lengths a binade's inputs are cut into for an attempt: every tail of 8 and 16 lanes.
const PIECES: [usize; 10] = [1, 7, 8, 9, 15, 16, 17, 31, 33, 65];

const PER_BINADE: u32 = 1 << 13;

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let opts = Opts { isa: Some(isa), threads: 0 };
    let mut lines = vec![check("binades", false, || {
        let mut total: Option<SweepReport> = None;
        for binade in spec::binade_heads(PER_BINADE) {
            let report = math::exp_ulp_sweep(binade, &opts).expect("available ISA");
            total = Some(match total {
                None => report,
                Some(so_far) => merge(so_far, report),
            });
        }
        verdict(&total.expect("at least one binade"), "first 8192 inputs of all 512 binades")
    })];
    if config.exhaustive {
        lines.push(check("exhaustive", false, || {
            let report = math::exp_ulp_sweep(0..=u32::MAX, &opts).expect("available ISA");
            verdict(&report, "every f32 bit pattern")
        }));
    }
    lines
}

fn merge(a: SweepReport, b: SweepReport) -> SweepReport {
    let worse = if b.max_ulp > a.max_ulp { b } else { a };
    SweepReport {
        inputs: a.inputs + b.inputs,
        normal_results: a.normal_results + b.normal_results,
        special_failures: a.special_failures + b.special_failures,
        first_special_failure: a.first_special_failure.or(b.first_special_failure),
        ..worse
    }
}

fn verdict(report: &SweepReport, what: &str) -> Verdict {
    if let Some(x) = report.first_special_failure {
        return Err(failure(
            format!("{} inputs give the wrong class of result (inf, 0 or NaN)", report.special_failures),
            format!("first: x = {x:e} ({:#010x})", x.to_bits()),
        ));
    }
    let worst = format!(
        "x = {:e} ({:#010x}): got {:e}, exact {:e}",
        report.worst_input,
        report.worst_input.to_bits(),
        report.worst_output,
        report.worst_exact
    );
    if report.max_ulp > MAX_ULP {
        return Err(failure(format!("{:.3} ULP exceeds {MAX_ULP} ULP", report.max_ulp), worst));
    }
    Ok(format!("{what}: {} inputs, worst {:.3} ULP at {worst}", report.inputs, report.max_ulp))
}

/// The check `label` of an attempt: the same binades, cut into pieces of every tail length,
/// each output judged by `kernels::reference::exp::judge`.
pub(super) fn attempt_check(attempt: Plain, label: &str, _config: &KernelConfig) -> Option<Line> {
    if label != "binades" {
        return None;
    }
    Some(check(label, false, || {
        let (mut inputs, mut worst) = (0usize, (0.0f64, 0.0f32, 0.0f32));
        for binade in spec::binade_heads(PER_BINADE) {
            let x: Vec<f32> = binade.map(f32::from_bits).collect();
            // Every tail length once, then the rest of the binade in one piece.
            let mut start = 0usize;
            for len in PIECES.into_iter().chain([usize::MAX]) {
                let piece = &x[start..start.saturating_add(len).min(x.len())];
                trace::announce(|| {
                    format!("{} inputs from x = {:e} ({:#010x})", piece.len(), piece[0], piece[0].to_bits())
                });
                let mut y = vec![f32::NAN; piece.len()];
                attempt(piece, &mut y);
                for (&x, &y) in piece.iter().zip(&y) {
                    match spec::judge(x, y) {
                        Ok(ulp) if ulp > worst.0 => worst = (ulp, x, y),
                        Ok(_) => {}
                        Err(message) => {
                            return Err(failure(message, format!("x = {x:e} ({:#010x})", x.to_bits())));
                        }
                    }
                }
                inputs += piece.len();
                start += piece.len();
            }
        }
        let (ulp, x, y) = worst;
        Ok(format!(
            "first 8192 inputs of all 512 binades, in pieces of every tail length: {inputs} inputs, worst {ulp:.3} ULP \
             at x = {x:e} ({:#010x}): got {y:e}",
            x.to_bits()
        ))
    }))
}
