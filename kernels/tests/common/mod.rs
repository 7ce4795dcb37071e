//! Helpers shared by the integration tests.

#![allow(dead_code)] // each test crate uses a different subset

use kernels::Isa;

/// Whether tests for `isa` should run here. An ISA this CPU lacks prints
/// `skipping: host lacks <feature>` and returns false, unless `KERNELS_REQUIRE_ISA` names it
/// (e.g. `avx512`, or a comma-separated list), in which case the skip is a failure.
pub fn require_or_skip(isa: Isa) -> bool {
    if isa.is_available() {
        return true;
    }
    let required = std::env::var("KERNELS_REQUIRE_ISA").unwrap_or_default();
    let feature = isa.required_features().first().copied().unwrap_or("?");
    let demanded = required
        .split(',')
        .filter_map(|name| name.trim().parse::<Isa>().ok())
        .any(|named| named == isa);
    assert!(
        !demanded,
        "KERNELS_REQUIRE_ISA={required} but host lacks {feature}"
    );
    println!("skipping: host lacks {feature}");
    false
}

/// Expands each listed `fn check(isa: Isa)` into a module of one `#[test]` per ISA,
/// `check::scalar`, `check::avx2` and `check::avx512`, each gated by [`require_or_skip`].
macro_rules! per_isa {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                use kernels::Isa;

                #[test]
                fn scalar() {
                    if $crate::common::require_or_skip(Isa::Scalar) {
                        super::$check(Isa::Scalar);
                    }
                }

                #[test]
                fn avx2() {
                    if $crate::common::require_or_skip(Isa::Avx2) {
                        super::$check(Isa::Avx2);
                    }
                }

                #[test]
                fn avx512() {
                    if $crate::common::require_or_skip(Isa::Avx512) {
                        super::$check(Isa::Avx512);
                    }
                }
            }
        )*
    };
}
