//! `harness run matmul`: the gemm checks of `kernels::reference::matmul::spec` (operands, the
//! bound `2 (k + 2) u (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)` and its derivation) on a quick
//! selection of its shapes and layouts, reported as the worst error against that bound. An
//! attempt (`c = a * b`, row-major) goes through the same shapes and the same bound.

use kernels::matmul::gemm;
use kernels::reference::matmul::spec::{
    self, ALPHA_BETA, ALPHA_BETA_SHAPES, BETA_ZERO_SHAPES, Case, Layout, Stored,
};
use kernels::{Isa, MatMut, MatRef, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::practice::trace;
use crate::report::Line;

/// An attempt: `matmul(a, b, c, m, k, n)`, row-major `c = a * b`.
pub type Plain = fn(&[f32], &[f32], &mut [f32], usize, usize, usize);

/// The checks of an attempt, with the reason for each that does not apply.
pub(super) const ATTEMPT_PLAN: [(&str, Option<&str>); 6] = [
    ("shapes", None),
    ("layouts", Some("row-major a, b and c only")),
    ("alpha, beta", Some("c = a * b: no alpha or beta")),
    ("beta = 0", None),
    ("threads", Some("one call, on the caller's thread")),
    ("errors", Some("no Result to report an error in")),
];

/// The shapes every check of the references and of an attempt starts from: every edge shape,
/// then the first six large ones, up to 600.
fn shapes() -> impl Iterator<Item = (usize, usize, usize)> {
    spec::edge_shapes().chain(spec::LARGE[..6].iter().copied())
}

/// The layouts crossed for A, B and C: 64 combinations, a release-build second.
const LAYOUTS: [Layout; 4] = [Layout::RowMajor, Layout::ColMajor, Layout::PaddedRows(5), Layout::Transposed];

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let seed = config.seed;
    let opts = Opts::single(isa);
    let compare = |case: &Case, alpha, beta, worst: &mut Worst| {
        case.compare(alpha, beta, &opts, |s| worst.see(|| case.describe(), s));
    };
    vec![
        check("shapes", true, || {
            let mut worst = Worst::default();
            let mut cases = 0;
            for (i, shape) in shapes().enumerate() {
                compare(&Case::random(shape, [Layout::RowMajor; 3], seed + i as u64), 1.0, 0.0, &mut worst);
                cases += 1;
            }
            worst.verdict(format!("{cases} shapes, m, k, n in 0..=65 and up to 600"))
        }),
        check("layouts", true, || {
            let mut worst = Worst::default();
            let mut cases = 0;
            for la in LAYOUTS {
                for lb in LAYOUTS {
                    for lc in LAYOUTS {
                        compare(
                            &Case::random((19, 23, 37), [la, lb, lc], seed + cases),
                            1.5,
                            -0.5,
                            &mut worst,
                        );
                        cases += 1;
                    }
                }
            }
            worst.verdict(format!("{cases} layouts of A, B, C: row/col-major, padded, transposed"))
        }),
        check("alpha, beta", true, || {
            let mut worst = Worst::default();
            for (i, &(alpha, beta)) in ALPHA_BETA.iter().enumerate() {
                for shape in ALPHA_BETA_SHAPES {
                    let layouts = [Layout::RowMajor, Layout::ColMajor, Layout::PaddedRows(5)];
                    compare(&Case::random(shape, layouts, seed + i as u64), alpha, beta, &mut worst);
                }
            }
            worst.verdict(format!("{} (alpha, beta) pairs, k = 0 included", ALPHA_BETA.len()))
        }),
        check("beta = 0", true, || {
            let mut worst = Worst::default();
            for (i, (m, k, n)) in BETA_ZERO_SHAPES.into_iter().enumerate() {
                let mut case = Case::random((m, k, n), [Layout::RowMajor; 3], seed + i as u64);
                case.c = Stored::new(m, n, Layout::RowMajor, f32::NAN, |_, _| f32::NAN);
                compare(&case, 1.0, 0.0, &mut worst);
            }
            worst.verdict("C full of NaN is never read".into())
        }),
        check("threads", true, || {
            // Large enough (m * n * k >= 2^23) for the kernel to use the second thread.
            let layouts = [Layout::RowMajor, Layout::ColMajor, Layout::PaddedRows(5)];
            let case = Case::random((130, 300, 300), layouts, seed);
            let one = case.run(1.0, 0.0, &opts);
            if one.bits_eq(&case.run(1.0, 0.0, &Opts { isa: Some(isa), threads: 2 })) {
                Ok("1 and 2 threads give bitwise equal C".into())
            } else {
                Err(failure("1 and 2 threads differ".into(), "130x300 * 300x300".into()))
            }
        }),
        check("errors", false, || {
            let (a, b) = (vec![0.0; 12], vec![0.0; 10]);
            let mut c = vec![0.0; 6];
            let err = gemm(
                1.0,
                MatRef::new(&a, 3, 4).unwrap(),
                MatRef::new(&b, 5, 2).unwrap(),
                0.0,
                MatMut::new(&mut c, 3, 2).unwrap(),
                &opts,
            )
            .map_err(|e| e.to_string());
            match err {
                Err(message) if message.contains("a is 3x4 but b is 5x2") => {
                    Ok("shape mismatch named".into())
                }
                other => Err(failure(format!("expected a shape error, got {other:?}"), "3x4 * 5x2".into())),
            }
        }),
    ]
}

/// The check `label` of an attempt.
pub(super) fn attempt_check(attempt: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    let seed = config.seed;
    // Runs the attempt on a row-major case, C starting as `c0` (NaN: never to be read), and
    // records every element of its C against the bound.
    let run = |case: &Case, worst: &mut Worst| {
        let (m, k, n) = case.shape();
        trace::announce(|| case.describe());
        let mut c = vec![f32::NAN; m * n];
        attempt(&case.a.data()[..m * k], &case.b.data()[..k * n], &mut c, m, k, n);
        case.samples(1.0, 0.0, |i, j| c[i * n + j], |s| worst.see(|| case.describe(), s));
    };
    Some(match label {
        "shapes" => check(label, true, || {
            let mut worst = Worst::default();
            let mut cases = 0;
            for (i, shape) in shapes().enumerate() {
                run(&Case::random(shape, [Layout::RowMajor; 3], seed + i as u64), &mut worst);
                cases += 1;
            }
            worst.verdict(format!("{cases} shapes, m, k, n in 0..=65 and up to 600"))
        }),
        "beta = 0" => check(label, true, || {
            let mut worst = Worst::default();
            for (i, shape) in BETA_ZERO_SHAPES.into_iter().enumerate() {
                run(&Case::random(shape, [Layout::RowMajor; 3], seed + i as u64), &mut worst);
            }
            worst.verdict("c full of NaN is overwritten, never read".into())
        }),
        _ => return None,
    })
}
