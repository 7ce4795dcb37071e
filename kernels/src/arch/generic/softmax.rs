//! The softmax family over rows (softmax, log_softmax and their backward passes), written once
//! over [`Vector`]; the algorithm is described in `crate::softmax`. [`Forward`] and
//! [`Backward`] are the tasks the entry points dispatch for each chunk of rows.
//!
//! Everything here is `#[inline(always)]` so that each ISA's `#[target_feature]` entry point
//! compiles the whole routine, vector operations included, for that ISA. Rows are raw pointers
//! inside because the forward passes may run in place (`y == x`).

use super::sweep::{self, ExpSum, Max, Sweep, each_vector, load, row_at, store};
use super::vector::Vector;

/// The rows a forward pass reads and writes: two slices of equal length, or one in place.
#[derive(Debug)]
pub(crate) enum Rows<'a> {
    Split(&'a [f32], &'a mut [f32]),
    InPlace(&'a mut [f32]),
}

/// softmax (or, with `log`, log_softmax) of every row of `cols` elements.
#[derive(Debug)]
pub(crate) struct Forward<'a> {
    pub log: bool,
    pub rows: Rows<'a>,
    pub cols: usize,
}

task!(Forward<'_> => (), |task, k| forward(k, task));

#[inline(always)]
fn forward<K: Vector>(k: K, task: Forward<'_>) {
    let Forward { log, mut rows, cols } = task;
    let (x, y, len) = match &mut rows {
        Rows::Split(x, y) => {
            assert_eq!(x.len(), y.len(), "softmax: the entry point checks equal lengths");
            (x.as_ptr(), y.as_mut_ptr(), x.len())
        }
        Rows::InPlace(xy) => {
            let p = xy.as_mut_ptr();
            (p.cast_const(), p, xy.len())
        }
    };
    assert!(cols > 0 && len.is_multiple_of(cols), "softmax: the entry point checks whole rows");
    // SAFETY: CPU feature: `k` is the proof. Bounds: x and y each cover rows * cols = len
    // elements of live slices, either two distinct slices or the very same one (in place), as
    // the routines allow.
    unsafe {
        if log {
            forward_rows::<K, true>(k, x, y, len / cols, cols);
        } else {
            forward_rows::<K, false>(k, x, y, len / cols, cols);
        }
    }
}

/// The gradient of softmax (given its output `y`) or, with `log`, of log_softmax (given its
/// output in `y`), for every row of `cols` elements.
#[derive(Debug)]
pub(crate) struct Backward<'a> {
    pub log: bool,
    pub y: &'a [f32],
    pub dy: &'a [f32],
    pub dx: &'a mut [f32],
    pub cols: usize,
}

task!(Backward<'_> => (), |task, k| backward(k, task));

#[inline(always)]
fn backward<K: Vector>(k: K, task: Backward<'_>) {
    let Backward { log, y, dy, dx, cols } = task;
    let len = y.len();
    assert!(dy.len() == len && dx.len() == len, "softmax: the entry point checks equal lengths");
    assert!(cols > 0 && len.is_multiple_of(cols), "softmax: the entry point checks whole rows");
    let rows = y.chunks_exact(cols).zip(dy.chunks_exact(cols)).zip(dx.chunks_exact_mut(cols));
    for ((y, dy), dx) in rows {
        let (y, dy, dx) = (y.as_ptr(), dy.as_ptr(), dx.as_mut_ptr());
        // SAFETY: CPU feature: `k` is the proof. Bounds: y, dy and dx are rows of `cols`
        // elements of live slices, and dx, a &mut, cannot overlap the shared y and dy.
        unsafe {
            if log {
                log_softmax_backward_row(k, y, dy, dx, cols);
            } else {
                softmax_backward_row(k, y, dy, dx, cols);
            }
        }
    }
}

/// Pass 3 of a row, which writes its output.
enum Finish<K: Vector> {
    /// softmax: `y *= factor`, the stored exponentials over their sum.
    Scale { y: *mut f32, factor: K::V },
    /// log_softmax: `y = (x - max) - ln(sum)`.
    Shift { x: *const f32, y: *mut f32, max: K::V, ln_sum: K::V },
    /// A row with a NaN (all NaN) or of -inf alone (softmax 0, log_softmax -inf).
    Fill { y: *mut f32, value: K::V },
}

impl<K: Vector> Finish<K> {
    /// The last pass of the row at `x` and `y` whose max and sum of `e^(x - max)` are known.
    fn new(k: K, log: bool, x: *const f32, y: *mut f32, max: f32, sum: f64) -> Self {
        // A NaN anywhere poisons the sum (even when the max skipped it): NaN row.
        if max.is_nan() || sum.is_nan() {
            Finish::Fill { y, value: k.splat(f32::NAN) }
        } else if max == f32::NEG_INFINITY {
            Finish::Fill { y, value: k.splat(if log { f32::NEG_INFINITY } else { 0.0 }) }
        } else if log {
            Finish::Shift { x, y, max: k.splat(max), ln_sum: k.splat(sum.ln() as f32) }
        } else {
            Finish::Scale { y, factor: k.splat((1.0 / sum) as f32) }
        }
    }
}

impl<K: Vector> Sweep<K> for Finish<K> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        match *self {
            Finish::Scale { y, factor } => each_vector!(K::LANES, at, len, |i, left| {
                // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
                // length; a tail's other lanes are neither read nor stored.
                unsafe { store(k, y, i, left, k.mul(load(k, y, i, left, zero), factor)) };
            }),
            Finish::Shift { x, y, max, ln_sum } => each_vector!(K::LANES, at, len, |i, left| {
                // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
                // length; a tail's other lanes are neither read nor stored.
                unsafe { store(k, y, i, left, k.sub(k.sub(load(k, x, i, left, zero), max), ln_sum)) };
            }),
            Finish::Fill { y, value } => each_vector!(K::LANES, at, len, |i, left| {
                // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
                // length; a tail's other lanes are neither read nor stored.
                unsafe { store(k, y, i, left, value) };
            }),
        }
    }
}

/// softmax (or, with `LOG`, log_softmax) of `rows` rows of `cols` elements from `x` into `y`.
///
/// The three passes of a row run at three successive steps, each step running the max of one
/// row, the exponentials of the row before and the output of the row before that in
/// lockstep: a row is read from memory once, by its max pass, and the other two find it in
/// cache, while the folds between passes overlap independent work.
///
/// # Safety
/// `x` valid for `rows * cols` reads and `y` for as many writes; `y` may equal `x` (in place)
/// but must not otherwise overlap it.
#[inline(always)]
#[allow(clippy::manual_map, reason = "a closure would not inherit the ISA's target features")]
unsafe fn forward_rows<K: Vector, const LOG: bool>(
    k: K,
    x: *const f32,
    y: *mut f32,
    rows: usize,
    cols: usize,
) {
    // The max of the row whose exponentials the step takes.
    let mut exp_max = f32::NEG_INFINITY;
    let mut finish = None;
    for step in 0..rows + 2 {
        // (`if let`, not closures: a closure would not inherit the ISA's target features.)
        let max = if let Some(r) = row_at(step, 0, rows) {
            Some(Max::new(k, x.wrapping_add(r * cols)))
        } else {
            None
        };
        let exp = if let Some(r) = row_at(step, 1, rows) {
            let out = if LOG { None } else { Some(y.wrapping_add(r * cols)) };
            Some(ExpSum::new(k, x.wrapping_add(r * cols), exp_max, out))
        } else {
            None
        };
        let mut passes = ((max, exp), finish.take());
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads (and writes) row
        // r < rows, r * cols + cols <= rows * cols; in place, the rows of the three passes
        // differ, and the one pass that writes the row it reads reads each vector first.
        unsafe { sweep::run(k, cols, &mut passes) };
        let ((max, exp), _) = passes;
        if let Some(exp) = exp {
            let at = (step - 1) * cols;
            let sum = exp.sum();
            finish = Some(Finish::new(k, LOG, x.wrapping_add(at), y.wrapping_add(at), exp_max, sum));
        }
        if let Some(max) = max {
            exp_max = max.row_max(k);
        }
    }
}

/// dx = y * (dy - sum(dy * y)) for one row.
///
/// # Safety
/// `y` and `dy` valid for `cols` reads, `dx` for as many writes, `dx` not overlapping the
/// inputs.
#[inline(always)]
unsafe fn softmax_backward_row<K: Vector>(k: K, y: *const f32, dy: *const f32, dx: *mut f32, cols: usize) {
    let lanes = K::LANES;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at i + LANES <= cols,
    // tails are masked.
    unsafe {
        let zero = k.splat(0.0);
        let mut acc = [zero; 2];
        let mut i = 0;
        while i + lanes <= cols {
            let j = (i / lanes) & 1;
            acc[j] = k.mul_add(k.load(y.add(i)), k.load(dy.add(i)), acc[j]);
            i += lanes;
        }
        let rem = cols - i;
        if rem > 0 {
            let (a, b) = (k.load_tail(y.add(i), rem, zero), k.load_tail(dy.add(i), rem, zero));
            acc[0] = k.mul_add(a, b, acc[0]);
        }
        let dot = k.splat(k.reduce_add(k.add(acc[0], acc[1])));
        let mut i = 0;
        while i + lanes <= cols {
            let g = k.sub(k.load(dy.add(i)), dot);
            k.store(dx.add(i), k.mul(k.load(y.add(i)), g));
            i += lanes;
        }
        if rem > 0 {
            let g = k.sub(k.load_tail(dy.add(i), rem, zero), dot);
            k.store_tail(dx.add(i), rem, k.mul(k.load_tail(y.add(i), rem, zero), g));
        }
    }
}

/// dx = dy - e^y_log * sum(dy) for one row; zeros where y_log is all -inf.
///
/// # Safety
/// Same as [`softmax_backward_row`].
#[inline(always)]
unsafe fn log_softmax_backward_row<K: Vector>(
    k: K,
    y: *const f32,
    dy: *const f32,
    dx: *mut f32,
    cols: usize,
) {
    let lanes = K::LANES;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at i + LANES <= cols,
    // tails are masked.
    unsafe {
        let zero = k.splat(0.0);
        let neg_inf = k.splat(f32::NEG_INFINITY);
        let mut sum = zero;
        // Lanes that held anything but -inf (NaN included).
        let mut live = k.no_lanes();
        let mut i = 0;
        while i + lanes <= cols {
            sum = k.add(sum, k.load(dy.add(i)));
            live = k.or_mask(live, k.ne(k.load(y.add(i)), neg_inf));
            i += lanes;
        }
        let rem = cols - i;
        if rem > 0 {
            sum = k.add(sum, k.load_tail(dy.add(i), rem, zero));
            live = k.or_mask(live, k.ne(k.load_tail(y.add(i), rem, neg_inf), neg_inf));
        }
        // An all -inf row came from a fully masked input: its gradient is zero.
        if !k.any(live) {
            sweep::run(k, cols, &mut Finish::Fill { y: dx, value: zero });
            return;
        }
        let sum = k.splat(k.reduce_add(sum));
        let mut i = 0;
        while i + lanes <= cols {
            let e = k.exp(k.load(y.add(i)));
            k.store(dx.add(i), k.neg_mul_add(e, sum, k.load(dy.add(i))));
            i += lanes;
        }
        if rem > 0 {
            let e = k.exp(k.load_tail(y.add(i), rem, zero));
            k.store_tail(dx.add(i), rem, k.neg_mul_add(e, sum, k.load_tail(dy.add(i), rem, zero)));
        }
    }
}
