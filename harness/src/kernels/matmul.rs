//! `harness run matmul`: the gemm checks of `kernels::reference::matmul::spec` (operands, the
//! bound `2 (k + 2) u (|alpha| sum_p |a_ip b_pj| + |beta c_ij|)` and its derivation) on a quick
//! selection of its shapes and layouts, reported as the worst error against that bound.

use kernels::matmul::gemm;
use kernels::reference::matmul::spec::{
    self, ALPHA_BETA, ALPHA_BETA_SHAPES, BETA_ZERO_SHAPES, Case, Layout, Stored,
};
use kernels::{Isa, MatMut, MatRef, Opts};

use super::{KernelConfig, Worst, check, failure};
use crate::report::Line;

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
            // Every edge shape, then the first six large ones, up to 600.
            let shapes = spec::edge_shapes().chain(spec::LARGE[..6].iter().copied());
            let mut cases = 0;
            for (i, shape) in shapes.enumerate() {
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
