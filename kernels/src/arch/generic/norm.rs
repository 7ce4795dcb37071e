//! Layer norm and RMS norm over rows, forward and backward, written once over [`Vector`]; the
//! algorithm and its accuracy are described in `crate::norm`. `CENTER` picks layer norm
//! (subtract the mean, add a bias) over RMS norm. Each pass over a row is a [`Sweep`], and the
//! passes of consecutive rows run in lockstep (`generic::sweep`). [`Forward`] and [`Backward`]
//! are the tasks the entry points dispatch for each chunk of rows.

use super::stream::{Out, each_out_vector};
use super::sweep::{self, Sweep, each_vector, load, row_at, store};
use super::vector::Vector;

/// Layer norm (`center`) or RMS norm of every row of `weight.len()` elements.
#[derive(Debug)]
pub(crate) struct Forward<'a> {
    pub center: bool,
    pub x: &'a [f32],
    pub weight: &'a [f32],
    /// Empty for RMS norm.
    pub bias: &'a [f32],
    pub eps: f32,
    pub y: &'a mut [f32],
    /// Empty for RMS norm.
    pub mean: &'a mut [f32],
    pub rstd: &'a mut [f32],
    /// Whether `y` is written with streaming stores (`generic::stream`).
    pub stream: bool,
}

/// A norm task, dispatched to its pass compiled for layer norm (`center`) or RMS norm.
macro_rules! norm_task {
    ($task:ident => $pass:ident) => {
        task!($task<'_> => (), |task, k| if task.center { $pass::<_, true>(k, task) } else { $pass::<_, false>(k, task) });
    };
}

norm_task!(Forward => forward);

/// The gradients of layer norm (`center`) or RMS norm for a chunk of rows; `dweight` and
/// `dbias` receive the chunk's sums over its rows.
#[derive(Debug)]
pub(crate) struct Backward<'a> {
    pub center: bool,
    pub x: &'a [f32],
    pub weight: &'a [f32],
    /// Empty for RMS norm.
    pub mean: &'a [f32],
    pub rstd: &'a [f32],
    pub dy: &'a [f32],
    pub dx: &'a mut [f32],
    pub dweight: &'a mut [f32],
    /// Empty for RMS norm.
    pub dbias: &'a mut [f32],
    /// Whether `dx` is written with streaming stores (`generic::stream`).
    pub stream: bool,
}

norm_task!(Backward => backward);

/// Forward pass 1: the sum of `(x - shift)^2` in f32 within a block and in f64 across blocks,
/// and for layer norm the row's sum per lane, compensated: each addition's rounding error,
/// found exactly by TwoSum, is summed beside it, so that the mean comes out within about an
/// ulp however large the row's offset. `shift` is 0 for RMS norm; for layer norm a value near
/// the mean (the first elements' mean), which keeps the squares from cancelling.
struct Stats<K: Vector, const CENTER: bool> {
    x: *const f32,
    shift: f32,
    shift_v: K::V,
    hi: K::V,
    lo: K::V,
    squares: f64,
}

impl<K: Vector, const CENTER: bool> Stats<K, CENTER> {
    fn new(k: K, x: *const f32, shift: f32) -> Self {
        let zero = k.splat(0.0);
        Stats { x, shift, shift_v: k.splat(shift), hi: zero, lo: zero, squares: 0.0 }
    }

    /// The row's sum (layer norm).
    #[inline(always)]
    fn sum(&self, k: K) -> f64 {
        sweep::sum_lanes_f64(k, self.hi) + sweep::sum_lanes_f64(k, self.lo)
    }
}

impl<K: Vector, const CENTER: bool> Sweep<K> for Stats<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        let mut squares = zero;
        let (x, shift_v) = (self.x, self.shift_v);
        each_vector!(K::LANES, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's length.
            // A tail is loaded twice: its other lanes must add 0 to the sum and to the squares
            // (full vectors are one load: the two are the same).
            let (v, shifted) = unsafe { (load(k, x, i, left, zero), load(k, x, i, left, shift_v)) };
            if CENTER {
                // TwoSum: s + e == hi + v exactly.
                let s = k.add(self.hi, v);
                let b = k.sub(s, self.hi);
                let e = k.add(k.sub(self.hi, k.sub(s, b)), k.sub(v, b));
                self.hi = s;
                self.lo = k.add(self.lo, e);
            }
            let d = if CENTER { k.sub(shifted, self.shift_v) } else { v };
            squares = k.mul_add(d, d, squares);
        });
        self.squares += f64::from(k.reduce_add(squares));
    }
}

/// How far `shift` may lie from the mean, `(mean - shift)^2 <= SHIFT_LIMIT var`, for the sum of
/// squares about it to give the variance: that sum is `n (var + (mean - shift)^2)`, and its
/// rounding errors are relative to it, so the variance keeps all but a factor 4 of its
/// accuracy. A row beyond (its first elements far from the rest) takes one more pass.
const SHIFT_LIMIT: f64 = 3.0;

/// The value rows are shifted by before squaring (layer norm): the mean of their first 16
/// elements, which is the row's own mean give or take a quarter of its spread, typically.
fn first_mean(row: &[f32]) -> f32 {
    let head = &row[..row.len().min(16)];
    (head.iter().map(|&v| f64::from(v)).sum::<f64>() / head.len().max(1) as f64) as f32
}

/// Forward pass 1b, for a row whose shift lay too far from its mean: the sum of `(x -
/// shift)^2` about the mean itself, rounded to f32, in f32 within a block and f64 across.
struct Squares<K: Vector> {
    x: *const f32,
    shift: K::V,
    total: f64,
}

impl<K: Vector> Sweep<K> for Squares<K> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let mut acc = k.splat(0.0);
        each_vector!(K::LANES, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's length.
            // A tail's other lanes hold `shift`, so they add 0.
            let d = k.sub(unsafe { load(k, self.x, i, left, self.shift) }, self.shift);
            acc = k.mul_add(d, d, acc);
        });
        self.total += f64::from(k.reduce_add(acc));
    }
}

/// Forward pass 2: `y = ((x - shift) - rest) * (rstd * w) + b`, where `shift + rest` is the
/// mean to twice f32's precision (layer norm), or `y = x * (rstd * w)` (RMS norm).
struct Normalize<K: Vector, const CENTER: bool> {
    x: *const f32,
    w: *const f32,
    b: *const f32,
    y: Out,
    shift: K::V,
    rest: K::V,
    rstd: K::V,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for Normalize<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        each_out_vector!(K::LANES, self.y, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < the caller's length, the same
            // for x, w, b (layer norm) and y.
            unsafe {
                let v = load(k, self.x, i, left, zero);
                let a = k.mul(load(k, self.w, i, left, zero), self.rstd);
                let out = if CENTER {
                    let centered = k.sub(k.sub(v, self.shift), self.rest);
                    k.mul_add(centered, a, load(k, self.b, i, left, zero))
                } else {
                    k.mul(v, a)
                };
                self.y.put(k, i, left, out);
            }
        });
    }
}

#[inline(always)]
fn forward<K: Vector, const CENTER: bool>(k: K, task: Forward<'_>) {
    let Forward { x, weight, bias, eps, y, mean, rstd, stream, .. } = task;
    let (cols, rows) = (weight.len(), rstd.len());
    assert!(
        x.len() == rows * cols && y.len() == x.len() && (!CENTER || bias.len() == cols && mean.len() == rows),
        "norm: the entry point checks the lengths"
    );
    let n = cols as f64;
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let (wp, bp) = (weight.as_ptr(), bias.as_ptr());
    // Row r's statistics are taken at step r and it is written at step r + 1, the two passes of
    // a step in lockstep.
    let mut written_stats = (0.0f64, 0.0f32);
    for step in 0..rows + 1 {
        // (`if let`, not closures: a closure would not inherit the ISA's target features.)
        let stats = if let Some(r) = row_at(step, 0, rows) {
            let shift = if CENTER { first_mean(&x[r * cols..(r + 1) * cols]) } else { 0.0 };
            Some(Stats::<K, CENTER>::new(k, xp.wrapping_add(r * cols), shift))
        } else {
            None
        };
        let normalize = if let Some(r) = row_at(step, 1, rows) {
            let (mean, rstd) = written_stats;
            let shift = mean as f32;
            Some(Normalize::<K, CENTER> {
                x: xp.wrapping_add(r * cols),
                w: wp,
                b: bp,
                y: Out::new::<K>(yp.wrapping_add(r * cols), cols, stream),
                shift: k.splat(shift),
                rest: k.splat((mean - f64::from(shift)) as f32),
                rstd: k.splat(rstd),
            })
        } else {
            None
        };
        let mut passes = (stats, normalize);
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads row r < rows of x (and
        // writes row r of y), r * cols + cols <= x.len() = y.len(); w and b hold cols elements.
        unsafe { sweep::run(k, cols, &mut passes) };
        let Some(stats) = passes.0 else { continue };
        let row = step * cols;
        let m = if CENTER { stats.sum(k) / n } else { 0.0 };
        // The mean square about the shift is the variance plus the shift's distance squared.
        let shift = f64::from(stats.shift);
        let mut var = stats.squares / n - (m - shift).powi(2);
        // False for NaN too: such a row goes through the pass about its mean, which keeps it NaN.
        let shift_is_near = (m - shift).powi(2) <= SHIFT_LIMIT * var;
        if CENTER && !shift_is_near {
            let about_mean = f64::from(m as f32);
            let mut squares =
                Squares { x: xp.wrapping_add(row), shift: k.splat(about_mean as f32), total: 0.0 };
            // SAFETY: CPU feature: `k` is the proof. Bounds: row `step` < rows of x, as above.
            unsafe { sweep::run(k, cols, &mut squares) };
            var = squares.total / n - (m - about_mean).powi(2);
        }
        let var = if var < 0.0 { 0.0 } else { var };
        let rs = (1.0 / (var + f64::from(eps)).sqrt()) as f32;
        rstd[step] = rs;
        if CENTER {
            mean[step] = m as f32;
        }
        written_stats = (m, rs);
    }
    if stream {
        k.stream_fence();
    }
}

/// Backward pass 1: the sums of `g` (layer norm only) and `g * xhat` over the row, where
/// `g = dy * w` and `xhat = (x - mean) * rstd` (mean 0 for RMS norm), in f32 within a block
/// and in f64 across blocks; and the row's terms of the weight's and bias's gradients added
/// in: `dweight += dy * xhat`, `dbias += dy`. (Here rather than in pass 2, whose stores of
/// `dx` go to memory: behind those, stores that only update the cache would hold up the
/// store buffer.)
struct GradSums<K: Vector, const CENTER: bool> {
    x: *const f32,
    dy: *const f32,
    w: *const f32,
    dw: *mut f32,
    db: *mut f32,
    mean: K::V,
    rstd: K::V,
    g: f64,
    gx: f64,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for GradSums<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        let (mut g_acc, mut gx_acc) = (zero, zero);
        each_vector!(K::LANES, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's length,
            // the same for x, dy, w, dw and db (layer norm). A tail's other lanes have dy = 0,
            // so they add 0.
            unsafe {
                let (v, dy, w) = (
                    load(k, self.x, i, left, zero),
                    load(k, self.dy, i, left, zero),
                    load(k, self.w, i, left, zero),
                );
                let xhat = k.mul(if CENTER { k.sub(v, self.mean) } else { v }, self.rstd);
                let g = k.mul(dy, w);
                if CENTER {
                    g_acc = k.add(g_acc, g);
                    store(k, self.db, i, left, k.add(load(k, self.db, i, left, zero), dy));
                }
                gx_acc = k.mul_add(g, xhat, gx_acc);
                store(k, self.dw, i, left, k.mul_add(dy, xhat, load(k, self.dw, i, left, zero)));
            }
        });
        if CENTER {
            self.g += f64::from(k.reduce_add(g_acc));
        }
        self.gx += f64::from(k.reduce_add(gx_acc));
    }
}

/// Backward pass 2: `dx = rstd * g - c1 - xhat * c2` with `c1 = rstd * mean(g)` (0 for RMS
/// norm) and `c2 = rstd * mean(g * xhat)`.
struct GradOut<K: Vector, const CENTER: bool> {
    x: *const f32,
    dy: *const f32,
    w: *const f32,
    dx: Out,
    mean: K::V,
    rstd: K::V,
    neg_c1: K::V,
    c2: K::V,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for GradOut<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        each_out_vector!(K::LANES, self.dx, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < the caller's length, the same
            // for x, dy, w and dx.
            unsafe {
                let (v, dy) = (load(k, self.x, i, left, zero), load(k, self.dy, i, left, zero));
                let xhat = k.mul(if CENTER { k.sub(v, self.mean) } else { v }, self.rstd);
                let g = k.mul(dy, load(k, self.w, i, left, zero));
                let t = if CENTER { k.mul_add(self.rstd, g, self.neg_c1) } else { k.mul(self.rstd, g) };
                self.dx.put(k, i, left, k.neg_mul_add(xhat, self.c2, t));
            }
        });
    }
}

#[inline(always)]
fn backward<K: Vector, const CENTER: bool>(k: K, task: Backward<'_>) {
    let Backward { x, weight, mean, rstd, dy, dx, dweight, dbias, stream, .. } = task;
    let (cols, rows) = (weight.len(), rstd.len());
    assert!(
        x.len() == rows * cols
            && dy.len() == x.len()
            && dx.len() == x.len()
            && dweight.len() == cols
            && (!CENTER || mean.len() == rows && dbias.len() == cols),
        "norm: the entry point checks the lengths"
    );
    dweight.fill(0.0);
    dbias.fill(0.0);
    let n = cols as f64;
    let (xp, dyp, wp) = (x.as_ptr(), dy.as_ptr(), weight.as_ptr());
    let (dxp, dwp, dbp) = (dx.as_mut_ptr(), dweight.as_mut_ptr(), dbias.as_mut_ptr());
    let stats = |r: usize| (if CENTER { mean[r] } else { 0.0 }, rstd[r]);
    // Row r is summed at step r and written at step r + 1, both passes of a step in lockstep.
    let mut sums = (0.0f64, 0.0f64);
    for step in 0..rows + 1 {
        // (`if let`, not closures: a closure would not inherit the ISA's target features.)
        let grad_sums = if let Some(r) = row_at(step, 0, rows) {
            let (m, rs) = stats(r);
            Some(GradSums::<K, CENTER> {
                x: xp.wrapping_add(r * cols),
                dy: dyp.wrapping_add(r * cols),
                w: wp,
                dw: dwp,
                db: dbp,
                mean: k.splat(m),
                rstd: k.splat(rs),
                g: 0.0,
                gx: 0.0,
            })
        } else {
            None
        };
        let grad_out = if let Some(r) = row_at(step, 1, rows) {
            let (m, rs) = stats(r);
            let wide = f64::from(rs);
            Some(GradOut::<K, CENTER> {
                x: xp.wrapping_add(r * cols),
                dy: dyp.wrapping_add(r * cols),
                w: wp,
                dx: Out::new::<K>(dxp.wrapping_add(r * cols), cols, stream),
                mean: k.splat(m),
                rstd: k.splat(rs),
                neg_c1: k.splat((-wide * sums.0 / n) as f32),
                c2: k.splat((wide * sums.1 / n) as f32),
            })
        } else {
            None
        };
        let mut passes = (grad_sums, grad_out);
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads row r < rows of x and
        // dy (and writes row r of dx), r * cols + cols <= x.len() = dy.len() = dx.len(); w, dw
        // and db (layer norm) hold cols elements.
        unsafe { sweep::run(k, cols, &mut passes) };
        if let Some(s) = passes.0 {
            sums = (s.g, s.gx);
        }
    }
    if stream {
        k.stream_fence();
    }
}
