//! `matmul::gemm` on every ISA and on 1 and 2 threads against
//! `kernels::reference::matmul::gemm`: any m, k, n in 0..=70, each operand row- or
//! column-major, with a padded leading dimension, an inner stride of 1 to 3, stored transposed
//! and viewed through `t()`, or given a wild stride along a dimension of length 1; alpha and
//! beta including 0. Every slot outside the views holds NaN, as does all of C when beta = 0
//! (and A and B when alpha = 0, which the docs say are then not read), so a read of anything
//! the call must not read shows. One input in 32 is a problem of m * n * k >= 2^23, where a
//! second thread joins, checked against the reference on two bands of 4 rows. Results must be
//! bitwise the same for 1 and 2 threads, and shape mismatches must be errors that write nothing.

#![no_main]

use std::ops::Range;

use kernels::matmul::gemm;
use kernels::reference::matmul as reference;
use kernels::{Error, Isa, MatMut, MatRef, Opts};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded};
use libfuzzer_sys::fuzz_target;

/// The size from which gemm splits C over threads (README, "Benchmarks"): the big problems
/// are just past it.
const PARALLEL_MNK: usize = 1 << 23;

/// How a logical `rows x cols` operand sits in memory.
#[derive(Clone, Copy, Debug)]
struct Layout {
    /// Stored as its `cols x rows` transpose and viewed through `t()`.
    transposed: bool,
    /// The stored matrix's columns are its contiguous lines.
    col_major: bool,
    /// Distance between neighbours within a line (1 = contiguous).
    inner: usize,
    /// Slots between the end of a line and the start of the next (padded leading dimension).
    pad: usize,
    /// Slots before element (0, 0).
    front: usize,
    /// The stride along a dimension of length 1, which no element is reached through, set to
    /// this (0 and `usize::MAX` included): the kernels must not compute with it.
    unused: Option<usize>,
}

impl Layout {
    fn decode(u: &mut Unstructured<'_>, allow_unused: bool) -> Result<Self> {
        Ok(Layout {
            transposed: u.arbitrary()?,
            col_major: u.arbitrary()?,
            inner: *u.choose(&[1, 1, 2, 3])?,
            pad: *u.choose(&[0, 0, 1, 3, 16])?,
            front: u.int_in_range(0..=3)?,
            unused: if allow_unused && u.arbitrary()? {
                Some(*u.choose(&[0, 1, 7, 1 << 40, usize::MAX])?)
            } else {
                None
            },
        })
    }
}

/// An operand's storage: its view's elements, NaN everywhere else.
#[derive(Clone, Debug)]
struct Stored {
    data: Vec<f32>,
    rows: usize,
    cols: usize,
    layout: Layout,
    /// (row stride, col stride) of the logical view.
    strides: (usize, usize),
}

impl Stored {
    fn new(rows: usize, cols: usize, layout: Layout, mut value: impl FnMut() -> f32) -> Self {
        let mut s = Stored { data: Vec::new(), rows, cols, layout, strides: (0, 0) };
        let (rs, cs) = s.stored_strides();
        s.strides = if layout.transposed { (cs, rs) } else { (rs, cs) };
        let (rs, cs) = s.strides;
        let len = if rows == 0 || cols == 0 { 0 } else { (rows - 1) * rs + (cols - 1) * cs + 1 };
        s.data = vec![f32::NAN; layout.front + len + 2];
        for i in 0..rows {
            for j in 0..cols {
                let slot = s.offset(i, j);
                s.data[slot] = value();
            }
        }
        s
    }

    /// Dimensions of the matrix as stored (before `t()`).
    fn stored_dims(&self) -> (usize, usize) {
        if self.layout.transposed { (self.cols, self.rows) } else { (self.rows, self.cols) }
    }

    /// (row stride, col stride) of the matrix as stored.
    fn stored_strides(&self) -> (usize, usize) {
        let Layout { col_major, inner, pad, unused, .. } = self.layout;
        let (r, c) = self.stored_dims();
        let (mut rs, mut cs) = if col_major {
            (inner, r.saturating_sub(1) * inner + 1 + pad)
        } else {
            (c.saturating_sub(1) * inner + 1 + pad, inner)
        };
        if let Some(wild) = unused {
            if r == 1 {
                rs = wild;
            }
            if c == 1 {
                cs = wild;
            }
        }
        (rs, cs)
    }

    /// The slot of logical element (i, j).
    fn offset(&self, i: usize, j: usize) -> usize {
        let (rs, cs) = self.strides;
        // A wild stride belongs to a dimension of length 1, so it is only multiplied by 0.
        self.layout.front + i * rs + j * cs
    }

    fn get(&self, i: usize, j: usize) -> f32 {
        self.data[self.offset(i, j)]
    }

    fn view(&self) -> MatRef<'_> {
        let (r, c) = self.stored_dims();
        let (rs, cs) = self.stored_strides();
        let stored = MatRef::with_strides(&self.data[self.layout.front..], r, c, rs, cs)
            .expect("the harness builds valid views");
        if self.layout.transposed { stored.t() } else { stored }
    }

    fn view_mut(&mut self) -> MatMut<'_> {
        let (r, c) = self.stored_dims();
        let (rs, cs) = self.stored_strides();
        let stored = MatMut::with_strides(&mut self.data[self.layout.front..], r, c, rs, cs)
            .expect("the harness builds valid views");
        if self.layout.transposed { stored.t() } else { stored }
    }

    /// Slots that no element of the view maps to.
    fn padding(&self) -> Vec<usize> {
        let mut used = vec![false; self.data.len()];
        for i in 0..self.rows {
            for j in 0..self.cols {
                used[self.offset(i, j)] = true;
            }
        }
        (0..used.len()).filter(|&s| !used[s]).collect()
    }

    fn poisoned(&self) -> Stored {
        Stored { data: vec![f32::NAN; self.data.len()], ..self.clone() }
    }
}

/// alpha or beta: `first` (what an exhausted input gives), 0, 1 and other constants often,
/// any multiple of 2^-12 in [-8, 8) otherwise.
fn scalar(u: &mut Unstructured<'_>, first: f32) -> Result<f32> {
    Ok(match u.int_in_range(0u8..=8)? {
        0 => first,
        1 => 0.0,
        2 => 1.0,
        3 => -1.0,
        4 => 0.5,
        5 => 2.0,
        6 => -0.75,
        _ => f32::from(u.arbitrary::<i16>()?) / 4096.0,
    })
}

/// An element: mostly uniform in [-1, 1), else 0, a small integer, or of magnitude 2^-30 to
/// 2^31 (no product or sum of 70 of them leaves the normal f32 range).
fn element(src: &mut Source<'_>) -> f32 {
    let r = src.raw();
    match r & 7 {
        0 => 0.0,
        1 => ((r >> 3) % 9) as f32 - 4.0,
        2 => src.spread(-30, 30),
        _ => (r >> 8) as f32 / (1u32 << 23) as f32 - 1.0,
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let big = u.int_in_range(0u8..=31)? == 31;
    let (m, k, n) = if big {
        let (m, n) = (u.int_in_range(96..=256)?, u.int_in_range(96..=256)?);
        (m, PARALLEL_MNK.div_ceil(m * n) + u.int_in_range(0..=8)?, n)
    } else {
        (u.int_in_range(0..=70)?, u.int_in_range(0..=70)?, u.int_in_range(0..=70)?)
    };
    let (alpha, beta) = (scalar(&mut u, 1.0)?, scalar(&mut u, 0.0)?);
    let layouts =
        [Layout::decode(&mut u, !big)?, Layout::decode(&mut u, !big)?, Layout::decode(&mut u, !big)?];
    let poison_ab = alpha == 0.0 && u.arbitrary()?;
    let mismatch = u.int_in_range(0u8..=3)?;
    let mut src = Source::new(u)?;

    let a = Stored::new(m, k, layouts[0], || element(&mut src));
    let b = Stored::new(k, n, layouts[1], || element(&mut src));
    let c = if beta == 0.0 {
        Stored::new(m, n, layouts[2], || f32::NAN)
    } else {
        Stored::new(m, n, layouts[2], || element(&mut src))
    };
    // The rows of C checked against the reference: all of them, or two disjoint bands of 4
    // (the reference updates them in place, so a row in both would be updated twice).
    let bands = if big {
        let at = 4 + src.below(m - 7);
        [0..4, at..at + 4]
    } else {
        [0..m, 0..0]
    };
    let want = reference_bands(alpha, &a, &b, beta, &c, &bands);
    let expected = expectations((alpha, &a, &b), (beta, &c), &want, &bands);
    let (a_run, b_run) = if poison_ab { (a.poisoned(), b.poisoned()) } else { (a.clone(), b.clone()) };
    let padding = c.padding();
    let what = format!(
        "m={m} k={k} n={n} alpha={alpha} beta={beta} poisoned A, B: {poison_ab}; layouts a={:?} \
         b={:?} c={:?}",
        layouts[0], layouts[1], layouts[2]
    );

    for isa in isas() {
        let mut first: Option<Vec<u32>> = None;
        for threads in THREADS {
            let mut got = c.clone();
            let run = gemm(alpha, a_run.view(), b_run.view(), beta, got.view_mut(), &opts(isa, threads));
            assert_eq!(run, Ok(()), "{isa} threads={threads} {what}");
            let label = format!("{isa} threads={threads} {what}");
            for &(i, j, w, tol) in &expected {
                let g = got.get(i, j);
                let err = (f64::from(g) - f64::from(w)).abs();
                assert!(
                    err <= tol,
                    "{label}: c[{i}][{j}] = {g:e}, reference {w:e}, |err| {err:e} > tol {tol:e}"
                );
            }
            for &slot in &padding {
                assert_eq!(
                    got.data[slot].to_bits(),
                    c.data[slot].to_bits(),
                    "{label}: wrote slot {slot}, outside C's view"
                );
            }
            let got_bits = bits(&got.data);
            match &first {
                None => first = Some(got_bits),
                Some(one) => assert!(*one == got_bits, "{label}: differs from 1 thread"),
            }
        }
    }

    if mismatch != 0 && !big {
        check_mismatch(mismatch, m, k, n);
    }
    for isa in Isa::ALL.into_iter().filter(|isa| !isa.is_available()) {
        let r = gemm(alpha, a.view(), b.view(), beta, c.clone().view_mut(), &Opts::single(isa));
        assert!(matches!(r, Err(Error::IsaUnavailable { .. })), "{isa} is unavailable: {r:?}");
    }
    Ok(())
}

/// The reference result on C's rows in `bands` (elsewhere C as it was), computed on views of
/// those rows of A and C.
fn reference_bands(
    alpha: f32,
    a: &Stored,
    b: &Stored,
    beta: f32,
    c: &Stored,
    bands: &[Range<usize>],
) -> Stored {
    let mut want = c.clone();
    let ((ars, acs), (crs, ccs)) = (a.strides, c.strides);
    for rows in bands {
        let a_rows = MatRef::with_strides(&a.data[a.offset(rows.start, 0)..], rows.len(), a.cols, ars, acs)
            .expect("rows of a valid view");
        let at = want.offset(rows.start, 0);
        let c_rows = MatMut::with_strides(&mut want.data[at..], rows.len(), c.cols, crs, ccs)
            .expect("rows of a valid view");
        reference::gemm(alpha, a_rows, b.view(), beta, c_rows).expect("valid shapes");
    }
    want
}

/// For every element of C in `bands`: (i, j, reference value, allowed error), the bound of
/// `tests/matmul.rs`:
///
/// `|c - ref| <= (k + 4) * EPSILON * (|alpha| sum_p |a_ip b_pj| + |beta c0_ij|)`,
///
/// twice the worst-case error of a k-term f32 dot product (Higham, 3.1) plus the roundings of
/// the scaling, the addition of beta * C and the final store.
fn expectations(
    (alpha, a, b): (f32, &Stored, &Stored),
    (beta, c): (f32, &Stored),
    want: &Stored,
    bands: &[Range<usize>],
) -> Vec<(usize, usize, f32, f64)> {
    let (k, n) = (a.cols, c.cols);
    let mut out = Vec::new();
    for i in bands.iter().flat_map(|r| r.clone()) {
        for j in 0..n {
            let products: f64 =
                (0..k).map(|p| f64::from(a.get(i, p)).abs() * f64::from(b.get(p, j)).abs()).sum();
            let magnitude = products * f64::from(alpha).abs()
                + if beta == 0.0 { 0.0 } else { f64::from(beta * c.get(i, j)).abs() };
            let tol = (k + 4) as f64 * f64::from(f32::EPSILON) * magnitude + 1e-30;
            out.push((i, j, want.get(i, j), tol));
        }
    }
    out
}

/// One dimension off by one: an `Error::Shape` from every ISA and the reference, C untouched.
fn check_mismatch(which: u8, m: usize, k: usize, n: usize) {
    let (b_rows, c_rows, c_cols) = match which {
        1 => (k + 1, m, n),
        2 => (k, m + 1, n),
        _ => (k, m, n + 1),
    };
    let a = vec![1.0f32; m * k];
    let b = vec![1.0f32; b_rows * n];
    let c0 = vec![0.5f32; c_rows * c_cols];
    let views = || (MatRef::new(&a, m, k).expect("exact"), MatRef::new(&b, b_rows, n).expect("exact"));
    for isa in isas() {
        for threads in THREADS {
            let mut c = c0.clone();
            let (av, bv) = views();
            let r = gemm(
                1.0,
                av,
                bv,
                0.0,
                MatMut::new(&mut c, c_rows, c_cols).expect("exact"),
                &opts(isa, threads),
            );
            assert!(
                matches!(r, Err(Error::Shape { .. })),
                "{isa}: a {m}x{k}, b {b_rows}x{n}, c {c_rows}x{c_cols} must be a shape error: {r:?}"
            );
            assert!(bits(&c) == bits(&c0), "{isa}: a refused call wrote C");
        }
    }
    let mut c = c0.clone();
    let (av, bv) = views();
    let r = reference::gemm(1.0, av, bv, 0.0, MatMut::new(&mut c, c_rows, c_cols).expect("exact"));
    assert!(matches!(r, Err(Error::Shape { .. })), "reference: {r:?}");
}
