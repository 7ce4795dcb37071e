//! The machine's f32 multiply-add ceiling, measured rather than looked up: independent FMA
//! chains, enough of them to hide the FMA latency on every port, timed for a short while. The
//! harness reports kernels as a percentage of this number.

use std::time::{Duration, Instant};

use crate::arch::{self, generic::peak::FmaChains};
use crate::{Error, Opts};

/// FMAs issued per chain per call of the per-ISA loop: long enough that the call and timer
/// overhead vanish, short enough to check the clock often.
const ROUNDS: u64 = 1 << 16;

/// Measures single-thread f32 GFLOP/s (2 FLOP per lane per FMA) of `opts`' ISA for about
/// `duration`, keeping the best of several timed slices so a disturbed slice does not count.
///
/// # Errors
/// [`Error::IsaUnavailable`] when `opts` forces an ISA this CPU lacks.
pub fn fma_gflops(opts: &Opts, duration: Duration) -> Result<f64, Error> {
    let isa = opts.resolve_isa("peak")?;
    let started = Instant::now();
    let mut best = 0.0f64;
    while best == 0.0 || started.elapsed() < duration {
        let start = Instant::now();
        let flops = arch::dispatch(isa, FmaChains { rounds: ROUNDS });
        let seconds = start.elapsed().as_secs_f64();
        best = best.max(flops as f64 / seconds / 1e9);
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Isa;

    #[test]
    fn every_isa_measures_a_positive_rate_and_unavailable_ones_are_refused() {
        for isa in Isa::ALL {
            let result = fma_gflops(&Opts::single(isa), Duration::from_millis(5));
            if isa.is_available() {
                assert!(result.unwrap() > 0.0);
            } else {
                assert!(matches!(result, Err(Error::IsaUnavailable { .. })));
            }
        }
    }
}
