//! Timing approaches on inputs of growing size, so a learner sees how each one scales: the
//! measurements behind `harness bench` and the `lists` criterion group.

use std::time::{Duration, Instant};

use crate::spec::{self, Approach, Outcome, Problem};

/// Stack for recursive approaches on long inputs: their depth is the list length.
const RECURSIVE_STACK: usize = 1 << 30;

/// Total time spent per size and approach; short runs are repeated to fill it.
const BUDGET: Duration = Duration::from_millis(100);

/// The best time of one call of `approach` on `P::sized_input(n)`, over repeated calls filling
/// a short budget (see [`time_call`] for what is timed).
pub fn time_approach<P: Problem>(approach: &Approach<P::Input, P::Output>, n: usize) -> Duration {
    let input = P::sized_input(n);
    let run = approach.run;
    on_stack_for(approach, move || {
        let mut best = Duration::MAX;
        let started = Instant::now();
        while best == Duration::MAX || started.elapsed() < BUDGET {
            best = best.min(time_call(run, &input));
        }
        best
    })
}

/// The total time of `calls` calls of `approach` on `P::sized_input(n)` (the input is built
/// once; each call builds its lists afresh): what criterion's `iter_custom` asks for.
pub fn time_calls<P: Problem>(approach: &Approach<P::Input, P::Output>, n: usize, calls: u64) -> Duration {
    let input = P::sized_input(n);
    let run = approach.run;
    on_stack_for(approach, move || (0..calls).map(|_| time_call(run, &input)).sum())
}

/// One call, timed: the solution alone where its adapter reports it through
/// [`spec::timed_solve`] (building and reading back lists left out), else the whole call.
fn time_call<I, O>(run: fn(&I) -> Outcome<O>, input: &I) -> Duration {
    let start = Instant::now();
    let (outcome, solve_time) = spec::time_solve(|| run(input));
    let elapsed = solve_time.unwrap_or_else(|| start.elapsed());
    drop(outcome);
    elapsed
}

/// Runs `measure` here, or on a thread with a large stack if the approach is recursive (its
/// depth is the list length).
fn on_stack_for<I, O, R: Send + 'static>(
    approach: &Approach<I, O>,
    measure: impl FnOnce() -> R + Send + 'static,
) -> R {
    if !approach.recursive {
        return measure();
    }
    std::thread::Builder::new()
        .stack_size(RECURSIVE_STACK)
        .spawn(measure)
        .expect("spawning a timing thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Sizes the growth is fitted on: lists of up to 10^4 nodes (and a recursion that deep) stay
/// in a core's L2 cache, so the fit sees the algorithm. Beyond that every node costs a cache
/// miss whatever the algorithm, which would pass a linear walk off as n log n.
pub const FIT_SIZES: [usize; 4] = [1_000, 2_000, 5_000, 10_000];

/// How running time grows with the input, fitted from (n, time) points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Growth {
    /// The least-squares slope of log(time) against log(n): 1 for linear.
    pub exponent: f64,
    /// The closest of the usual classes.
    pub class: GrowthClass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrowthClass {
    Constant,
    Linear,
    Linearithmic,
    Quadratic,
}

impl GrowthClass {
    pub fn name(self) -> &'static str {
        match self {
            GrowthClass::Constant => "constant",
            GrowthClass::Linear => "linear",
            GrowthClass::Linearithmic => "n log n",
            GrowthClass::Quadratic => "quadratic",
        }
    }
}

/// Fits the growth of `points` (n, seconds). Needs at least two distinct sizes.
///
/// The exponent is the slope of the least-squares line through (ln n, ln time). Each class
/// predicts a slope over the same sizes (0, 1, that of n ln n, 2); the nearest one wins.
pub fn fit(points: &[(usize, f64)]) -> Option<Growth> {
    let usable: Vec<(f64, f64)> =
        points.iter().filter(|&&(n, t)| n > 1 && t > 0.0).map(|&(n, t)| (n as f64, t)).collect();
    let exponent = slope(&usable)?;
    let expected = |class: GrowthClass| match class {
        GrowthClass::Constant => 0.0,
        GrowthClass::Linear => 1.0,
        GrowthClass::Linearithmic => {
            slope(&usable.iter().map(|&(n, _)| (n, n * n.ln())).collect::<Vec<_>>()).unwrap_or(1.0)
        }
        GrowthClass::Quadratic => 2.0,
    };
    let classes =
        [GrowthClass::Constant, GrowthClass::Linear, GrowthClass::Linearithmic, GrowthClass::Quadratic];
    let class = classes
        .into_iter()
        .min_by(|&a, &b| (expected(a) - exponent).abs().total_cmp(&(expected(b) - exponent).abs()))?;
    Some(Growth { exponent, class })
}

/// The least-squares slope of ln(y) against ln(x), if there are two distinct x.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let count = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / count;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(model: impl Fn(f64) -> f64) -> Vec<(usize, f64)> {
        FIT_SIZES.iter().map(|&n| (n, model(n as f64))).collect()
    }

    #[test]
    fn fits_the_usual_classes() {
        let linear = fit(&points(|n| 3e-9 * n)).unwrap();
        assert_eq!(linear.class, GrowthClass::Linear);
        assert!((linear.exponent - 1.0).abs() < 1e-9);
        assert_eq!(fit(&points(|n| 2e-9 * n * n.ln())).unwrap().class, GrowthClass::Linearithmic);
        assert_eq!(fit(&points(|n| 1e-12 * n * n)).unwrap().class, GrowthClass::Quadratic);
        assert_eq!(fit(&points(|_| 1e-6)).unwrap().class, GrowthClass::Constant);
        assert_eq!(fit(&[(1000, 1.0)]), None);
    }
}
