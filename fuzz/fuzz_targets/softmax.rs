//! The softmax family on every ISA and on 1 and 2 threads against
//! `kernels::reference::softmax`: softmax and log_softmax (out of place and in place, which
//! must agree bitwise) and both backward passes, on up to 6 rows of 1 to 80 columns, each row
//! plain, offset by up to 3e38, partly or wholly -inf, holding a NaN or +inf, extreme or of
//! mixed magnitudes, within the bounds of `tests/softmax.rs`. A NaN row is NaN everywhere and
//! the other rows are bitwise what they are without it. One input in 32 has 2^15 elements or
//! more, where the rows are split over threads. Outputs start at any alignment with guard
//! slots around them; results must be bitwise the same for 1 and 2 threads; lengths that do not
//! make whole rows must be errors that write nothing.

#![no_main]

use kernels::reference::softmax as oracle;
use kernels::reference::softmax::spec::{
    log_softmax_backward_bound, log_softmax_backward_units, log_softmax_bound, row_extent,
    softmax_backward_bound, softmax_backward_units, softmax_bound,
};
use kernels::softmax::{
    log_softmax, log_softmax_backward, log_softmax_in_place, softmax, softmax_backward, softmax_in_place,
};
use kernels::{Error, Isa, Opts};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded};
use libfuzzer_sys::fuzz_target;

/// The size from which the softmax family splits rows over threads: big inputs are just past it.
const PARALLEL_ELEMENTS: usize = 1 << 15;

/// What the guard slots around every buffer hold.
const GUARD: f32 = -7.0;
/// Guard slots after every buffer.
const TAIL: usize = 9;

/// How one row's logits are made.
#[derive(Clone, Copy, Debug)]
enum Row {
    /// Uniform in [-8, 8), like the tests' random rows.
    Plain,
    /// `center + half * [-1, 1)`: large offsets and spreads.
    Offset(f32, f32),
    /// Each element -inf with probability `p / 8`, the others plain.
    Masked(usize),
    /// Every element -inf.
    Dead,
    /// Plain, with one NaN.
    Nan,
    /// Plain, with one +inf (a NaN row for the reference).
    PosInf,
    /// From +-f32::MAX, +-1e30, 0 and plain values.
    Extremes,
    /// Magnitudes from 2^-20 to 2^21, either sign.
    Spread,
}

impl Row {
    fn decode(u: &mut Unstructured<'_>) -> Result<Self> {
        const OFFSETS: [(f32, f32); 6] =
            [(1e4, 10.0), (-1e4, 10.0), (0.0, 1e4), (0.0, 3e38), (1e30, 1e25), (-3e38, 1e30)];
        Ok(match u.int_in_range(0u8..=10)? {
            0..=2 => Row::Plain,
            3 => {
                let (center, half) = *u.choose(&OFFSETS)?;
                Row::Offset(center, half)
            }
            4 => Row::Masked(u.int_in_range(1..=7)?),
            5 => Row::Dead,
            6 => Row::Nan,
            7 => Row::PosInf,
            8 => Row::Extremes,
            _ => Row::Spread,
        })
    }

    fn values(self, src: &mut Source<'_>, cols: usize) -> Vec<f32> {
        let plain = |s: &mut Source<'_>| s.uniform(-8.0, 8.0);
        let mut row = match self {
            Row::Plain | Row::Nan | Row::PosInf => src.vec(cols, plain),
            Row::Offset(center, half) => src.vec(cols, |s| center + half * s.unit()),
            Row::Masked(p) => src.vec(cols, |s| if s.below(8) < p { f32::NEG_INFINITY } else { plain(s) }),
            Row::Dead => vec![f32::NEG_INFINITY; cols],
            Row::Extremes => src.vec(cols, |s| match s.below(6) {
                0 => f32::MAX,
                1 => -f32::MAX,
                2 => 1e30,
                3 => -1e30,
                4 => 0.0,
                _ => plain(s),
            }),
            Row::Spread => src.vec(cols, |s| s.spread(-20, 20)),
        };
        match self {
            Row::Nan => row[src.below(cols)] = f32::NAN,
            Row::PosInf => row[src.below(cols)] = f32::INFINITY,
            _ => {}
        }
        row
    }
}

/// A buffer whose `len` elements start at `front` and are surrounded by guard slots.
struct Guarded {
    data: Vec<f32>,
    front: usize,
    len: usize,
}

impl Guarded {
    fn new(front: usize, init: &[f32]) -> Self {
        let mut data = vec![GUARD; front + init.len() + TAIL];
        data[front..front + init.len()].copy_from_slice(init);
        Guarded { data, front, len: init.len() }
    }

    fn filled(front: usize, len: usize) -> Self {
        Guarded { data: vec![GUARD; front + len + TAIL], front, len }
    }

    fn get(&self) -> &[f32] {
        &self.data[self.front..self.front + self.len]
    }

    fn get_mut(&mut self) -> &mut [f32] {
        &mut self.data[self.front..self.front + self.len]
    }

    /// The elements, after checking that no guard slot was written.
    fn into_checked(self, what: &str) -> Vec<f32> {
        let outside = self.data[..self.front].iter().chain(&self.data[self.front + self.len..]);
        assert!(outside.into_iter().all(|v| v.to_bits() == GUARD.to_bits()), "{what}: wrote a guard slot");
        self.get().to_vec()
    }
}

/// The six results of one (ISA, threads) run.
#[derive(PartialEq, Eq)]
struct Outputs {
    y: Vec<u32>,
    log: Vec<u32>,
    dx: Vec<u32>,
    dx_log: Vec<u32>,
}

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let big = u.int_in_range(0u8..=31)? == 31;
    let (rows, cols) = if big {
        let rows = u.int_in_range(2..=4)?;
        (rows, PARALLEL_ELEMENTS.div_ceil(rows) + u.int_in_range(0..=40)?)
    } else {
        (u.int_in_range(0..=6)?, u.int_in_range(1..=80)?)
    };
    let kinds = (0..rows).map(|_| Row::decode(&mut u)).collect::<Result<Vec<_>>>()?;
    let front = u.int_in_range(0..=15)?;
    let probe = (u.int_in_range(0..=12)?, u.int_in_range(0..=5)?, [0; 3].map(|_| delta(&mut u)));
    let mut src = Source::new(u)?;
    let x: Vec<f32> = kinds.iter().flat_map(|row| row.values(&mut src, cols)).collect();
    let dy = src.vec(x.len(), |s| s.uniform(-1.0, 1.0));

    for isa in isas() {
        let what = |threads: usize| format!("{isa} threads={threads} rows={rows} cols={cols} {kinds:?}");
        let (y, log, one) = run_all(isa, 1, &x, &dy, cols, front, &what(1));
        for &threads in &THREADS[1..] {
            let (.., other) = run_all(isa, threads, &x, &dy, cols, front, &what(threads));
            assert!(one == other, "{}: differs from 1 thread", what(threads));
        }
        check_against_oracle(&what(1), &x, &dy, cols, (&y, &log), &one);
        check_rows_independent(&what(1), isa, &x, &dy, cols, &one);
    }
    check_errors(probe.0, probe.1, probe.2);
    Ok(())
}

/// -1, 0 (twice as likely) or +1: how far a length in the error probe is off.
fn delta(u: &mut Unstructured<'_>) -> isize {
    match u.int_in_range(0u8..=3).unwrap_or(0) {
        2 => 1,
        3 => -1,
        _ => 0,
    }
}

/// Runs all six entry points on `opts(isa, threads)`: the in-place forms must match the
/// out-of-place ones bitwise. Returns softmax, log_softmax and every result as bits.
fn run_all(
    isa: Isa,
    threads: usize,
    x: &[f32],
    dy: &[f32],
    cols: usize,
    front: usize,
    what: &str,
) -> (Vec<f32>, Vec<f32>, Outputs) {
    let o = opts(isa, threads);
    let n = x.len();
    let xs = Guarded::new(front, x);
    let mut y = Guarded::filled(front, n);
    assert_eq!(softmax(xs.get(), y.get_mut(), cols, &o), Ok(()), "{what}: softmax");
    let y = y.into_checked(&format!("{what}: softmax"));
    let mut y_in = Guarded::new(front, x);
    assert_eq!(softmax_in_place(y_in.get_mut(), cols, &o), Ok(()), "{what}: softmax_in_place");
    let y_in = y_in.into_checked(&format!("{what}: softmax_in_place"));
    assert!(bits(&y_in) == bits(&y), "{what}: softmax_in_place differs from softmax");

    let mut log = Guarded::filled(front, n);
    assert_eq!(log_softmax(xs.get(), log.get_mut(), cols, &o), Ok(()), "{what}: log_softmax");
    let log = log.into_checked(&format!("{what}: log_softmax"));
    let mut log_in = Guarded::new(front, x);
    assert_eq!(log_softmax_in_place(log_in.get_mut(), cols, &o), Ok(()), "{what}: log_softmax_in_place");
    let log_in = log_in.into_checked(&format!("{what}: log_softmax_in_place"));
    assert!(bits(&log_in) == bits(&log), "{what}: log_softmax_in_place differs from log_softmax");

    let dys = Guarded::new(front, dy);
    let mut dx = Guarded::filled(front, n);
    let r = softmax_backward(&y, dys.get(), dx.get_mut(), cols, &o);
    assert_eq!(r, Ok(()), "{what}: softmax_backward");
    let dx = dx.into_checked(&format!("{what}: softmax_backward"));
    let mut dx_log = Guarded::filled(front, n);
    let r = log_softmax_backward(&log, dys.get(), dx_log.get_mut(), cols, &o);
    assert_eq!(r, Ok(()), "{what}: log_softmax_backward");
    let dx_log = dx_log.into_checked(&format!("{what}: log_softmax_backward"));
    let out = Outputs { y: bits(&y), log: bits(&log), dx: bits(&dx), dx_log: bits(&dx_log) };
    (y, log, out)
}

/// Every `got` within `tol(i)` of `want`; a NaN wanted must be NaN, and an infinity wanted (or
/// a value beyond the f32 range, which rounds to one) must be that infinity.
fn assert_close(
    what: &str,
    (x, cols): (&[f32], usize),
    got: &[u32],
    want: &[f64],
    tol: impl Fn(usize) -> f64,
) {
    let row = |i: usize| &x[i / cols * cols..][..cols];
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let g = f32::from_bits(g);
        if w.is_nan() {
            assert!(g.is_nan(), "{what}[{i}]: got {g:e}, want NaN; x row {:?}", row(i));
            continue;
        }
        if (w as f32).is_infinite() {
            assert_eq!(g, w as f32, "{what}[{i}]: want {w:e}; x row {:?}", row(i));
            continue;
        }
        let err = (f64::from(g) - w).abs();
        let allowed = tol(i);
        assert!(
            err <= allowed,
            "{what}[{i}]: got {g:e}, want {w:e}, error {err:e} > allowed {allowed:e}; x row {:?}",
            row(i)
        );
    }
}

/// The four results against the oracle, within the bounds of `tests/softmax.rs`; the backward
/// passes are checked from this run's own forward outputs.
fn check_against_oracle(
    what: &str,
    x: &[f32],
    dy: &[f32],
    cols: usize,
    (y, log): (&[f32], &[f32]),
    got: &Outputs,
) {
    let extent = row_extent(x, cols);
    let want = oracle::softmax(x, cols);
    assert_close(&format!("{what} softmax"), (x, cols), &got.y, &want, |i| {
        softmax_bound(want[i], x[i], extent[i / cols], cols)
    });
    // (x - max) and the subtraction of ln(sum) round relative to |result|; ln(sum) inherits
    // the sum's relative error as an absolute one. The oracle itself forms `x - (max +
    // ln(sum))` in f64, within (|x| + |result|) * 2^-52 of the exact value: nothing for the
    // logits the tests use, but past |x| ~ 1e9 more than the f32 bound (from 1e17 on it loses
    // ln(sum) altogether), so that much is allowed on top.
    let want = oracle::log_softmax(x, cols);
    assert_close(&format!("{what} log_softmax"), (x, cols), &got.log, &want, |i| {
        let oracle_rounding = (f64::from(x[i]).abs() + want[i].abs()) * f64::EPSILON;
        log_softmax_bound(want[i], cols) + oracle_rounding
    });

    // dx = y (dy - dot): the dot's error is about log2(cols) U * sum|y dy|, then two roundings.
    let want = oracle::softmax_backward(y, dy, cols);
    let scale: Vec<f64> = y
        .chunks(cols)
        .zip(dy.chunks(cols))
        .map(|(y, d)| y.iter().zip(d).map(|(&a, &b)| f64::from(a * b).abs()).sum())
        .collect();
    assert_close(&format!("{what} softmax_backward"), (x, cols), &got.dx, &want, |i| {
        softmax_backward_bound(y[i], dy[i], scale[i / cols], softmax_backward_units(cols))
    });
    // dx = dy - e^y sum(dy): exp is within 2 ULP, the sum within log2(cols) U * sum|dy|.
    let want = oracle::log_softmax_backward(log, dy, cols);
    let abs_sum: Vec<f64> = dy.chunks(cols).map(|d| d.iter().map(|&v| f64::from(v).abs()).sum()).collect();
    assert_close(&format!("{what} log_softmax_backward"), (x, cols), &got.dx_log, &want, |i| {
        log_softmax_backward_bound(dy[i], log[i], abs_sum[i / cols], log_softmax_backward_units(cols))
    });
}

/// A row holding NaN (or +inf) must not affect the others: without those rows, every other
/// row's four results are bitwise the same.
fn check_rows_independent(what: &str, isa: Isa, x: &[f32], dy: &[f32], cols: usize, got: &Outputs) {
    let poisoned = |row: &[f32]| row.iter().any(|v| v.is_nan() || *v == f32::INFINITY);
    let keep: Vec<usize> = (0..x.len() / cols).filter(|&r| !poisoned(&x[r * cols..][..cols])).collect();
    if keep.len() == x.len() / cols || keep.is_empty() {
        return;
    }
    let pick =
        |v: &[f32]| -> Vec<f32> { keep.iter().flat_map(|&r| v[r * cols..][..cols].to_vec()).collect() };
    let pick_bits =
        |v: &[u32]| -> Vec<u32> { keep.iter().flat_map(|&r| v[r * cols..][..cols].to_vec()).collect() };
    let (.., alone) = run_all(isa, 1, &pick(x), &pick(dy), cols, 0, &format!("{what} (clean rows)"));
    let rows = format!("{what}: rows {keep:?} without the NaN rows");
    assert!(alone.y == pick_bits(&got.y), "{rows}: softmax differs");
    assert!(alone.log == pick_bits(&got.log), "{rows}: log_softmax differs");
    assert!(alone.dx == pick_bits(&got.dx), "{rows}: softmax_backward differs");
    assert!(alone.dx_log == pick_bits(&got.dx_log), "{rows}: log_softmax_backward differs");
}

/// Lengths around `len` with `cols`: each call must fail exactly when its lengths differ or do
/// not make whole rows (`Error::Len` for the first, `Error::Shape` for the second when only
/// one applies), and then write nothing.
fn check_errors(len: usize, cols: usize, [d_out, d_dy, d_dx]: [isize; 3]) {
    let whole_rows = if cols == 0 { len == 0 } else { len.is_multiple_of(cols) };
    let off = |d: isize| len.saturating_add_signed(d);
    let expect = |what: &str, lens_agree: bool, r: std::result::Result<(), Error>, written: bool| {
        let ok = lens_agree && whole_rows;
        assert_eq!(r.is_ok(), ok, "{what}: len {len}, cols {cols}: {r:?}");
        // Len for lengths that disagree, Shape for a length that is not whole rows.
        match (&r, lens_agree, whole_rows) {
            (Ok(()), ..) | (Err(Error::Len { .. }), false, _) | (Err(Error::Shape { .. }), _, false) => {}
            _ => panic!("{what}: len {len}, cols {cols}: wrong error {r:?}"),
        }
        assert!(ok || !written, "{what}: a refused call wrote its output");
    };
    let x = vec![0.5f32; len];
    let untouched = |v: &[f32]| v.iter().all(|e| e.to_bits() == GUARD.to_bits());
    for isa in isas() {
        let o = Opts::single(isa);
        let mut y = vec![GUARD; off(d_out)];
        expect("softmax", y.len() == len, softmax(&x, &mut y, cols, &o), !untouched(&y));
        let mut y = vec![GUARD; off(d_out)];
        expect("log_softmax", y.len() == len, log_softmax(&x, &mut y, cols, &o), !untouched(&y));
        let mut xy = vec![GUARD; len];
        expect("softmax_in_place", true, softmax_in_place(&mut xy, cols, &o), !untouched(&xy));
        let mut xy = vec![GUARD; len];
        expect("log_softmax_in_place", true, log_softmax_in_place(&mut xy, cols, &o), !untouched(&xy));
        let (dy, mut dx) = (vec![0.25f32; off(d_dy)], vec![GUARD; off(d_dx)]);
        let agree = dy.len() == len && dx.len() == len;
        expect("softmax_backward", agree, softmax_backward(&x, &dy, &mut dx, cols, &o), !untouched(&dx));
        let mut dx = vec![GUARD; off(d_dx)];
        let r = log_softmax_backward(&x, &dy, &mut dx, cols, &o);
        expect("log_softmax_backward", agree, r, !untouched(&dx));
    }
    for isa in Isa::ALL.into_iter().filter(|isa| !isa.is_available()) {
        let r = softmax(&[], &mut [], 1, &Opts::single(isa));
        assert!(matches!(r, Err(Error::IsaUnavailable { .. })), "{isa} is unavailable: {r:?}");
    }
}
