//! Cross-entropy, forward and backward, on every ISA and on 1 and 2 threads against the f64
//! oracle, within the bounds of `kernels::reference::loss::spec` (the tests' bounds): up to 6
//! rows of 1 to 300 classes, each spread over 1, 8 or 60, offset by up to 2^14, peaked at its
//! target, or with a quarter of its logits -inf (never the target's); no ignore index, one
//! among the classes or one past them; `dloss` in [-2, 2); one input in 32 past 2^15 elements,
//! where the rows are split over threads. Results must be bitwise the same for 1 and 2 threads.

#![no_main]

use kernels::reference::loss::spec::{self, Case};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let big = u.int_in_range(0u8..=31)? == 31;
    let (rows, classes) = if big {
        (40, 1000 + u.int_in_range(0..=40)?)
    } else {
        (u.int_in_range(0..=6)?, u.int_in_range(1..=300)?)
    };
    let ignore_index = match u.int_in_range(0u8..=2)? {
        0 => None,
        1 => Some(u.int_in_range(0..=classes as u32 - 1)?),
        _ => Some(classes as u32 + u.int_in_range(0..=3)?),
    };
    let kinds: Vec<u8> = (0..rows).map(|_| u.int_in_range(0u8..=3)).collect::<Result<_>>()?;
    let mut src = Source::new(u)?;
    let mut logits = Vec::with_capacity(rows * classes);
    let mut targets = Vec::with_capacity(rows);
    for &kind in &kinds {
        let target = match ignore_index {
            Some(i) if src.below(4) == 0 => i,
            _ => src.below(classes) as u32,
        };
        let spread = [1.0, 8.0, 60.0][src.below(3)];
        let offset = if kind == 1 { src.spread(-2, 14) } else { 0.0 };
        let start = logits.len();
        logits.extend((0..classes).map(|_| offset + spread * src.unit()));
        let row = &mut logits[start..];
        match kind {
            2 if (target as usize) < classes => row[target as usize] += 20.0,
            3 => {
                for (j, v) in row.iter_mut().enumerate() {
                    if j != target as usize && src.below(4) == 0 {
                        *v = f32::NEG_INFINITY;
                    }
                }
            }
            _ => {}
        }
        targets.push(target);
    }
    let dloss = src.uniform(-2.0, 2.0);
    let case = Case { classes, ignore_index, logits, targets, dloss };

    for isa in isas() {
        let mut first: Option<Vec<Vec<u32>>> = None;
        for threads in THREADS {
            let what =
                format!("{isa} threads={threads} {rows}x{classes} ignore {ignore_index:?} rows {kinds:?}");
            spec::compare(&case, &opts(isa, threads), |s| {
                assert!(s.passes(), "{what}: {s} ({:.2} of the bound)", s.ratio());
            });
            let (losses, loss) = spec::forward(&case, &opts(isa, threads)).expect("a valid call");
            let all = vec![
                bits(&losses),
                bits(&[loss]),
                bits(&spec::backward(&case, &opts(isa, threads)).expect("valid")),
            ];
            match &first {
                None => first = Some(all),
                Some(one) => assert!(*one == all, "{what}: differs from 1 thread"),
            }
        }
    }
    Ok(())
}
