//! Alternating rounds: every implementation of a table runs a short batch of calls per round,
//! round after round, each keeping its best call, so that the machine's fast and slow phases touch all of them
//! alike and the ratios between them hold on a shared machine.

use std::time::{Duration, Instant};

/// Rounds at least, however long they take.
const MIN_ROUNDS: usize = 3;
/// About how long one implementation runs in a row within a round.
const BATCH: Duration = Duration::from_millis(20);
/// Calls in a batch at the most.
const MAX_BATCH: u32 = 1000;

/// One implementation to time: its name, the work and the bytes of one call, and the call.
pub struct Impl {
    pub name: String,
    /// Work units per call: elements for the memory-bound kernels, FLOPs for the others.
    pub work: f64,
    /// Bytes one call must read and write at the least (each array once); 0 when unused.
    pub bytes: f64,
    pub run: Box<dyn FnMut()>,
}

impl Impl {
    pub fn new(name: impl Into<String>, work: f64, bytes: f64, run: impl FnMut() + 'static) -> Self {
        Impl { name: name.into(), work, bytes, run: Box::new(run) }
    }
}

/// Each implementation's best seconds per call, over rounds filling `budget` per
/// implementation (at least [`MIN_ROUNDS`]). In a round each implementation runs a batch of
/// calls filling about [`BATCH`] (two at least) and keeps only the calls after the first: the
/// first finds the caches as the others left them, the rest as a loop of its own would, which
/// is how PyTorch's and criterion's loops see every op.
pub fn best_times(impls: &mut [Impl], budget: Duration) -> Vec<f64> {
    // One call each, warming pages and thread pools, sizes the batches.
    let batches: Vec<u32> = impls
        .iter_mut()
        .map(|i| {
            let start = Instant::now();
            (i.run)();
            let once = start.elapsed().as_secs_f64().max(1e-9);
            (BATCH.as_secs_f64() / once).ceil().clamp(2.0, f64::from(MAX_BATCH)) as u32
        })
        .collect();
    let mut best = vec![f64::INFINITY; impls.len()];
    let total = budget.saturating_mul(impls.len() as u32);
    let started = Instant::now();
    let mut rounds = 0;
    while rounds < MIN_ROUNDS || started.elapsed() < total {
        for ((i, best), &calls) in impls.iter_mut().zip(&mut best).zip(&batches) {
            (i.run)();
            for _ in 1..calls {
                let start = Instant::now();
                (i.run)();
                *best = best.min(start.elapsed().as_secs_f64());
            }
        }
        rounds += 1;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implementation_gets_its_rounds() {
        let counts = std::rc::Rc::new(std::cell::RefCell::new([0usize; 2]));
        let (a, b) = (counts.clone(), counts.clone());
        let mut impls = vec![
            Impl::new("a", 1.0, 0.0, move || a.borrow_mut()[0] += 1),
            Impl::new("b", 1.0, 0.0, move || {
                b.borrow_mut()[1] += 1;
                std::thread::sleep(Duration::from_micros(200));
            }),
        ];
        let best = best_times(&mut impls, Duration::ZERO);
        // A's calls take nanoseconds: its batches are the longest. B's take 200 us or more.
        let [a, b] = *counts.borrow();
        assert_eq!(a, 1 + MIN_ROUNDS * MAX_BATCH as usize);
        assert!(b > 2 * MIN_ROUNDS && (b - 1) % MIN_ROUNDS == 0, "{b} calls of b");
        assert!(best[1] >= 200e-6 && best[0] < best[1], "{best:?}");
    }
}
