//! `kernels::matmul::gemm` on every ISA against the f64 reference, through the shared
//! description in `kernels::reference::matmul::spec` (layouts, shapes, bound): shape sweeps
//! across the microkernel edges, every stride layout, alpha/beta, NaN in C, threads,
//! properties and errors.

mod common;

use common::assert_within;
use kernels::matmul::{gemm, matmul};
use kernels::reference::Rng;
use kernels::reference::matmul::spec::{
    self, ALPHA_BETA, ALPHA_BETA_SHAPES, BETA_ZERO_SHAPES, Case, LARGE, LAYOUTS, Layout, Stored,
};
use kernels::{Error, Isa, MatMut, MatRef, Opts};
use proptest::prelude::*;

/// Runs `gemm` on `isa` and checks every element against the reference within
/// [`spec::bound`], and that no slot outside C's view was written.
fn check_gemm(isa: Isa, threads: usize, alpha: f32, case: &Case, beta: f32) {
    let context = format!("{isa} {:?} {} alpha={alpha} beta={beta}", case.shape(), case.describe());
    let got = case.compare(alpha, beta, &Opts { isa: Some(isa), threads }, assert_within(&context));
    assert_eq!(case.c.changed_padding(&got), None, "{context}: wrote a padding slot");
}

fn case(isa: Isa, (m, k, n): (usize, usize, usize), layouts: [Layout; 3], alpha: f32, beta: f32, seed: u64) {
    let case = Case::random((m, k, n), layouts, seed ^ (m * 1_000_003 + k * 1009 + n) as u64);
    check_gemm(isa, 1, alpha, &case, beta);
}

fn shape_sweep(isa: Isa) {
    for shape in spec::edge_shapes() {
        case(isa, shape, [Layout::RowMajor; 3], 1.0, 0.0, 1);
    }
}

fn large_shapes(isa: Isa) {
    for shape in LARGE {
        case(isa, shape, [Layout::RowMajor; 3], 1.0, 0.5, 2);
    }
}

fn layouts(isa: Isa) {
    for la in LAYOUTS {
        for lb in LAYOUTS {
            for lc in LAYOUTS {
                case(isa, (19, 23, 37), [la, lb, lc], 1.5, -0.5, 3);
            }
        }
    }
    for lc in LAYOUTS {
        case(isa, (40, 7, 1), [Layout::RowMajor, Layout::ColMajor, lc], 1.0, 1.0, 4);
        case(isa, (1, 9, 40), [Layout::Spread, Layout::RowMajor, lc], 1.0, 1.0, 4);
    }
}

/// Problems past the no-copy threshold (m * k + k * n > 32K floats) go through the blocked
/// path, which copies A and packs B: every operand layout there, including a row-major A
/// whose leading dimension is a multiple of 4 KiB (the case that copies A row by row).
fn blocked_layouts(isa: Isa) {
    let shape = (40, 300, 100);
    for la in LAYOUTS.into_iter().chain([Layout::PaddedRows(1024 - 300)]) {
        for lb in LAYOUTS {
            case(isa, shape, [la, lb, Layout::RowMajor], 1.0, 0.5, 8);
        }
    }
    for lc in LAYOUTS {
        case(isa, (70, 260, 90), [Layout::RowMajor, Layout::RowMajor, lc], -1.0, 2.0, 9);
    }
}

fn alpha_beta(isa: Isa) {
    for (alpha, beta) in [(1.0, 0.0)].into_iter().chain(ALPHA_BETA) {
        for shape in ALPHA_BETA_SHAPES {
            case(isa, shape, [Layout::RowMajor, Layout::ColMajor, Layout::PaddedRows(1)], alpha, beta, 5);
        }
    }
}

/// beta == 0 must not read C: NaN there (and in its padding) must not reach the result.
fn beta_zero_ignores_nan(isa: Isa) {
    let mut rng = Rng::new(6);
    for (m, k, n) in BETA_ZERO_SHAPES {
        for lc in [Layout::RowMajor, Layout::ColMajor, Layout::Spread] {
            let a = Stored::random(m, k, Layout::RowMajor, &mut rng);
            let b = Stored::random(k, n, Layout::RowMajor, &mut rng);
            let case = Case { a, b, c: Stored::new(m, n, lc, f32::NAN, |_, _| f32::NAN) };
            for alpha in [1.0, 0.0] {
                check_gemm(isa, 1, alpha, &case, 0.0);
                let got = case.run(alpha, 0.0, &Opts::single(isa));
                for i in 0..m {
                    for j in 0..n {
                        assert!(got.get(i, j).is_finite(), "{isa} {m}x{k}x{n}: NaN leaked at ({i},{j})");
                    }
                }
            }
        }
    }
}

/// Threads split C, never k: the result is bitwise the same for any thread count. Every shape
/// is above the size (m * n * k >= 2^23) from which a second thread is used; the last one is
/// small enough in k to take the no-copy path.
fn threads_bitwise(isa: Isa) {
    let mut rng = Rng::new(7);
    for ((m, k, n), lc) in [
        ((300, 300, 130), Layout::RowMajor),
        ((257, 257, 257), Layout::RowMajor),
        ((130, 300, 300), Layout::ColMajor),
        ((120, 300, 300), Layout::Spread),
        ((1500, 4, 1500), Layout::RowMajor),
    ] {
        let a = Stored::random(m, k, Layout::RowMajor, &mut rng);
        let b = Stored::random(k, n, Layout::PaddedCols(2), &mut rng);
        let case = Case { a, b, c: Stored::random(m, n, lc, &mut rng) };
        let run = |threads| case.run(0.75, 0.5, &Opts { isa: Some(isa), threads });
        let one = run(1);
        assert!(one.bits_eq(&run(2)), "{isa} {m}x{k}x{n}: 1 vs 2 threads");
        assert!(one.bits_eq(&run(3)), "{isa} {m}x{k}x{n}: 1 vs 3 threads");
        check_gemm(isa, 2, 0.75, &case, 0.5);
    }
}

fn layout_strategy() -> impl Strategy<Value = Layout> {
    prop_oneof![
        Just(Layout::RowMajor),
        Just(Layout::ColMajor),
        (0usize..4).prop_map(Layout::PaddedRows),
        (0usize..4).prop_map(Layout::PaddedCols),
        Just(Layout::Transposed),
        Just(Layout::Spread),
    ]
}

/// Random shapes and layouts against the reference, shrinking to a minimal failing case.
fn proptest_against_reference(isa: Isa) {
    // A fixed seed keeps every run on the same cases, so a failure replays exactly.
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5EED_6E33),
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        m in 0usize..40, k in 0usize..40, n in 0usize..70,
        la in layout_strategy(), lb in layout_strategy(), lc in layout_strategy(),
        alpha in prop_oneof![Just(1.0f32), -2.0f32..2.0],
        beta in prop_oneof![Just(0.0f32), Just(1.0f32), -2.0f32..2.0],
        threads in 1usize..3,
        seed in any::<u64>(),
    )| {
        check_gemm(isa, threads, alpha, &Case::random((m, k, n), [la, lb, lc], seed), beta);
    });
}

/// Laws: (A B)^T = B^T A^T computed through transposed views (each side within the bound of
/// the exact product, so within twice it of each other), and scaling alpha by 2 scales the
/// product exactly (powers of two commute with rounding).
fn quickcheck_laws(isa: Isa) {
    fn law(isa: Isa, m: u8, k: u8, n: u8, seed: u64) -> bool {
        let (m, k, n) = (usize::from(m % 40), usize::from(k % 40), usize::from(n % 40));
        let Case { a, b, .. } = Case::random((m, k, n), [Layout::RowMajor; 3], seed);
        let opts = Opts::single(isa);
        let mut ab = vec![0.0f32; m * n];
        matmul(a.view(), b.view(), MatMut::new(&mut ab, m, n).unwrap(), &opts).unwrap();
        // C^T (n x m, row-major) = B^T A^T, both operands as transposed views.
        let mut bt_at = vec![0.0f32; n * m];
        matmul(b.view().t(), a.view().t(), MatMut::new(&mut bt_at, n, m).unwrap(), &opts).unwrap();
        let transposed_ok = (0..m).all(|i| {
            (0..n).all(|j| {
                let abs: f64 = (0..k).map(|p| f64::from(a.get(i, p) * b.get(p, j)).abs()).sum();
                let diff = f64::from(ab[i * n + j] - bt_at[j * m + i]).abs();
                diff <= 2.0 * spec::bound(k, 1.0, 0.0, abs, 0.0)
            })
        });
        let mut twice = vec![0.0f32; m * n];
        gemm(2.0, a.view(), b.view(), 0.0, MatMut::new(&mut twice, m, n).unwrap(), &opts).unwrap();
        let linear = ab.iter().zip(&twice).all(|(x, y)| (2.0 * x).to_bits() == y.to_bits());
        transposed_ok && linear
    }
    // quickcheck takes fn pointers, so each ISA gets its own non-capturing closure.
    let prop: fn(u8, u8, u8, u64) -> bool = match isa {
        Isa::Scalar => |m, k, n, seed| law(Isa::Scalar, m, k, n, seed),
        Isa::Avx2 => |m, k, n, seed| law(Isa::Avx2, m, k, n, seed),
        Isa::Avx512 => |m, k, n, seed| law(Isa::Avx512, m, k, n, seed),
    };
    quickcheck::QuickCheck::new().tests(40).quickcheck(prop);
}

/// With k = 1, A's column stride and B's row stride never move to a second element, so a view
/// may carry any value there, even usize::MAX: the kernels must not do arithmetic on it that
/// overflows (a panic in debug builds).
fn unused_strides_may_be_huge(isa: Isa) {
    let (m, n) = (25, 70);
    let a_data: Vec<f32> = (0..m).map(|i| i as f32).collect();
    let b_data: Vec<f32> = (0..n).map(|j| 1.0 + j as f32).collect();
    let a = MatRef::with_strides(&a_data, m, 1, 1, usize::MAX).unwrap();
    let b = MatRef::with_strides(&b_data, 1, n, usize::MAX, 1).unwrap();
    let mut c = vec![0.0; m * n];
    matmul(a, b, MatMut::new(&mut c, m, n).unwrap(), &Opts::single(isa)).unwrap();
    for (i, row) in c.chunks(n).enumerate() {
        for (j, &x) in row.iter().enumerate() {
            assert_eq!(x, i as f32 * (1.0 + j as f32), "{isa} ({i}, {j})");
        }
    }
}

/// A one-row A may carry any row stride, even usize::MAX, and the packed path (B not
/// row-major) must not form a byte count from it: found by the gemm fuzz target.
fn unused_row_stride_on_the_packed_path(isa: Isa) {
    let a = MatRef::with_strides(&[1.0, 2.0], 1, 2, usize::MAX, 1).unwrap();
    let b = MatRef::with_strides(&[1.0, 2.0, 3.0, 4.0], 2, 2, 1, 2).unwrap();
    let mut c = [0.0; 2];
    matmul(a, b, MatMut::new(&mut c, 1, 2).unwrap(), &Opts::single(isa)).unwrap();
    assert_eq!(c, [5.0, 11.0], "{isa}");
}

/// beta * C is added after the products, as in the reference: 3e38 + (3e38 - 3e38) is 3e38,
/// where starting the sum from C would overflow to inf.
fn c_is_added_after_the_products(isa: Isa) {
    let (m, n) = (24, 64);
    let a = vec![1.0; m * 2];
    let b: Vec<f32> = (0..2 * n).map(|i| if i < n { 3e38 } else { -3e38 }).collect();
    let mut c = vec![3e38; m * n];
    let views = (MatRef::new(&a, m, 2).unwrap(), MatRef::new(&b, 2, n).unwrap());
    gemm(1.0, views.0, views.1, 1.0, MatMut::new(&mut c, m, n).unwrap(), &Opts::single(isa)).unwrap();
    assert!(c.iter().all(|&x| x == 3e38), "{isa}: {:?}", c.iter().find(|&&x| x != 3e38));
}

test_each_isa!(
    c_is_added_after_the_products,
    unused_strides_may_be_huge,
    unused_row_stride_on_the_packed_path,
    shape_sweep,
    large_shapes,
    layouts,
    blocked_layouts,
    alpha_beta,
    beta_zero_ignores_nan,
    threads_bitwise,
    proptest_against_reference,
    quickcheck_laws,
);

#[test]
fn shape_errors_name_both_shapes() {
    let a = vec![0.0; 12];
    // a is 3x4; b and c as given. An error must leave C untouched.
    let refused = |(br, bc): (usize, usize), (cr, cc): (usize, usize)| {
        let (b, mut c) = (vec![0.0; br * bc], vec![f32::NAN; cr * cc]);
        let views = (MatRef::new(&a, 3, 4).unwrap(), MatRef::new(&b, br, bc).unwrap());
        let err =
            matmul(views.0, views.1, MatMut::new(&mut c, cr, cc).unwrap(), &Opts::default()).unwrap_err();
        assert!(c.iter().all(|x| x.is_nan()), "an error must leave C untouched");
        err
    };
    let err = refused((5, 2), (3, 2));
    assert!(matches!(err, Error::Shape { op: "matmul", .. }));
    assert_eq!(err.to_string(), "matmul: a is 3x4 but b is 5x2 (a.cols must equal b.rows)");
    let err = refused((4, 2), (2, 3));
    assert_eq!(err.to_string(), "matmul: a is 3x4 and b is 4x2, so c must be 3x2, but c is 2x3");
}

#[test]
fn view_errors_name_the_argument_and_shape() {
    let data = vec![0.0f32; 11];
    let err = MatRef::new(&data, 3, 4).unwrap_err();
    assert!(matches!(err, Error::Len { .. }));
    assert!(err.to_string().contains("3x4") && err.to_string().contains("has 11"), "{err}");
    let err = MatRef::with_strides(&data, 3, 4, 4, 1).unwrap_err();
    assert!(
        err.to_string().contains(
            "MatRef::with_strides: a 3x4 view with strides (4, 1) needs 12 elements, but data has 11"
        ),
        "{err}"
    );
    let mut data = vec![0.0f32; 16];
    let err = MatMut::with_strides(&mut data, 4, 4, 1, 1).unwrap_err();
    assert!(matches!(err, Error::Aliasing { .. }));
    assert!(err.to_string().contains("4x4 view with strides (1, 1)"), "{err}");
    assert!(MatMut::with_strides(&mut data, 4, 4, 0, 1).is_err());
    assert!(MatMut::with_strides(&mut data, 1, 16, 0, 1).is_ok());
}

#[test]
fn unavailable_isa_is_an_error() {
    let (a, b, mut c) = (vec![1.0; 4], vec![1.0; 4], vec![0.0; 4]);
    for isa in Isa::ALL {
        let result = matmul(
            MatRef::new(&a, 2, 2).unwrap(),
            MatRef::new(&b, 2, 2).unwrap(),
            MatMut::new(&mut c, 2, 2).unwrap(),
            &Opts::single(isa),
        );
        if isa.is_available() {
            assert_eq!(result, Ok(()));
        } else {
            let err = result.unwrap_err();
            assert_eq!(err, Error::IsaUnavailable { op: "matmul", isa });
            assert!(err.to_string().contains("cannot run"), "{err}");
        }
    }
    let err = Error::IsaUnavailable { op: "matmul", isa: Isa::Avx512 }.to_string();
    let missing = Isa::Avx512.missing_features();
    let named = if missing.is_empty() {
        "needs avx512f+avx512dq+avx2+fma".to_string()
    } else {
        format!("lacks {}", missing.join("+"))
    };
    assert!(
        err.starts_with(&format!("matmul: this CPU cannot run avx512 (it {named}); available: scalar")),
        "{err}"
    );
}
