//! Accuracy checks for `kernels::math::exp` against f64 `exp`, through the kernel's own sweep:
//! the first 2^13 bit patterns of every binade of both signs, or (`--exhaustive`) all 2^32.
//! Bound (`kernels::reference::exp`): `MAX_ULP` = 2 wherever the exact result is a normal f32,
//! and the right class elsewhere (inf on overflow, 0 or subnormal on underflow, NaN for NaN).

use kernels::math::{self, SweepReport};
use kernels::reference::exp::{self as spec, MAX_ULP};
use kernels::{Isa, Opts};

use super::{KernelConfig, Verdict, check, failure};
use crate::report::Line;

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
