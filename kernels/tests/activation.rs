//! GELU (erf and tanh), SiLU and SwiGLU on every ISA against the f64 oracle and the PyTorch
//! golden cases, within the bounds of `kernels::reference::activation`; tails, the lower tails
//! bit pattern by bit pattern, thread counts, finite-difference gradients and bad arguments.

#[macro_use]
mod common;

use common::{assert_within, bits_eq, within};
use kernels::activation::{Gelu, gelu, gelu_backward, silu, silu_backward, swiglu, swiglu_backward};
use kernels::reference::activation::{self as spec, Activation};
use kernels::reference::{Rng, golden};
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;

fn golden_cases(isa: Isa) {
    common::golden_cases(isa, &golden::ACTIVATION, |case, opts, sink| spec::compare_golden(case, opts, sink));
}

fn matches_reference(isa: Isa) {
    let opts = Opts::single(isa);
    for n in [16, 100, 1000, 5000] {
        let x = spec::inputs(n, n as u64);
        let dy = Rng::new(!(n as u64)).vec(n, -2.0, 2.0);
        for op in Activation::ALL {
            let mut worst = 0.0f64;
            let context = format!("{isa} {} n={n}", op.name());
            spec::compare(op, &x, &dy, &opts, within(&context, &mut worst));
            println!("{context}: worst error {worst:.3} of its bound");
        }
        let mut worst = 0.0f64;
        let up = Rng::new(n as u64 * 3).vec(n, -3.0, 3.0);
        let context = format!("{isa} swiglu n={n}");
        spec::compare_swiglu(&x, &up, &dy, &opts, within(&context, &mut worst));
        println!("{context}: worst error {worst:.3} of its bound");
    }
}

/// Every 64th f32 in [-16, -8] and in [-2, -1/4], and their negatives: the lower tails, where
/// the results fall from 1e-6 to 0 and a cancelling form would lose everything, and the
/// derivatives' zero crossings.
fn bit_pattern_sweep(isa: Isa) {
    let opts = Opts::single(isa);
    let span = |lo: f32, hi: f32| (hi.to_bits()..=lo.to_bits()).step_by(64).map(f32::from_bits);
    let mut x: Vec<f32> = span(-16.0, -8.0).collect();
    x.extend(span(-2.0, -0.25));
    x.extend(x.clone().iter().map(|v| -v));
    let dy = vec![1.0; x.len()];
    for op in Activation::ALL {
        let mut worst = 0.0f64;
        let context = format!("{isa} {} sweep", op.name());
        spec::compare(op, &x, &dy, &opts, within(&context, &mut worst));
        println!("{context}: {} inputs, worst error {worst:.3} of its bound", x.len());
    }
    let context = format!("{isa} swiglu sweep");
    spec::compare_swiglu(&x, &dy, &dy, &opts, assert_within(&context));
}

/// Every size around the lane widths; the elements after each output stay untouched.
fn tails(isa: Isa) {
    let opts = Opts::single(isa);
    for n in common::tail_sizes(isa) {
        let x = spec::inputs(n, 5);
        let dy = Rng::new(6).vec(n, -1.0, 1.0);
        let mut outs = [vec![-7.0f32; n + 9], vec![-7.0f32; n + 9]];
        for op in Activation::ALL {
            op.forward(&x, &mut outs[0][..n], &opts).unwrap();
            op.backward(&x, &dy, &mut outs[1][..n], &opts).unwrap();
            spec::compare(op, &x, &dy, &opts, assert_within(&format!("{isa} {} n={n}", op.name())));
        }
        swiglu(&x, &dy, &mut outs[0][..n], &opts).unwrap();
        let [a, b] = &mut outs;
        swiglu_backward(&x, &dy, &dy, &mut a[..n], &mut b[..n], &opts).unwrap();
        for out in &outs {
            assert!(out[n..].iter().all(|&v| v == -7.0), "{isa}: n={n} wrote past the end");
        }
    }
}

/// Long enough to split over threads: 1, 2 and 3 threads give bitwise the same results.
fn threads_agree(isa: Isa) {
    let n = 300_001;
    let x = spec::inputs(n, 11);
    let dy = Rng::new(12).vec(n, -1.0, 1.0);
    let run = |threads| {
        let opts = Opts { isa: Some(isa), threads };
        let mut outs: Vec<Vec<f32>> = Vec::new();
        for op in Activation::ALL {
            let (y, dx) = spec::run(op, &x, &dy, &opts);
            outs.extend([y, dx]);
        }
        outs.extend(spec::run_swiglu(&x, &dy, &dy, &opts));
        outs
    };
    let one = run(1);
    for threads in [2, 3] {
        for (i, (a, b)) in one.iter().zip(run(threads)).enumerate() {
            assert!(bits_eq(a, &b), "{isa}: output {i} differs between 1 and {threads} threads");
        }
    }
}

/// Outputs past 4 MiB are written with streaming stores, from the first aligned vector on:
/// misaligned by one element, on 1 and 2 threads, they hold bitwise what calls small enough
/// to use plain stores write.
fn large_outputs_stream_the_same_values(isa: Isa) {
    let n = (1 << 20) + 5;
    let x = spec::inputs(n + 1, 13);
    let dy = Rng::new(14).vec(n + 1, -1.0, 1.0);
    let (x, dy) = (&x[1..], &dy[1..]);
    let single = Opts::single(isa);
    let mut want: Vec<Vec<f32>> = Vec::new();
    for op in Activation::ALL {
        let (y, dx): (Vec<Vec<f32>>, Vec<Vec<f32>>) =
            x.chunks(1000).zip(dy.chunks(1000)).map(|(x, dy)| spec::run(op, x, dy, &single)).unzip();
        want.extend([y.concat(), dx.concat()]);
    }
    for threads in [1, 2] {
        let opts = Opts { isa: Some(isa), threads };
        for (i, op) in Activation::ALL.into_iter().enumerate() {
            let mut y = vec![0.0f32; n + 1];
            let mut dx = vec![0.0f32; n + 1];
            op.forward(x, &mut y[1..], &opts).unwrap();
            op.backward(x, dy, &mut dx[1..], &opts).unwrap();
            let name = op.name();
            assert!(bits_eq(&y[1..], &want[2 * i]), "{isa} {name}, {threads} threads: forward differs");
            assert!(bits_eq(&dx[1..], &want[2 * i + 1]), "{isa} {name}, {threads} threads: backward differs");
        }
        let (mut dgate, mut dup) = (vec![0.0f32; n + 1], vec![0.0f32; n + 1]);
        swiglu_backward(x, dy, dy, &mut dgate[1..], &mut dup[1..], &opts).unwrap();
        let chunks: Vec<[Vec<f32>; 3]> =
            x.chunks(1000).zip(dy.chunks(1000)).map(|(x, dy)| spec::run_swiglu(x, dy, dy, &single)).collect();
        let [want_dgate, want_dup] =
            [1, 2].map(|o| chunks.iter().flat_map(|c| c[o].iter().copied()).collect::<Vec<f32>>());
        assert!(
            bits_eq(&dgate[1..], &want_dgate) && bits_eq(&dup[1..], &want_dup),
            "{isa} swiglu_backward differs"
        );
    }
}

test_each_isa!(
    golden_cases,
    matches_reference,
    bit_pattern_sweep,
    tails,
    threads_agree,
    large_outputs_stream_the_same_values
);

#[test]
fn mismatched_lengths_are_errors_naming_every_slice() {
    let opts = Opts::default();
    let (x, mut short) = ([1.0f32; 4], [0.0f32; 3]);
    let e = gelu(&x, &mut short, Gelu::Erf, &opts).unwrap_err();
    assert!(matches!(e, Error::Len { op: "gelu", .. }), "{e}");
    assert!(e.to_string().contains("x has 4 elements but y has 3"), "{e}");
    let e = silu(&x, &mut short, &opts).unwrap_err();
    assert!(e.to_string().contains("silu: x has 4 elements but y has 3"), "{e}");
    let e = gelu_backward(&x, &x[..3], &mut [0.0; 4], Gelu::Tanh, &opts).unwrap_err();
    assert!(
        e.to_string().contains("gelu_backward: x has 4 elements, dy 3 and dx 4 (all three must match)"),
        "{e}"
    );
    let e = silu_backward(&x, &x, &mut short, &opts).unwrap_err();
    assert!(e.to_string().contains("silu_backward: x has 4 elements, dy 4 and dx 3"), "{e}");
    let e = swiglu(&x, &x[..2], &mut [0.0; 4], &opts).unwrap_err();
    assert!(e.to_string().contains("swiglu: gate has 4 elements, up 2 and y 4"), "{e}");
    let (mut dgate, mut dup) = ([0.0f32; 4], [0.0f32; 5]);
    let e = swiglu_backward(&x, &x, &x, &mut dgate, &mut dup, &opts).unwrap_err();
    assert!(
        e.to_string().contains("gate has 4 elements, up 4, dy 4, dgate 4 and dup 5 (all five must match)"),
        "{e}"
    );
    // Nothing was written.
    assert!(short.iter().chain(&dgate).chain(&dup).all(|&v| v == 0.0));
    // Empty slices are a valid call.
    gelu(&[], &mut [], Gelu::Erf, &opts).unwrap();
    swiglu_backward(&[], &[], &[], &mut [], &mut [], &opts).unwrap();
    // An ISA this CPU lacks is refused by name.
    for isa in Isa::ALL {
        let r = silu_backward(&x, &x, &mut [0.0; 4], &Opts::single(isa));
        let want =
            if isa.is_available() { Ok(()) } else { Err(Error::IsaUnavailable { op: "silu_backward", isa }) };
        assert_eq!(r, want, "{isa}");
    }
}

/// Central difference of the f64 oracle's forward pass.
fn finite_difference(f: impl Fn(f64) -> f64, x: f32) -> f64 {
    let (x, h) = (f64::from(x), 1e-6);
    (f(x + h) - f(x - h)) / (2.0 * h)
}

fn values() -> impl Strategy<Value = f32> {
    prop_oneof![-8.0f32..8.0, -16.0f32..-8.0, -100.0f32..100.0, -1e-3f32..1e-3]
}

proptest! {
    #![proptest_config(common::replayable(64, 0x0AC7_1AE5))]

    /// Random lengths (tails of every width) and values on every ISA: within the bounds of
    /// the reference, and 1 and 2 threads bitwise equal.
    #[test]
    fn random_inputs_on_every_isa(
        (x, up, dy) in (0usize..300).prop_flat_map(|n| (
            prop::collection::vec(values(), n),
            prop::collection::vec(-4.0f32..4.0, n),
            prop::collection::vec(-2.0f32..2.0, n),
        ))
    ) {
        for isa in Isa::available() {
            let (one, two) = (Opts::single(isa), Opts { isa: Some(isa), threads: 2 });
            for op in Activation::ALL {
                spec::compare(op, &x, &dy, &one, assert_within(&format!("{isa} {}", op.name())));
                let (a, b) = (spec::run(op, &x, &dy, &one), spec::run(op, &x, &dy, &two));
                prop_assert!(bits_eq(&a.0, &b.0) && bits_eq(&a.1, &b.1), "{isa} {op:?}: threads differ");
            }
            spec::compare_swiglu(&x, &up, &dy, &one, assert_within(&format!("{isa} swiglu")));
            let (a, b) = (spec::run_swiglu(&x, &up, &dy, &one), spec::run_swiglu(&x, &up, &dy, &two));
            prop_assert!(a.iter().zip(&b).all(|(a, b)| bits_eq(a, b)), "{isa} swiglu: threads differ");
        }
    }

    /// Every backward pass is the derivative of its forward pass: the kernels' gradients
    /// against central differences of the f64 forward oracles.
    #[test]
    fn gradients_match_finite_differences(
        (x, up, dy) in (1usize..40).prop_flat_map(|n| (
            prop::collection::vec(-8.0f32..8.0, n),
            prop::collection::vec(-4.0f32..4.0, n),
            prop::collection::vec(-2.0f32..2.0, n),
        ))
    ) {
        let close = |got: f32, fd: f64, scale: f64| {
            (f64::from(got) - fd).abs() <= spec::grad_bound(fd, scale) + 1e-8 * scale
        };
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            for op in Activation::ALL {
                let (_, dx) = spec::run(op, &x, &dy, &opts);
                for i in 0..x.len() {
                    let fd = finite_difference(|v| op.exact(v), x[i]) * f64::from(dy[i]);
                    prop_assert!(close(dx[i], fd, f64::from(dy[i]).abs()), "{isa} {op:?} dx[{i}] = {} vs {fd}", dx[i]);
                }
            }
            let [_, dgate, dup] = spec::run_swiglu(&x, &up, &dy, &opts);
            for i in 0..x.len() {
                let (u, d) = (f64::from(up[i]), f64::from(dy[i]));
                let fd = finite_difference(|g| Activation::Silu.exact(g) * u, x[i]) * d;
                prop_assert!(close(dgate[i], fd, (u * d).abs()), "{isa} dgate[{i}] = {} vs {fd}", dgate[i]);
                let silu = Activation::Silu.exact(f64::from(x[i]));
                let fd = (silu * (u + 1e-6) - silu * (u - 1e-6)) / 2e-6 * d;
                prop_assert!(close(dup[i], fd, d.abs()), "{isa} dup[{i}] = {} vs {fd}", dup[i]);
            }
        }
    }
}
