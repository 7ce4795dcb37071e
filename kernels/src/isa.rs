//! Which SIMD instruction set a kernel runs on: detected once per process, or forced by the
//! caller. `probe` is the only place that asks the CPU.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// An instruction set a kernel can be compiled for, from the most portable to the widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Isa {
    /// Portable Rust, no target features; runs everywhere.
    Scalar,
    /// 256-bit AVX2 with FMA.
    Avx2,
    /// 512-bit AVX-512F and DQ (with AVX2 and FMA, which every such CPU also has).
    Avx512,
}

impl Isa {
    /// Every ISA this crate knows, in order of preference from last to first.
    pub const ALL: [Isa; 3] = [Isa::Scalar, Isa::Avx2, Isa::Avx512];

    /// The best ISA this CPU runs. Detected on first use and cached.
    pub fn detect() -> Isa {
        *Self::cached().last().expect("Scalar is always available")
    }

    /// Every ISA this CPU runs, `Scalar` first.
    pub fn available() -> Vec<Isa> {
        Self::cached().to_vec()
    }

    /// Whether this CPU runs `self`.
    pub fn is_available(self) -> bool {
        Self::cached().contains(&self)
    }

    /// The lowercase name `FromStr` accepts: "scalar", "avx2" or "avx512".
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    /// The CPU features this ISA needs, as `is_x86_feature_detected!` names them.
    pub fn required_features(self) -> &'static [&'static str] {
        match self {
            Isa::Scalar => &[],
            Isa::Avx2 => &["avx2", "fma"],
            Isa::Avx512 => &["avx512f", "avx512dq", "avx2", "fma"],
        }
    }

    /// f32 lanes in one vector register of this ISA.
    pub fn lanes(self) -> usize {
        match self {
            Isa::Scalar => 1,
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
        }
    }

    /// The features of [`required_features`](Self::required_features) this CPU lacks: empty
    /// exactly when it runs the ISA.
    pub fn missing_features(self) -> Vec<&'static str> {
        static MISSING: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
        let missing = MISSING.get_or_init(probe);
        Isa::ALL.iter().position(|&isa| isa == self).map(|i| missing[i].clone()).unwrap_or_default()
    }

    fn cached() -> &'static [Isa] {
        static AVAILABLE: OnceLock<Vec<Isa>> = OnceLock::new();
        AVAILABLE
            .get_or_init(|| Isa::ALL.into_iter().filter(|isa| isa.missing_features().is_empty()).collect())
    }
}

/// For each ISA of `Isa::ALL`, the required features this CPU lacks; asked once per process.
fn probe() -> Vec<Vec<&'static str>> {
    let lacks =
        |isa: Isa| isa.required_features().iter().copied().filter(|&name| !has_feature(name)).collect();
    Isa::ALL.into_iter().map(lacks).collect()
}

/// Whether this CPU has one of the features `required_features` names (only `probe` asks).
#[cfg(target_arch = "x86_64")]
fn has_feature(name: &str) -> bool {
    match name {
        "avx2" => is_x86_feature_detected!("avx2"),
        "fma" => is_x86_feature_detected!("fma"),
        "avx512f" => is_x86_feature_detected!("avx512f"),
        "avx512dq" => is_x86_feature_detected!("avx512dq"),
        _ => false,
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn has_feature(_name: &str) -> bool {
    false
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error `Isa::from_str` returns for a name it does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownIsa(pub String);

impl fmt::Display for UnknownIsa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown ISA {:?} (expected scalar, avx2 or avx512)", self.0)
    }
}

impl std::error::Error for UnknownIsa {}

impl FromStr for Isa {
    type Err = UnknownIsa;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "scalar" => Ok(Isa::Scalar),
            "avx2" => Ok(Isa::Avx2),
            "avx512" | "avx512f" => Ok(Isa::Avx512),
            _ => Err(UnknownIsa(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for isa in Isa::ALL {
            assert_eq!(isa.name().parse::<Isa>(), Ok(isa));
        }
        assert!("neon".parse::<Isa>().is_err());
    }

    #[test]
    fn available_exactly_when_nothing_is_missing() {
        assert!(Isa::Scalar.missing_features().is_empty());
        for isa in Isa::ALL {
            assert_eq!(isa.is_available(), isa.missing_features().is_empty(), "{isa}");
            for name in isa.missing_features() {
                assert!(isa.required_features().contains(&name), "{isa}: {name}");
            }
        }
    }

    #[test]
    fn detect_is_the_best_available() {
        let available = Isa::available();
        assert_eq!(available[0], Isa::Scalar);
        assert_eq!(Isa::detect(), *available.iter().max().unwrap());
        assert!(available.windows(2).all(|w| w[0] < w[1]));
    }
}
