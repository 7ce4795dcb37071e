//! Alternating rounds: every implementation of a table runs once per round, round after round,
//! each keeping its best time, so that the machine's fast and slow phases touch all of them
//! alike and the ratios between them hold on a shared machine.

use std::time::{Duration, Instant};

/// Rounds at least, however long they take.
const MIN_ROUNDS: usize = 3;

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
/// implementation (at least [`MIN_ROUNDS`]), after one warm-up call of each.
pub fn best_times(impls: &mut [Impl], budget: Duration) -> Vec<f64> {
    impls.iter_mut().for_each(|i| (i.run)()); // warm caches, pages and thread pools
    let mut best = vec![f64::INFINITY; impls.len()];
    let total = budget.saturating_mul(impls.len() as u32);
    let started = Instant::now();
    let mut rounds = 0;
    while rounds < MIN_ROUNDS || started.elapsed() < total {
        for (i, best) in impls.iter_mut().zip(&mut best) {
            let start = Instant::now();
            (i.run)();
            *best = best.min(start.elapsed().as_secs_f64());
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
        assert_eq!(*counts.borrow(), [1 + MIN_ROUNDS; 2]);
        assert!(best[1] >= 200e-6 && best[0] < best[1], "{best:?}");
    }
}
