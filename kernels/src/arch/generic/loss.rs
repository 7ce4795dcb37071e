//! Cross-entropy over rows of logits, forward and backward, written once over [`Vector`]; the
//! algorithm and its accuracy are described in `crate::loss`. Each pass over a row is a
//! [`Sweep`]; backward runs the log-sum-exp of one row, which stores its exponentials in a
//! scratch row, in lockstep with the writing out of the row before it (`generic::sweep`).
//! [`Forward`] and [`Backward`] are the tasks the entry points dispatch for each chunk of rows.

use super::stream::{Out, each_out_vector};
use super::sweep::{self, BLOCK_VECS, Sweep, load, store, tree_add, tree_max};
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

/// The row's max and the sum of `e^(x - max)`, a block at a time: the block's max updates the
/// running max (one scalar, so that each block's sum can be added in f64, the total rescaled
/// by `e^(old - new)` in f64 when the max rises), then `e^(x - max)` per element is summed in
/// f32 within the block. A NaN anywhere makes the sum NaN. For the gradient, each block's
/// exponentials are also stored, and the running max they were taken against recorded.
#[derive(Debug)]
struct LogSumExp<'a> {
    x: *const f32,
    max: f32,
    sum: f64,
    /// Where `e^(x - m)` goes, and the list of each block's `m`.
    store: Option<(*mut f32, &'a mut Vec<f32>)>,
}

impl<'a> LogSumExp<'a> {
    fn new(x: *const f32) -> Self {
        LogSumExp { x, max: f32::NEG_INFINITY, sum: 0.0, store: None }
    }

    /// Also stores the exponentials at `e` and each block's running max in `maxima`.
    fn storing(x: *const f32, e: *mut f32, maxima: &'a mut Vec<f32>) -> Self {
        maxima.clear();
        LogSumExp { store: Some((e, maxima)), ..LogSumExp::new(x) }
    }

    /// `log(sum_j e^x_j) - x_target`, in f64.
    fn loss(&self, target: f32) -> f64 {
        (f64::from(self.max) - f64::from(target)) + self.sum.ln()
    }
}

impl<K: Vector> Sweep<K> for LogSumExp<'_> {
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
        let block_max = k.reduce_max(tree_max(k, &v));
        if block_max > self.max {
            if self.sum != 0.0 {
                self.sum *= (f64::from(self.max) - f64::from(block_max)).exp();
            }
            self.max = block_max;
        }
        // While every element so far is -inf, subtract 0 so that no lane computes -inf - -inf.
        let m = if self.max == f32::NEG_INFINITY { 0.0 } else { self.max };
        let shift = k.splat(m);
        let mut e = v;
        for e in &mut e {
            *e = k.exp_nonpositive(k.sub(*e, shift));
        }
        if let Some((to, maxima)) = &mut self.store {
            for (j, &e) in e.iter().enumerate() {
                let i = at + j * K::LANES;
                if i < at + len {
                    // SAFETY: CPU feature: `k` is the proof. Bounds: as the load of vector j,
                    // in the row of `to`; a tail's other lanes are not stored.
                    unsafe { store(k, *to, i, at + len - i, e) };
                }
            }
            maxima.push(m);
        }
        self.sum += f64::from(k.reduce_add(tree_add(k, &e)));
    }
}

/// Rescales the blocks of a row's stored `e^(x - m_block)` whose `m_block` is below the row's
/// `max` by `e^(m_block - max)`, in f64, so that every element is `e^(x - max)`. Once the
/// running max settles this is no block at all; at worst one more pass over the row in cache.
fn settle(e: &mut [f32], maxima: &[f32], max: f32, block: usize) {
    for (e, &m) in e.chunks_mut(block).zip(maxima) {
        if m != max {
            let factor = (f64::from(m) - f64::from(max)).exp() as f32;
            e.iter_mut().for_each(|e| *e *= factor);
        }
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
        let mut lse = LogSumExp::new(logits.as_ptr().wrapping_add(r * classes));
        // SAFETY: CPU feature: `k` is the proof. Bounds: row r < rows spans
        // [r * classes, r * classes + classes) <= logits.len().
        unsafe { sweep::run(k, classes, &mut lse) };
        *loss = lse.loss(logits[r * classes + target as usize]) as f32;
    }
}

#[inline(always)]
fn backward<K: Vector>(k: K, task: Backward<'_>) {
    let Backward { batch: Batch { logits, targets, classes, ignore_index }, scale, dlogits, stream } = task;
    let rows = targets.len();
    assert!(
        logits.len() == rows * classes && dlogits.len() == logits.len(),
        "cross_entropy_backward: the entry point checks the lengths"
    );
    let live = |r: usize| Some(targets[r]) != ignore_index;
    // Row r's exponentials and log-sum-exp are taken at step r into one half of `e`, and
    // written out at step r + 1 from the other, still in cache: one exponential per element,
    // as in the forward pass.
    let mut e = vec![0.0f32; 2 * classes];
    let mut maxima = Vec::new();
    let (mut max, mut sum) = (f32::NEG_INFINITY, 0.0f64);
    let block = BLOCK_VECS * K::LANES;
    for step in 0..rows + 1 {
        let (mine, theirs) = e.split_at_mut(classes);
        let (mine, theirs) = if step % 2 == 0 { (mine, theirs) } else { (theirs, mine) };
        let lse = if step < rows && live(step) {
            Some(LogSumExp::storing(
                logits.as_ptr().wrapping_add(step * classes),
                mine.as_mut_ptr(),
                &mut maxima,
            ))
        } else {
            None
        };
        let written = step.checked_sub(1);
        let normalize = match written {
            Some(r) if live(r) => Some(Normalize {
                e: theirs.as_ptr(),
                out: Out::new::<K>(dlogits.as_mut_ptr().wrapping_add(r * classes), classes, stream),
                c: (scale / sum) as f32,
            }),
            _ => None,
        };
        let mut passes = (lse, normalize);
        // SAFETY: CPU feature: `k` is the proof. Bounds: each pass reads row r < rows of
        // logits or writes row r of dlogits, r * classes + classes <= logits.len(), and reads
        // or writes one half of `e`, of `classes` each.
        unsafe { sweep::run(k, classes, &mut passes) };
        let (lse, _) = passes;
        if let Some(r) = written {
            let row = &mut dlogits[r * classes..(r + 1) * classes];
            if live(r) {
                // The target's gradient, scale * (p - 1), in f64: p close to 1 cancels.
                let t = targets[r] as usize;
                let e = (f64::from(logits[r * classes + t]) - f64::from(max)).exp();
                row[t] = (scale * (e / sum - 1.0)) as f32;
            } else {
                row.fill(0.0);
            }
        }
        if let Some(lse) = lse {
            (max, sum) = (lse.max, lse.sum);
            settle(mine, &maxima, max, block);
        }
    }
    if stream {
        k.stream_fence();
    }
}
