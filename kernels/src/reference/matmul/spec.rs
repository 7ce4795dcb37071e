//! What `matmul::gemm` must satisfy, written once for the tests, `harness run matmul` and the
//! fuzz targets: the shapes and layouts worth crossing, seeded operands, and the error bound
//! every element of C is held to against [`super::gemm`].

mod stored;

pub use stored::{LAYOUTS, Layout, Stored};

use crate::reference::{At, Rng, Sample, U};
use crate::{Opts, matmul};

/// Sizes at the microkernels' edges: empty, one, and either side of 16 and 32 (the register
/// tiles' multiples) and of 64.
pub const EDGES: [usize; 9] = [0, 1, 2, 15, 16, 17, 31, 33, 65];

/// `(m, k, n)` past the blocking sizes: 257 crosses the kernels' KC = 256 slice; the others are
/// tall, wide and skinny.
pub const LARGE: [(usize, usize, usize); 8] = [
    (257, 33, 17),
    (17, 257, 31),
    (33, 16, 257),
    (257, 257, 65),
    (1, 600, 257),
    (600, 3, 2),
    (2, 5, 700),
    (130, 520, 70),
];

/// Every `(m, k, n)` drawn from [`EDGES`].
pub fn edge_shapes() -> impl Iterator<Item = (usize, usize, usize)> {
    EDGES
        .into_iter()
        .flat_map(|m| EDGES.into_iter().flat_map(move |k| EDGES.into_iter().map(move |n| (m, k, n))))
}

/// `(alpha, beta)` pairs besides the plain product: negative, fractional, alpha = 0 (C is only
/// scaled) and both 0.
pub const ALPHA_BETA: [(f32, f32); 5] = [(1.0, 1.0), (-2.0, 0.5), (0.25, -3.0), (0.0, 2.0), (0.0, 0.0)];

/// The shapes each `(alpha, beta)` pair runs on, k = 0 included.
pub const ALPHA_BETA_SHAPES: [(usize, usize, usize); 3] = [(17, 33, 31), (33, 300, 16), (2, 0, 3)];

/// Shapes on which `beta = 0` must not read a C full of NaN: tails, k = 0 and the blocked path.
pub const BETA_ZERO_SHAPES: [(usize, usize, usize); 4] =
    [(17, 31, 33), (65, 2, 15), (3, 0, 4), (40, 300, 40)];

/// The allowed error of one element of `C <- alpha * A * B + beta * C0`:
///
/// `2 (k + 2) u (|alpha| sum_p |a_ip b_pj| + |beta c0_ij|) + f32::MIN_POSITIVE`, `u = 2^-24`.
///
/// A k-term dot product in f32 (with or without FMA) is within `gamma_k sum_p |a_ip b_pj|` of the
/// exact value, `gamma_k ~= k u` (Higham, Accuracy and Stability, 3.1); scaling by alpha, adding
/// beta c0 and the final rounding add two more `u`, and the reference itself is exact to half
/// an ULP. Twice that never flags a correct kernel, yet a single missing or doubled product
/// moves the result by about `1 / k` of the magnitude sum and fails. The last term covers an
/// exactly zero sum. `abs_products` is `sum_p |a_ip b_pj|`.
pub fn bound(k: usize, alpha: f32, beta: f32, abs_products: f64, c0: f32) -> f64 {
    let old = if beta == 0.0 { 0.0 } else { f64::from(beta).abs() * f64::from(c0).abs() };
    2.0 * (k as f64 + 2.0) * U * (f64::from(alpha).abs() * abs_products + old) + f64::from(f32::MIN_POSITIVE)
}

/// One gemm problem: A, B and the initial C.
#[derive(Clone, Debug)]
pub struct Case {
    pub a: Stored,
    pub b: Stored,
    pub c: Stored,
}

impl Case {
    /// Random operands of shape `(m, k, n)` under the given layouts of A, B and C, each from
    /// its own stream (`3 seed`, `3 seed + 1`, `3 seed + 2`).
    pub fn random((m, k, n): (usize, usize, usize), [la, lb, lc]: [Layout; 3], seed: u64) -> Self {
        let rng = |i| Rng::new(seed.wrapping_mul(3).wrapping_add(i));
        Case {
            a: Stored::random(m, k, la, &mut rng(0)),
            b: Stored::random(k, n, lb, &mut rng(1)),
            c: Stored::random(m, n, lc, &mut rng(2)),
        }
    }

    /// `(m, k, n)`.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.a.rows(), self.a.cols(), self.b.cols())
    }

    /// "A 19x23 RowMajor, B 23x37 ColMajor, C Spread".
    pub fn describe(&self) -> String {
        let (a, b, c) = (&self.a, &self.b, &self.c);
        let (la, lb, lc) = (a.layout(), b.layout(), c.layout());
        format!("A {}x{} {la:?}, B {}x{} {lb:?}, C {lc:?}", a.rows(), a.cols(), b.rows(), b.cols())
    }

    /// C after the kernel ran on `opts`; panics if it refuses the (valid) case.
    pub fn run(&self, alpha: f32, beta: f32, opts: &Opts) -> Stored {
        let mut c = self.c.clone();
        matmul::gemm(alpha, self.a.view(), self.b.view(), beta, c.view_mut(), opts).expect("a valid case");
        c
    }

    /// Runs the kernel and the reference and hands every element of C, with its [`bound`], to
    /// `sink`; returns the kernel's C.
    pub fn compare(&self, alpha: f32, beta: f32, opts: &Opts, sink: impl FnMut(Sample)) -> Stored {
        let got = self.run(alpha, beta, opts);
        self.samples(alpha, beta, |i, j| got.get(i, j), sink);
        got
    }

    /// Hands every element of a C computed elsewhere (`got(i, j)`: a learner's attempt, say),
    /// against the reference and with its [`bound`], to `sink`.
    pub fn samples(
        &self,
        alpha: f32,
        beta: f32,
        got: impl Fn(usize, usize) -> f32,
        mut sink: impl FnMut(Sample),
    ) {
        let mut want = self.c.clone();
        super::gemm(alpha, self.a.view(), self.b.view(), beta, want.view_mut()).expect("a valid case");
        let (m, k, n) = self.shape();
        for i in 0..m {
            for j in 0..n {
                let abs_products: f64 = (0..k)
                    .map(|p| f64::from(self.a.get(i, p)).abs() * f64::from(self.b.get(p, j)).abs())
                    .sum();
                sink(Sample {
                    what: "C",
                    at: At::Cell(i, j),
                    got: got(i, j),
                    want: f64::from(want.get(i, j)),
                    bound: bound(k, alpha, beta, abs_products, self.c.get(i, j)),
                });
            }
        }
    }
}
