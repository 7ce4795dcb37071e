//! Layer norm and RMS norm, forward and backward, on every ISA and on 1 and 2 threads against
//! the f64 oracle, within the bounds of `kernels::reference::norm::spec` (the tests' bounds):
//! up to 6 rows of 1 to 80 columns, each plain, far from zero (offsets up to 2^13 with a spread
//! down to 2^-12 of them), constant, or with its first 16 elements far from the rest (the rows
//! that take the extra pass about their mean), any eps in 1e-6..=0.1; one input in 32 past
//! 2^15 elements, where the rows are split over threads. Results must be bitwise the same for
//! 1 and 2 threads.

#![no_main]

use kernels::reference::norm::spec::{self, Case, Norm};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let norm = if u.arbitrary::<bool>()? { Norm::Layer } else { Norm::Rms };
    let big = u.int_in_range(0u8..=31)? == 31;
    let (rows, cols) = if big {
        (40, 1000 + u.int_in_range(0..=40)?)
    } else {
        (u.int_in_range(0..=6)?, u.int_in_range(1..=80)?)
    };
    let eps = [1e-6, 1e-5, 1e-3, 0.1][u.int_in_range(0..=3)?];
    let kinds: Vec<u8> = (0..rows).map(|_| u.int_in_range(0u8..=3)).collect::<Result<_>>()?;
    let mut src = Source::new(u)?;
    let mut x = Vec::with_capacity(rows * cols);
    for &kind in &kinds {
        let (base, noise) = match kind {
            0 => (0.0, 4.0),
            1 => {
                let base = src.spread(-4, 13);
                (base, base.abs() * 2f32.powi(-(src.below(13) as i32)))
            }
            2 => (src.uniform(-100.0, 100.0), 0.0),
            _ => (src.uniform(-1.0, 1.0), 2f32.powi(-(src.below(20) as i32))),
        };
        let start = x.len();
        x.extend((0..cols).map(|_| base + noise * src.unit()));
        if kind == 3 {
            // The first 16 elements (layer norm's shift) far from the rest.
            x[start..start + cols.min(16)].iter_mut().for_each(|v| *v += 1.0);
        }
    }
    let weight = src.vec(cols, |s| s.uniform(-2.0, 2.0));
    let bias = (norm == Norm::Layer).then(|| src.vec(cols, |s| s.uniform(-1.0, 1.0)));
    let dy = src.vec(rows * cols, |s| s.unit());
    let case = Case { eps, x, weight, bias, dy };

    for isa in isas() {
        let mut first: Option<Vec<Vec<u32>>> = None;
        for threads in THREADS {
            let what = format!("{isa} threads={threads} {norm:?} {rows}x{cols} eps={eps} rows {kinds:?}");
            let sink = |s: kernels::reference::Sample| {
                assert!(s.passes(), "{what}: {s} ({:.2} of the bound)", s.ratio())
            };
            let out = spec::compare_forward(&case, &opts(isa, threads), sink);
            let stats = (&out.mean[..], &out.rstd[..]);
            spec::compare_backward(&case, stats, &opts(isa, threads), sink);
            let grads = spec::backward(&case, &out.mean, &out.rstd, &opts(isa, threads)).expect("a valid call");
            let all = vec![
                bits(&out.y),
                bits(&out.mean),
                bits(&out.rstd),
                bits(&grads.dx),
                bits(&grads.dweight),
                bits(&grads.dbias),
            ];
            match &first {
                None => first = Some(all),
                Some(one) => assert!(*one == all, "{what}: differs from 1 thread"),
            }
        }
    }
    Ok(())
}
