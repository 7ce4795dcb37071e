//! Layer norm and RMS norm over rows, forward and backward, written once over [`Vector`]; the
//! algorithm and its accuracy are described in `crate::norm`. `CENTER` picks layer norm
//! (subtract the mean, add a bias) over RMS norm. Each pass over a row is a [`Sweep`], and the
//! passes of consecutive rows run in lockstep (`generic::sweep`). [`Forward`] and [`Backward`]
//! are the tasks the entry points dispatch for each chunk of rows.

use super::sweep::{self, Sweep, load, store};
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
}

task!(Forward<'_> => (), |task, k| if task.center {
    forward::<_, true>(k, task)
} else {
    forward::<_, false>(k, task)
});

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
}

task!(Backward<'_> => (), |task, k| if task.center {
    backward::<_, true>(k, task)
} else {
    backward::<_, false>(k, task)
});

/// Forward pass 1 (layer norm): the row's sum per lane, compensated: each addition's rounding
/// error, found exactly by TwoSum, is summed beside it, so that the mean comes out within
/// about an ulp however large the row's offset.
struct Sum<K: Vector> {
    x: *const f32,
    hi: K::V,
    lo: K::V,
}

impl<K: Vector> Sweep<K> for Sum<K> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        let end = at + len;
        let mut i = at;
        while i < end {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < end <= the caller's length.
            let v = unsafe { load(k, self.x, i, end - i, zero) };
            // TwoSum: s + e == hi + v exactly.
            let s = k.add(self.hi, v);
            let b = k.sub(s, self.hi);
            let e = k.add(k.sub(self.hi, k.sub(s, b)), k.sub(v, b));
            self.hi = s;
            self.lo = k.add(self.lo, e);
            i += K::LANES;
        }
    }
}

/// Forward pass 2: the sum of `(x - shift)^2`, where `shift` is the mean rounded to f32 (0 for
/// RMS norm), in f32 within a block and in f64 across blocks.
struct Squares<K: Vector, const CENTER: bool> {
    x: *const f32,
    shift: K::V,
    total: f64,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for Squares<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let end = at + len;
        let mut acc = k.splat(0.0);
        let mut i = at;
        while i < end {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < end <= the caller's length.
            // A tail's other lanes hold `shift`, so they add 0.
            let v = unsafe { load(k, self.x, i, end - i, self.shift) };
            let d = if CENTER { k.sub(v, self.shift) } else { v };
            acc = k.mul_add(d, d, acc);
            i += K::LANES;
        }
        self.total += f64::from(k.reduce_add(acc));
    }
}

/// Forward pass 3: `y = ((x - shift) - rest) * (rstd * w) + b`, where `shift + rest` is the
/// mean to twice f32's precision (layer norm), or `y = x * (rstd * w)` (RMS norm).
struct Normalize<K: Vector, const CENTER: bool> {
    x: *const f32,
    w: *const f32,
    b: *const f32,
    y: *mut f32,
    shift: K::V,
    rest: K::V,
    rstd: K::V,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for Normalize<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        let end = at + len;
        let mut i = at;
        while i < end {
            let left = end - i;
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < end <= the caller's length,
            // the same for x, w, b (layer norm) and y.
            unsafe {
                let v = load(k, self.x, i, left, zero);
                let a = k.mul(load(k, self.w, i, left, zero), self.rstd);
                let out = if CENTER {
                    let centered = k.sub(k.sub(v, self.shift), self.rest);
                    k.mul_add(centered, a, load(k, self.b, i, left, zero))
                } else {
                    k.mul(v, a)
                };
                store(k, self.y, i, left, out);
            }
            i += K::LANES;
        }
    }
}

/// Row `step` of the pipeline's stage that runs `lag` steps behind its first, if that row
/// exists.
fn row_at(step: usize, lag: usize, rows: usize) -> Option<usize> {
    step.checked_sub(lag).filter(|&r| r < rows)
}

#[inline(always)]
fn forward<K: Vector, const CENTER: bool>(k: K, task: Forward<'_>) {
    let Forward { x, weight, bias, eps, y, mean, rstd, .. } = task;
    let (cols, rows) = (weight.len(), rstd.len());
    assert!(
        x.len() == rows * cols && y.len() == x.len() && (!CENTER || bias.len() == cols && mean.len() == rows),
        "norm: the entry point checks the lengths"
    );
    let n = cols as f64;
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let (wp, bp) = (weight.as_ptr(), bias.as_ptr());
    // Row r is summed (layer norm only) at step r, its squares at step r + lag and it is
    // written at step r + lag + 1; each step runs its three passes in lockstep.
    let lag = usize::from(CENTER);
    let mut mean_of_squares_row = 0.0f64;
    let mut stats_of_written_row = (0.0f64, 0.0f32);
    for step in 0..rows + lag + 1 {
        let sum = if CENTER && step < rows {
            let zero = k.splat(0.0);
            Some(Sum { x: xp.wrapping_add(step * cols), hi: zero, lo: zero })
        } else {
            None
        };
        let squares_row = row_at(step, lag, rows);
        // (`if let`, not closures: a closure would not inherit the ISA's target features.)
        let squares = if let Some(r) = squares_row {
            let shift = k.splat(mean_of_squares_row as f32);
            Some(Squares::<K, CENTER> { x: xp.wrapping_add(r * cols), shift, total: 0.0 })
        } else {
            None
        };
        let normalize = if let Some(r) = row_at(step, lag + 1, rows) {
            let (mean, rstd) = stats_of_written_row;
            let shift = mean as f32;
            Some(Normalize::<K, CENTER> {
                x: xp.wrapping_add(r * cols),
                w: wp,
                b: bp,
                y: yp.wrapping_add(r * cols),
                shift: k.splat(shift),
                rest: k.splat((mean - f64::from(shift)) as f32),
                rstd: k.splat(rstd),
            })
        } else {
            None
        };
        let mut passes = (sum, (squares, normalize));
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads row r < rows of x (and
        // writes row r of y), r * cols + cols <= x.len() = y.len(); w and b hold cols elements.
        unsafe { sweep::run(k, cols, &mut passes) };
        let (sum, (squares, _)) = passes;
        if let (Some(squares), Some(r)) = (squares, squares_row) {
            let m = mean_of_squares_row;
            // The mean square about the f32 shift is the variance plus the shift's error squared.
            let var = squares.total / n - (m - f64::from(m as f32)).powi(2);
            let var = if var < 0.0 { 0.0 } else { var };
            let rs = (1.0 / (var + f64::from(eps)).sqrt()) as f32;
            rstd[r] = rs;
            if CENTER {
                mean[r] = m as f32;
            }
            stats_of_written_row = (m, rs);
        }
        if let Some(sum) = sum {
            mean_of_squares_row = (sweep::sum_lanes_f64(k, sum.hi) + sweep::sum_lanes_f64(k, sum.lo)) / n;
        }
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
        let end = at + len;
        let (mut g_acc, mut gx_acc) = (zero, zero);
        let mut i = at;
        while i < end {
            let left = end - i;
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < end <= the caller's length,
            // the same for x, dy, w, dw and db (layer norm). A tail's other lanes have dy = 0,
            // so they add 0.
            unsafe {
                let (v, dy, w) =
                    (load(k, self.x, i, left, zero), load(k, self.dy, i, left, zero), load(k, self.w, i, left, zero));
                let xhat = k.mul(if CENTER { k.sub(v, self.mean) } else { v }, self.rstd);
                let g = k.mul(dy, w);
                if CENTER {
                    g_acc = k.add(g_acc, g);
                    store(k, self.db, i, left, k.add(load(k, self.db, i, left, zero), dy));
                }
                gx_acc = k.mul_add(g, xhat, gx_acc);
                store(k, self.dw, i, left, k.mul_add(dy, xhat, load(k, self.dw, i, left, zero)));
            }
            i += K::LANES;
        }
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
    dx: *mut f32,
    mean: K::V,
    rstd: K::V,
    neg_c1: K::V,
    c2: K::V,
}

impl<K: Vector, const CENTER: bool> Sweep<K> for GradOut<K, CENTER> {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let zero = k.splat(0.0);
        let end = at + len;
        let mut i = at;
        while i < end {
            let left = end - i;
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < end <= the caller's length,
            // the same for x, dy, w and dx.
            unsafe {
                let (v, dy) = (load(k, self.x, i, left, zero), load(k, self.dy, i, left, zero));
                let xhat = k.mul(if CENTER { k.sub(v, self.mean) } else { v }, self.rstd);
                let g = k.mul(dy, load(k, self.w, i, left, zero));
                let t = if CENTER { k.mul_add(self.rstd, g, self.neg_c1) } else { k.mul(self.rstd, g) };
                store(k, self.dx, i, left, k.neg_mul_add(xhat, self.c2, t));
            }
            i += K::LANES;
        }
    }
}

#[inline(always)]
fn backward<K: Vector, const CENTER: bool>(k: K, task: Backward<'_>) {
    let Backward { x, weight, mean, rstd, dy, dx, dweight, dbias, .. } = task;
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
                dx: dxp.wrapping_add(r * cols),
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
}
