//! Agreement checks for `kernels::matmul::gemm` against the f64 reference.
//!
//! Bound per element: |c - exact| <= 2 (k + 2) u (|alpha| sum_p |a_ip b_pj| + |beta c_ij|),
//! the classical dot-product error bound (k roundings of the sum, one each for alpha and beta,
//! each at most u = 2^-24 relative), doubled for slack; the reference itself is exact to half
//! an ULP.

use kernels::matmul::gemm;
use kernels::reference::{self, random_f32};
use kernels::{Isa, MatMut, MatRef, Opts};

use super::{KernelConfig, U, Worst, check, failure};
use crate::report::Line;

const EDGES: [usize; 9] = [0, 1, 2, 15, 16, 17, 31, 33, 65];
const LARGE: [(usize, usize, usize); 6] =
    [(257, 33, 17), (17, 257, 31), (33, 16, 257), (257, 257, 65), (1, 600, 257), (600, 3, 2)];

/// How a matrix is laid out in its buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    RowMajor,
    ColMajor,
    /// Row-major with 5 unused elements after each row.
    Padded,
    /// The transposed view of a row-major matrix of the transposed shape.
    Transposed,
}

const LAYOUTS: [Layout; 4] = [Layout::RowMajor, Layout::ColMajor, Layout::Padded, Layout::Transposed];

/// A matrix stored in a buffer under some layout.
#[derive(Clone, Debug)]
struct Stored {
    data: Vec<f32>,
    rows: usize,
    cols: usize,
    layout: Layout,
}

impl Stored {
    fn random(rows: usize, cols: usize, layout: Layout, seed: u64) -> Self {
        let len = Self::buffer_len(rows, cols, layout);
        Stored { data: random_f32(len, -1.0, 1.0, seed), rows, cols, layout }
    }

    fn filled(rows: usize, cols: usize, layout: Layout, value: f32) -> Self {
        Stored { data: vec![value; Self::buffer_len(rows, cols, layout)], rows, cols, layout }
    }

    fn buffer_len(rows: usize, cols: usize, layout: Layout) -> usize {
        match layout {
            Layout::Padded => rows * (cols + 5),
            _ => rows * cols,
        }
    }

    fn strides(&self) -> (usize, usize) {
        match self.layout {
            Layout::RowMajor => (self.cols, 1),
            Layout::ColMajor | Layout::Transposed => (1, self.rows),
            Layout::Padded => (self.cols + 5, 1),
        }
    }

    fn view(&self) -> MatRef<'_> {
        if self.layout == Layout::Transposed {
            return MatRef::new(&self.data, self.cols, self.rows).expect("exact length").t();
        }
        let (rs, cs) = self.strides();
        MatRef::with_strides(&self.data, self.rows, self.cols, rs, cs).expect("in bounds")
    }

    fn view_mut(&mut self) -> MatMut<'_> {
        let (rows, cols) = (self.rows, self.cols);
        if self.layout == Layout::Transposed {
            return MatMut::new(&mut self.data, cols, rows).expect("exact length").t();
        }
        let (rs, cs) = self.strides();
        MatMut::with_strides(&mut self.data, rows, cols, rs, cs).expect("in bounds, no aliasing")
    }

    fn abs(&self) -> Stored {
        Stored { data: self.data.iter().map(|v| v.abs()).collect(), ..self.clone() }
    }
}

pub(super) fn checks(isa: Isa, config: &KernelConfig) -> Vec<Line> {
    let seed = config.seed;
    let opts = Opts::single(isa);
    vec![
        check("shapes", true, || {
            let mut worst = Worst::default();
            let mut cases = 0;
            for (i, (m, k, n)) in sweep().enumerate() {
                let case = Case::new((m, k, n), [Layout::RowMajor; 3], seed + i as u64);
                case.compare(&opts, 1.0, 0.0, &mut worst);
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
                        Case::new((19, 23, 37), [la, lb, lc], seed + cases)
                            .compare(&opts, 1.5, -0.5, &mut worst);
                        cases += 1;
                    }
                }
            }
            worst.verdict(format!("{cases} layouts of A, B, C: row/col-major, padded, transposed"))
        }),
        check("alpha, beta", true, || {
            let mut worst = Worst::default();
            let pairs = [(1.0, 1.0), (-2.0, 0.5), (0.25, -3.0), (0.0, 2.0), (0.0, 0.0)];
            for (i, &(alpha, beta)) in pairs.iter().enumerate() {
                for shape in [(17, 33, 31), (33, 300, 16), (2, 0, 3)] {
                    let layouts = [Layout::RowMajor, Layout::ColMajor, Layout::Padded];
                    Case::new(shape, layouts, seed + i as u64).compare(&opts, alpha, beta, &mut worst);
                }
            }
            worst.verdict(format!("{} (alpha, beta) pairs, k = 0 included", pairs.len()))
        }),
        check("beta = 0", true, || {
            let mut worst = Worst::default();
            for (i, shape) in [(17, 31, 33), (65, 2, 15), (40, 300, 40)].into_iter().enumerate() {
                let mut case = Case::new(shape, [Layout::RowMajor; 3], seed + i as u64);
                case.c = Stored::filled(shape.0, shape.2, Layout::RowMajor, f32::NAN);
                case.compare(&opts, 1.0, 0.0, &mut worst);
            }
            worst.verdict("C full of NaN is never read".into())
        }),
        check("threads", true, || {
            // Large enough (m * n * k >= 2^23) for the kernel to use the second thread.
            let case = Case::new((130, 300, 300), [Layout::RowMajor, Layout::ColMajor, Layout::Padded], seed);
            let one = case.run(&opts, 1.0, 0.0);
            let two = case.run(&Opts { isa: Some(isa), threads: 2 }, 1.0, 0.0);
            if one.data.iter().zip(&two.data).all(|(a, b)| a.to_bits() == b.to_bits()) {
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

/// Every combination of the edge sizes, then the large, tall and skinny shapes.
fn sweep() -> impl Iterator<Item = (usize, usize, usize)> {
    let edges =
        EDGES.iter().flat_map(|&m| EDGES.iter().flat_map(move |&k| EDGES.iter().map(move |&n| (m, k, n))));
    edges.chain(LARGE)
}

/// One gemm problem: A, B and the initial C.
struct Case {
    a: Stored,
    b: Stored,
    c: Stored,
}

impl Case {
    fn new((m, k, n): (usize, usize, usize), [la, lb, lc]: [Layout; 3], seed: u64) -> Self {
        Case {
            a: Stored::random(m, k, la, seed * 3),
            b: Stored::random(k, n, lb, seed * 3 + 1),
            c: Stored::random(m, n, lc, seed * 3 + 2),
        }
    }

    fn describe(&self) -> String {
        let (a, b, c) = (&self.a, &self.b, &self.c);
        format!(
            "A {}x{} {:?}, B {}x{} {:?}, C {:?}",
            a.rows, a.cols, a.layout, b.rows, b.cols, b.layout, c.layout
        )
    }

    fn run(&self, opts: &Opts, alpha: f32, beta: f32) -> Stored {
        let mut c = self.c.clone();
        gemm(alpha, self.a.view(), self.b.view(), beta, c.view_mut(), opts).expect("valid shapes");
        c
    }

    /// Runs the kernel and the reference and records every element's error against its bound.
    fn compare(&self, opts: &Opts, alpha: f32, beta: f32, worst: &mut Worst) {
        let got = self.run(opts, alpha, beta);
        let mut want = self.c.clone();
        reference::matmul::gemm(alpha, self.a.view(), self.b.view(), beta, want.view_mut())
            .expect("valid shapes");
        // sum_p |a_ip b_pj| for the bound.
        let mut magnitude = Stored::filled(self.c.rows, self.c.cols, self.c.layout, 0.0);
        reference::matmul::matmul(self.a.abs().view(), self.b.abs().view(), magnitude.view_mut())
            .expect("valid");
        let k = self.a.cols as f64;
        let (got_v, want_v, mag_v, old_v) = (got.view(), want.view(), magnitude.view(), self.c.view());
        for i in 0..self.c.rows {
            for j in 0..self.c.cols {
                let old =
                    if beta == 0.0 { 0.0 } else { f64::from(beta * old_v.get(i, j).unwrap_or(0.0)).abs() };
                let scale = f64::from(alpha.abs()) * f64::from(mag_v.get(i, j).unwrap_or(0.0)) + old;
                let bound = 2.0 * (k + 2.0) * U * scale + f64::from(f32::MIN_POSITIVE);
                let got = got_v.get(i, j).unwrap_or(f32::NAN);
                let want = f64::from(want_v.get(i, j).unwrap_or(f32::NAN));
                worst.see(|| self.describe(), || format!("C[{i}][{j}]"), got, want, bound);
            }
        }
    }
}
