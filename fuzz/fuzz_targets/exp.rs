//! `math::exp` on every ISA and on 1 and 2 threads against f64 `exp` (`kernels::reference::exp`),
//! on slices of 0 to 300 arbitrary f32 bit patterns (and one input in 32 past 2^16 elements,
//! where the slice is split over threads), mixed with the special values, the overflow and
//! underflow thresholds and their neighbours, at any alignment with guard slots around the
//! output. Wherever e^x is a normal f32 the error must be under 1 ULP (the bound `math.rs`
//! documents, measured exhaustively); beyond, inf on overflow, +0 or at most `MIN_POSITIVE` on
//! underflow (subnormal results are flushed, `tests/exp.rs`), NaN for NaN. Results must be
//! bitwise the same for 1 and 2 threads, and lengths that differ must be an error that writes
//! nothing.

#![no_main]

use kernels::math::exp;
use kernels::reference::softmax as reference;
use kernels::{Error, Isa, Opts};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, opts, padded, slice_len};
use libfuzzer_sys::fuzz_target;

/// The size from which exp splits a slice over threads: big inputs are just past it.
const PARALLEL_ELEMENTS: usize = 4 << 14;

/// The documented bound (`math.rs`: "Max error under 1 ULP").
const MAX_ULP: f64 = 1.0;

/// What the guard slots around the output hold.
const GUARD: f32 = -7.0;

const SPECIALS: [f32; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    -f32::NAN,
    f32::from_bits(0x7F80_0001), // signalling NaN
    f32::from_bits(0xFFC0_1234),
    f32::MAX,
    f32::MIN,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    f32::from_bits(1),
    f32::from_bits(0x8000_0001),
    1e-30,
    -1e-30,
    std::f32::consts::LN_2,
    -std::f32::consts::LN_2,
    89.0,
    -104.0,
    -150.0,
    1e4,
];

/// Values whose neighbours (a few ULP away) sit on a boundary of the algorithm: overflow, the
/// flush to zero, the last subnormal result, half of ln 2 (the range reduction) and 1.
const THRESHOLDS: [f32; 10] = [
    88.722_83,
    f32::from_bits(0x42B1_7218),
    -87.336_54,
    f32::from_bits(0xC2AE_AC50),
    -103.278_93,
    0.346_573_6,
    -0.346_573_6,
    1.0,
    -1.0,
    0.0,
];

fn element(src: &mut Source<'_>) -> f32 {
    let r = src.raw();
    match r % 8 {
        0..=3 => f32::from_bits(src.raw()),
        4 | 5 => src.uniform(-104.0, 90.0),
        6 => SPECIALS[(r >> 3) as usize % SPECIALS.len()],
        _ => {
            let t = THRESHOLDS[(r >> 3) as usize % THRESHOLDS.len()];
            f32::from_bits(t.to_bits().wrapping_add_signed(((r >> 16) % 129) as i32 - 64))
        }
    }
}

/// ULP of an f32 at the magnitude of `v`, a positive value in the normal f32 range: 2^(e-23)
/// for v in [2^e, 2^(e+1)), read off v's f64 exponent (as `math.rs` does).
fn ulp_of(v: f64) -> f64 {
    let biased = (v.to_bits() >> 52) & 0x7FF;
    f64::from_bits((biased - 23) << 52)
}

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let n = slice_len(&mut u, PARALLEL_ELEMENTS)?;
    let front = u.int_in_range(0..=15)?;
    let probe = (u.int_in_range(0..=20)?, u.int_in_range(0u8..=3)?);
    let mut src = Source::new(u)?;
    let x = src.vec(n, element);
    let exact = reference::exp(&x);

    for isa in isas() {
        let mut first: Option<Vec<u32>> = None;
        for threads in THREADS {
            let what = format!("{isa} threads={threads} n={n} front={front}");
            let mut out = vec![GUARD; front + n + 5];
            assert_eq!(exp(&x, &mut out[front..front + n], &opts(isa, threads)), Ok(()), "{what}");
            let outside = out[..front].iter().chain(&out[front + n..]);
            assert!(
                outside.into_iter().all(|v| v.to_bits() == GUARD.to_bits()),
                "{what}: wrote a guard slot"
            );
            let y = &out[front..front + n];
            match &first {
                None => {
                    check(&what, &x, y, &exact);
                    first = Some(bits(y));
                }
                Some(one) => assert!(*one == bits(y), "{what}: differs from 1 thread"),
            }
        }
    }
    check_length_mismatch(probe.0, probe.1);
    Ok(())
}

/// Every output against the exact value, as `tests/exp.rs` classifies it.
fn check(what: &str, x: &[f32], y: &[f32], exact: &[f64]) {
    for ((&x, &got), &exact) in x.iter().zip(y).zip(exact) {
        let at = || format!("{what}: exp({x:e} = {:#010x}) = {got:e} ({:#010x})", x.to_bits(), got.to_bits());
        if x.is_nan() {
            assert!(got.is_nan(), "{}, want NaN", at());
        } else if exact as f32 == f32::INFINITY {
            assert_eq!(got, f32::INFINITY, "{} must overflow to inf", at());
        } else if exact < f64::from(f32::MIN_POSITIVE) {
            assert!(
                got.is_sign_positive() && (0.0..=f32::MIN_POSITIVE).contains(&got),
                "{}, exact {exact:e}: want +0 or at most MIN_POSITIVE",
                at()
            );
        } else {
            let err = (f64::from(got) - exact).abs() / ulp_of(exact);
            assert!(err < MAX_ULP, "{}, exact {exact:e}: {err:.3} ULP", at());
        }
    }
}

/// x and y of different lengths: an `Error::Len` from every ISA, y untouched.
fn check_length_mismatch(len: usize, delta: u8) {
    let y_len = match delta {
        0 => return,
        1 => len + 1,
        2 => len.saturating_sub(1),
        _ => len + 17,
    };
    if y_len == len {
        return;
    }
    let x = vec![1.0f32; len];
    for isa in isas() {
        let mut y = vec![GUARD; y_len];
        let r = exp(&x, &mut y, &Opts::single(isa));
        assert!(matches!(r, Err(Error::Len { .. })), "{isa}: x {len}, y {y_len}: {r:?}");
        assert!(y.iter().all(|v| v.to_bits() == GUARD.to_bits()), "{isa}: a refused call wrote y");
    }
    for isa in Isa::ALL.into_iter().filter(|isa| !isa.is_available()) {
        let r = exp(&x, &mut vec![0.0; len], &Opts::single(isa));
        assert!(matches!(r, Err(Error::IsaUnavailable { .. })), "{isa} is unavailable: {r:?}");
    }
}
