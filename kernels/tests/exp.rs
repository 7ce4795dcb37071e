//! `math::exp` on every ISA against f64 `exp`, judged by `kernels::reference::exp` (2 ULP, the
//! right class outside the normal range): a dense sample of every binade in the debug suite,
//! the special values, tails, and the exhaustive sweep as an ignored test.

#[macro_use]
mod common;

use kernels::math::{self, exp_ulp_sweep};
use kernels::reference::exp::{self as spec, MAX_ULP};
use kernels::{Error, Isa, Opts};

/// Runs the kernel on `x` and judges every output by `reference::exp::judge`; returns the
/// worst error in ULP.
fn check_all(isa: Isa, x: &[f32]) -> f64 {
    let mut y = vec![f32::NAN; x.len()];
    math::exp(x, &mut y, &Opts::single(isa)).unwrap();
    let judged =
        x.iter().zip(&y).map(|(&x, &got)| spec::judge(x, got).unwrap_or_else(|e| panic!("{isa}: {e}")));
    judged.fold(0.0, f64::max)
}

fn every_binade(isa: Isa) {
    let worst = check_all(isa, &spec::binade_sample());
    println!("{isa}: worst {worst:.3} ULP over the binade sample");
}

fn special_values(isa: Isa) {
    let x = spec::SPECIAL_INPUTS;
    check_all(isa, &x);
    let mut y = [0.0; 3];
    math::exp(&x[..3], &mut y, &Opts::single(isa)).unwrap();
    assert_eq!(y, [1.0, 1.0, std::f32::consts::E]);
}

fn tails(isa: Isa) {
    let lanes = isa.lanes();
    for n in [0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 17, 65, 257] {
        let x: Vec<f32> = (0..n).map(|i| i as f32 * 0.37 - 20.0).collect();
        // Guard elements after the output must stay untouched.
        let mut y = vec![-1.0f32; n + 5];
        math::exp(&x, &mut y[..n], &Opts::single(isa)).unwrap();
        assert!(y[n..].iter().all(|&v| v == -1.0), "{isa}: wrote past {n}");
        check_all(isa, &x);
    }
}

fn threads_agree(isa: Isa) {
    let x: Vec<f32> = (0..300_001).map(|i| (i as f32 * 0.001) - 150.0).collect();
    let mut one = vec![0.0; x.len()];
    let mut many = vec![0.0; x.len()];
    math::exp(&x, &mut one, &Opts::single(isa)).unwrap();
    let opts = Opts { isa: Some(isa), threads: 3 };
    math::exp(&x, &mut many, &opts).unwrap();
    assert!(one.iter().zip(&many).all(|(a, b)| a.to_bits() == b.to_bits()));
}

fn sweep_of_a_binade(isa: Isa) {
    // [0.5, 1): 2^23 inputs would be slow in debug; a 2^18 slice of it.
    let report = exp_ulp_sweep(0x3F00_0000..=0x3F03_FFFF, &Opts::single(isa)).unwrap();
    assert_eq!(report.inputs, 1 << 18);
    assert_eq!(report.normal_results, 1 << 18);
    assert_eq!(report.special_failures, 0);
    assert!(report.max_ulp <= MAX_ULP, "{report:?}");
    assert!(report.worst_input >= 0.5 && report.worst_input < 0.52);
    // Specials: +inf, NaNs and the overflow range.
    let report = exp_ulp_sweep(0x7F80_0000..=0x7F80_0100, &Opts::single(isa)).unwrap();
    assert_eq!((report.inputs, report.special_failures), (257, 0));
}

test_each_isa!(every_binade, special_values, tails, threads_agree, sweep_of_a_binade);

#[test]
fn length_mismatch_is_an_error() {
    let e = math::exp(&[1.0; 3], &mut [0.0; 2], &Opts::default()).unwrap_err();
    assert!(matches!(e, Error::Len { .. }));
    assert!(e.to_string().contains("x has 3 elements but y has 2"), "{e}");
}

/// Every f32 bit pattern on every available ISA. Seconds per ISA in release:
/// `cargo test --release -p kernels --test exp -- --ignored --nocapture`.
#[test]
#[ignore = "exhaustive; run in release"]
fn exhaustive_sweep() {
    for isa in Isa::available() {
        let start = std::time::Instant::now();
        let r = exp_ulp_sweep(0..=u32::MAX, &Opts { isa: Some(isa), threads: 0 }).unwrap();
        println!(
            "{isa}: {} inputs, {} with normal results, max {:.4} ULP at x = {:e} ({:#010x}): \
             got {:e}, exact {:e}; {} special failures; {:.1?}",
            r.inputs,
            r.normal_results,
            r.max_ulp,
            r.worst_input,
            r.worst_input.to_bits(),
            r.worst_output,
            r.worst_exact,
            r.special_failures,
            start.elapsed()
        );
        assert_eq!(r.special_failures, 0, "{r:?}");
        assert!(r.max_ulp <= MAX_ULP, "{r:?}");
    }
}
