//! Cross-entropy over rows of logits, forward and backward, written once over [`Vector`]; the
//! algorithm and its accuracy are described in `crate::loss`. Each pass over a row is a
//! [`Sweep`]: forward takes a row's statistics in one online pass; backward runs three passes
//! of three rows in lockstep (`generic::sweep`). [`Forward`] and [`Backward`] are the tasks the
//! entry points dispatch for each chunk of rows.

use super::stream::{Out, each_out_vector};
use super::sweep::{self, BLOCK_VECS, ExpSum, Max, Sweep, load, row_at};
use super::vector::Vector;

/// The rows a cross-entropy task reads: `classes` logits each, one target each, and the target
/// that marks a row as ignored.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Batch<'a> {
    pub logits: &'a [f32],
    pub targets: &'a [u32],
    pub classes: usize,
    pub ignore_index: Option<u32>,
}

/// The loss of every row of the batch (0 for a row whose target is `ignore_index`).
#[derive(Debug)]
pub(crate) struct Forward<'a> {
    pub batch: Batch<'a>,
    pub losses: &'a mut [f32],
}

task!(Forward<'_> => (), |task, k| forward(k, task));

/// `dlogits = scale * (softmax(logits) - onehot(target))` per row, zeros for an ignored row;
/// with `stream`, written with streaming stores (`generic::stream`).
#[derive(Debug)]
pub(crate) struct Backward<'a> {
    pub batch: Batch<'a>,
    /// `dloss` over the number of rows not ignored.
    pub scale: f64,
    pub dlogits: &'a mut [f32],
    pub stream: bool,
}

task!(Backward<'_> => (), |task, k| backward(k, task));

/// A row's max and sum of `e^(x - max)` in one pass, a block at a time, for the loss: the
/// block's max updates the running max (one scalar, so that each block's sum can be added in
/// f64, the total rescaled by `e^(old - new)` in f64 when the max rises), then `e^(x - max)`
/// per element is summed in f32 within the block. A NaN anywhere makes the sum NaN.
struct OnlineStats {
    x: *const f32,
    stats: Stats,
}

impl<K: Vector> Sweep<K> for OnlineStats {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let neg_inf = k.splat(f32::NEG_INFINITY);
        let mut v = [neg_inf; BLOCK_VECS];
        for (j, v) in v.iter_mut().enumerate() {
            let i = at + j * K::LANES;
            if i < at + len {
                // SAFETY: CPU feature: `k` is the proof. Bounds: i < at + len <= the caller's
                // length; a tail is masked, its other lanes -inf.
                *v = unsafe { load(k, self.x, i, at + len - i, neg_inf) };
            }
        }
        let Stats { max, sum } = &mut self.stats;
        let block_max = k.reduce_max(tree_max(k, &v));
        if block_max > *max {
            if *sum != 0.0 {
                *sum *= (f64::from(*max) - f64::from(block_max)).exp();
            }
            *max = block_max;
        }
        // While every element so far is -inf, subtract 0 so that no lane computes -inf - -inf.
        let shift = k.splat(if *max == f32::NEG_INFINITY { 0.0 } else { *max });
        let mut e = v;
        for e in &mut e {
            *e = k.exp_small(k.sub(*e, shift));
        }
        *sum += f64::from(k.reduce_add(tree_add(k, &e)));
    }
}

/// A row's max and its sum of `e^(x - max)`: what its loss and gradient are taken from.
#[derive(Clone, Copy, Debug)]
struct Stats {
    max: f32,
    sum: f64,
}

impl Stats {
    /// `log(sum_j e^x_j) - x_target`, in f64: a common offset cancels exactly in the first
    /// difference.
    fn loss(self, target: f32) -> f64 {
        (f64::from(self.max) - f64::from(target)) + self.sum.ln()
    }

    /// The softmax probability of the element `x`, in f64.
    fn probability(self, x: f32) -> f64 {
        (f64::from(x) - f64::from(self.max)).exp() / self.sum
    }
}

/// Writes a row's gradient from its stored `e^(x - max)`: `c e` per element, `c = scale / sum`.
struct Normalize {
    e: *const f32,
    out: Out,
    c: f32,
}

impl<K: Vector> Sweep<K> for Normalize {
    #[inline(always)]
    unsafe fn block(&mut self, k: K, at: usize, len: usize) {
        let c = k.splat(self.c);
        each_out_vector!(K::LANES, self.out, at, len, |i, left| {
            // SAFETY: CPU feature: `k` is the proof. Bounds: i < the row's length, the caller's;
            // a tail's other lanes are neither read nor stored.
            unsafe { self.out.put(k, i, left, k.mul(load(k, self.e, i, left, c), c)) };
        });
    }
}

/// The loss of each row not ignored, from one [`OnlineStats`] pass over it. (Not backward's
/// max pass then exponentials pass: with no output to overlap the second read with, that
/// measured 5-10% slower here.)
#[inline(always)]
fn forward<K: Vector>(k: K, task: Forward<'_>) {
    let Forward { batch: Batch { logits, targets, classes, ignore_index }, losses } = task;
    assert!(
        logits.len() == targets.len() * classes && losses.len() == targets.len(),
        "cross_entropy: the entry point checks the lengths"
    );
    for (r, (&target, loss)) in targets.iter().zip(losses.iter_mut()).enumerate() {
        if Some(target) == ignore_index {
            *loss = 0.0;
            continue;
        }
        let x = logits.as_ptr().wrapping_add(r * classes);
        let mut online = OnlineStats { x, stats: Stats { max: f32::NEG_INFINITY, sum: 0.0 } };
        // SAFETY: CPU feature: `k` is the proof. Bounds: row r < rows spans
        // [r * classes, r * classes + classes) <= logits.len().
        unsafe { sweep::run(k, classes, &mut online) };
        *loss = online.stats.loss(logits[r * classes + target as usize]) as f32;
    }
}

/// The gradient of each row, in three passes a step apart run in lockstep: the [`Max`] of one
/// row, the [`ExpSum`] of the row before, which stores its exponentials in one half of a
/// scratch pair, and the [`Normalize`] of the row before that from the other half, still in
/// cache. Each row is read from memory once and each exponential taken once, as in forward.
#[inline(always)]
#[allow(clippy::manual_map, reason = "a closure would not inherit the ISA's target features")]
fn backward<K: Vector>(k: K, task: Backward<'_>) {
    let Backward { batch: Batch { logits, targets, classes, ignore_index }, scale, dlogits, stream } = task;
    let rows = targets.len();
    assert!(
        logits.len() == rows * classes && dlogits.len() == logits.len(),
        "cross_entropy_backward: the entry point checks the lengths"
    );
    let live = |r: usize| Some(targets[r]) != ignore_index;
    let row = |r: usize| logits.as_ptr().wrapping_add(r * classes);
    // Row r's exponentials go to half r % 2.
    let mut e = vec![0.0f32; 2 * classes];
    let half = |r: usize| (r % 2) * classes;
    let mut exp_max = f32::NEG_INFINITY;
    // The statistics of the row the step normalizes.
    let mut written = Stats { max: f32::NEG_INFINITY, sum: 0.0 };
    for step in 0..rows + 2 {
        // (`if let`, not closures: a closure would not inherit the ISA's target features.)
        let max = if let Some(r) = row_at(step, 0, rows).filter(|&r| live(r)) {
            Some(Max::new(k, row(r)))
        } else {
            None
        };
        let exp = if let Some(r) = row_at(step, 1, rows).filter(|&r| live(r)) {
            Some(ExpSum::new(k, row(r), exp_max, Some(e.as_mut_ptr().wrapping_add(half(r)))))
        } else {
            None
        };
        let normalize = row_at(step, 2, rows).filter(|&r| live(r)).map(|r| Normalize {
            e: e.as_ptr().wrapping_add(half(r)),
            out: Out::new::<K>(dlogits.as_mut_ptr().wrapping_add(r * classes), classes, stream),
            c: (scale / written.sum) as f32,
        });
        let mut passes = ((max, exp), normalize);
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads row r < rows of
        // logits or writes row r of dlogits, r * classes + classes <= logits.len(), and the
        // exponentials of rows r and r - 1 go to and come from different halves of `e`.
        unsafe { sweep::run(k, classes, &mut passes) };
        let ((max, exp), _) = passes;
        if let Some(r) = row_at(step, 2, rows) {
            let row = &mut dlogits[r * classes..(r + 1) * classes];
            if live(r) {
                // The target's gradient, scale * (p - 1), in f64: p close to 1 cancels.
                let t = targets[r] as usize;
                row[t] = (scale * (written.probability(logits[r * classes + t]) - 1.0)) as f32;
            } else {
                row.fill(0.0);
            }
        }
        if let Some(exp) = exp {
            written = Stats { max: exp_max, sum: exp.sum() };
        }
        if let Some(max) = max {
            exp_max = max.row_max(k);
        }
    }
    if stream {
        k.stream_fence();
    }
}

/// The lane-wise max of a block's vectors, taken as a tree so that the chain stays short.
#[inline(always)]
fn tree_max<K: Vector>(k: K, v: &[K::V; BLOCK_VECS]) -> K::V {
    k.max(k.max(k.max(v[0], v[1]), k.max(v[2], v[3])), k.max(k.max(v[4], v[5]), k.max(v[6], v[7])))
}

/// The lane-wise sum of a block's vectors, taken as a tree.
#[inline(always)]
fn tree_add<K: Vector>(k: K, v: &[K::V; BLOCK_VECS]) -> K::V {
    k.add(k.add(k.add(v[0], v[1]), k.add(v[2], v[3])), k.add(k.add(v[4], v[5]), k.add(v[6], v[7])))
}
