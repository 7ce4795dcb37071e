//! e^x, written once: the f64 oracle, what an f32 result must satisfy (within [`MAX_ULP`] where
//! e^x is a normal f32, the right class elsewhere) and the inputs it is checked on, for the tests
//! and `harness run exp` alike (the kernel's own `math::exp_ulp_sweep` applies the same rule).

use std::ops::RangeInclusive;

/// e^x for every element, in f64.
pub fn exp(x: &[f32]) -> Vec<f64> {
    x.iter().map(|&v| f64::from(v).exp()).collect()
}

/// Worst error allowed wherever e^x is a normal f32, in ULP of the exact value. A polynomial
/// with a correctly reduced argument lands within 1 ULP (the exhaustive sweep measures 0.9);
/// 2 leaves room for the FMA-free scalar path without letting a wrong coefficient through.
pub const MAX_ULP: f64 = 2.0;

/// ULP of an f32 at the magnitude of `v` (positive, in the normal f32 range): 2^(e - 23) for
/// v in [2^e, 2^(e + 1)), read off v's f64 exponent so that no rounding is involved.
pub fn ulp(v: f64) -> f64 {
    let biased = (v.to_bits() >> 52) & 0x7FF;
    f64::from_bits((biased - 23) << 52)
}

/// Judges one output: `Ok` with its error in ULP (0 outside the normal range), or `Err` saying
/// what is wrong. NaN must give NaN, overflow inf, underflow 0 or a subnormal.
pub fn judge(x: f32, got: f32) -> Result<f64, String> {
    let exact = f64::from(x).exp();
    let class_ok = if x.is_nan() {
        got.is_nan()
    } else if exact as f32 == f32::INFINITY {
        got == f32::INFINITY
    } else if exact < f64::from(f32::MIN_POSITIVE) {
        (0.0..=f32::MIN_POSITIVE).contains(&got)
    } else {
        let err = (f64::from(got) - exact).abs() / ulp(exact);
        return match err <= MAX_ULP {
            true => Ok(err),
            false => Err(format!("exp({x:e} = {:#x}) = {got:e}, exact {exact:e}: {err:.2} ULP", x.to_bits())),
        };
    };
    match class_ok {
        true => Ok(0.0),
        false => Err(format!("exp({x:e}) = {got:e}, want {}", expected_class(x, exact))),
    }
}

fn expected_class(x: f32, exact: f64) -> &'static str {
    match () {
        _ if x.is_nan() => "NaN",
        _ if exact > 1.0 => "inf (overflow)",
        _ => "0 or a subnormal (underflow)",
    }
}

/// Inputs whose results are pinned: zeros, one, infinities, NaNs, the extremes, both sides of
/// the overflow and underflow thresholds, the subnormal range and tiny arguments.
pub const SPECIAL_INPUTS: [f32; 19] = [
    0.0,
    -0.0,
    1.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    -f32::NAN,
    f32::from_bits(0x7F80_0001),
    f32::MAX,
    f32::MIN,
    88.722_83,
    f32::from_bits(0x42B1_7218),
    -87.336_54,
    f32::from_bits(0xC2AE_AC50),
    -103.0,
    -150.0,
    f32::MIN_POSITIVE,
    1e-30,
    -1e-30,
];

/// 4096 evenly spaced inputs from each binade of both signs, up to the overflow threshold and
/// down to the underflow one, plus the top of every binade: a dense sample that stays quick
/// in a debug build.
pub fn binade_sample() -> Vec<f32> {
    let mut x = Vec::new();
    for sign in [0u32, 0x8000_0000] {
        for exponent in 0u32..=133 {
            let base = exponent << 23;
            x.extend((0..4096u32).map(|k| f32::from_bits(sign | base | (k * 2048 + k % 2048))));
            x.push(f32::from_bits(sign | base | 0x7F_FFFF));
        }
    }
    x
}

/// The first `per_binade` bit patterns of each of the 512 binades (both signs, every
/// exponent, NaNs and infinities included): the ranges `harness run exp` sweeps.
pub fn binade_heads(per_binade: u32) -> impl Iterator<Item = RangeInclusive<u32>> {
    (0u32..512).map(move |b| {
        let start = (b >> 8) << 31 | (b & 0xFF) << 23;
        start..=start + per_binade - 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_classes_and_ulps() {
        assert_eq!(judge(0.0, 1.0), Ok(0.0));
        assert_eq!(judge(f32::NAN, f32::NAN), Ok(0.0));
        assert!(judge(100.0, f32::MAX).unwrap_err().contains("inf (overflow)"));
        assert!(judge(-120.0, 1e-30).is_err() && judge(-120.0, 0.0).is_ok());
        assert!(judge(1.0, std::f32::consts::E * (1.0 + 3.0 * f32::EPSILON)).is_err());
        assert_eq!(ulp(1.5), f64::from(f32::EPSILON));
        let heads: Vec<_> = binade_heads(2).collect();
        assert_eq!(
            (heads.len(), heads[1].clone(), heads[256].clone()),
            (512, 1 << 23..=(1 << 23) + 1, 1 << 31..=(1 << 31) + 1)
        );
    }
}
