//! GELU (erf and tanh), SiLU and SwiGLU, forward and backward, on every ISA and on 1 and 2
//! threads against `kernels::reference::activation`, within its bounds (forward
//! `1e-5 |exact| + 1e-35`, gradients `2e-5 |exact| + 2e-7 |dy|`): on slices of 0 to 300
//! inputs that are raw f32 bit patterns (NaN, infinities and subnormals included), values near
//! the tails where `1 + erf` cancels, and the special values, with `dy`, SwiGLU's `up` and its
//! gate of moderate size so that no exact product overflows f32; one input in 32 has 2^16 elements or
//! more, where the slices are split over threads. Outputs start at any alignment with guard
//! slots around them; results must be bitwise the same for 1 and 2 threads; slices of
//! different lengths must be an error that writes nothing.

#![no_main]

use kernels::reference::Sample;
use kernels::reference::activation::{self as spec, Activation, Pass};
use kernels::{Error, Opts};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded, slice_len};
use libfuzzer_sys::fuzz_target;

/// The size from which element-wise ops split their slices over threads.
const PARALLEL_ELEMENTS: usize = 4 << 14;

/// What the guard slots around every output hold.
const GUARD: f32 = -7.0;

fn element(src: &mut Source<'_>) -> f32 {
    let r = src.raw();
    match r % 8 {
        0 | 1 => f32::from_bits(src.raw()),
        2 | 3 => src.uniform(-8.0, 8.0),
        4 => src.uniform(-16.0, -8.0),
        5 => src.spread(-40, 40),
        6 => spec::SPECIAL_INPUTS[(r >> 3) as usize % spec::SPECIAL_INPUTS.len()],
        _ => [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, f32::MAX, f32::MIN, f32::from_bits(1)]
            [(r >> 3) as usize % 6],
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let n = slice_len(&mut u, PARALLEL_ELEMENTS)?;
    let front = u.int_in_range(0..=15)?;
    let mismatch = u.int_in_range(0u8..=3)?;
    let mut src = Source::new(u)?;
    let x = src.vec(n, element);
    // SwiGLU's gate: x with finite magnitudes past 1e30 brought down to it, so that with |up|
    // and |dy| below 2^9 no exact product leaves the f32 range.
    let gate: Vec<f32> = x.iter().map(|&v| if v.is_finite() { v.clamp(-1e30, 1e30) } else { v }).collect();
    let up = src.vec(n, |s| s.spread(-30, 8));
    let dy = src.vec(n, |s| s.spread(-30, 8));

    for pass in Pass::ALL {
        let inputs: [&[f32]; 3] = match pass {
            Pass::Forward(_) => [&x, &[], &[]],
            Pass::Backward(_) => [&x, &dy, &[]],
            Pass::Swiglu => [&gate, &up, &[]],
            Pass::SwigluBackward => [&gate, &up, &dy],
        };
        for isa in isas() {
            let mut first: Option<Vec<Vec<u32>>> = None;
            for threads in THREADS {
                let what = format!("{} {isa} threads={threads} n={n} front={front}", pass.name());
                let outputs = outputs(pass, &inputs[..pass.inputs()], n, front, &opts(isa, threads), &what);
                match &first {
                    None => first = Some(outputs.iter().map(|y| bits(y)).collect()),
                    Some(one) => {
                        assert!(
                            one.iter().zip(&outputs).all(|(a, b)| *a == bits(b)),
                            "{what}: differs from 1 thread"
                        )
                    }
                }
            }
        }
    }
    for isa in isas() {
        for op in Activation::ALL {
            spec::compare(op, &x, &dy, &Opts::single(isa), within(op.name()));
        }
        spec::compare_swiglu(&gate, &up, &dy, &Opts::single(isa), within("swiglu"));
    }
    if mismatch > 0 && n > 0 {
        check_length_mismatch(&x, mismatch);
    }
    Ok(())
}

/// Runs `pass` with its outputs at `front` inside guard slots; returns the outputs.
fn outputs(pass: Pass, x: &[&[f32]], n: usize, front: usize, opts: &Opts, what: &str) -> Vec<Vec<f32>> {
    let mut buffers = vec![vec![GUARD; front + n + 5]; pass.outputs()];
    let mut y: Vec<&mut [f32]> = buffers.iter_mut().map(|b| &mut b[front..front + n]).collect();
    assert_eq!(pass.run(x, &mut y, opts), Ok(()), "{what}");
    for b in &buffers {
        let outside = b[..front].iter().chain(&b[front + n..]);
        assert!(outside.into_iter().all(|v| v.to_bits() == GUARD.to_bits()), "{what}: wrote a guard slot");
    }
    buffers.into_iter().map(|b| b[front..front + n].to_vec()).collect()
}

fn within(what: &str) -> impl FnMut(Sample) + '_ {
    move |s| assert!(s.passes(), "{what}: {s} ({:.2} of the bound)", s.ratio())
}

/// One output shorter or longer than the inputs: an `Error::Len` from every pass, the outputs
/// untouched.
fn check_length_mismatch(x: &[f32], how: u8) {
    let n = x.len();
    let out_len = if how == 1 { n - 1 } else { n + usize::from(how) };
    for pass in Pass::ALL {
        let inputs = vec![x; pass.inputs()];
        let mut buffers: Vec<Vec<f32>> =
            (0..pass.outputs()).map(|i| vec![GUARD; if i == 0 { out_len } else { n }]).collect();
        let mut y: Vec<&mut [f32]> = buffers.iter_mut().map(|b| &mut b[..]).collect();
        let r = pass.run(&inputs, &mut y, &Opts::default());
        assert!(matches!(r, Err(Error::Len { .. })), "{}: output of {out_len} for {n}: {r:?}", pass.name());
        assert!(buffers.iter().flatten().all(|v| v.to_bits() == GUARD.to_bits()), "{}: wrote", pass.name());
    }
}
