//! Where an [`Isa`] becomes code: the one `match` over it ([`dispatch`]), the [`Kernel`] trait
//! each ISA's proof token implements, and the algorithms written once over that trait.
//!
//! - `generic/`: every blocked loop and sweep (GEMM, attention, the softmax family, exp, the
//!   FMA peak), generic over [`Kernel`]; safe code but for the raw vector loads and stores.
//! - `scalar/`: the one-lane implementation (portable fallback), running the same loops.
//! - `x86_64/{avx2,avx512}/`: the same trait on 8 and 16 lanes; the only intrinsics.
//!
//! `unsafe` lives here and nowhere else in the crate. Op modules check their arguments, split
//! the work over threads and hand each piece to [`dispatch`] as a [`Task`].

/// Implements [`Task`] for `$ty`, whose `run` is the expression `$body` of `$this` (the task,
/// by value) and `$k` (the ISA's token): the one shape every task has, written once.
macro_rules! task {
    ($ty:ty => $output:ty, |$this:ident, $k:ident| $body:expr) => {
        impl $crate::arch::Task for $ty {
            type Output = $output;

            #[inline(always)]
            fn run<K: $crate::arch::Kernel>(self, $k: K) -> $output {
                let $this = self;
                $body
            }
        }
    };
}

pub(crate) mod generic;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

use crate::Isa;
pub(crate) use generic::gemm::GemmKernel;
pub(crate) use generic::vector::Vector;

/// An ISA's proof token: a value exists only where detection proved the CPU runs the ISA,
/// and it carries every primitive the generic algorithms need: vector arithmetic
/// ([`Vector`]), the GEMM microkernel ([`GemmKernel`]) and a few ISA-specific shortcuts with
/// generic defaults.
pub(crate) trait Kernel: Vector + GemmKernel {
    /// Runs `task` inside a function compiled with this ISA's target features, so that every
    /// `#[inline(always)]` generic routine it calls is compiled for the ISA. The one
    /// `#[target_feature]` entry of each ISA; tasks that spread over threads call it again on
    /// each worker (a closure does not inherit the features).
    fn vectorize<T: Task>(self, task: T) -> T::Output;

    /// `dst[c * ld + r] = factor * src[r * cols + c]` for a row-major `rows x cols` `src`
    /// (`ld >= rows`): the query (and dO) blocks turned into the `B` operand of attention's
    /// score products. AVX-512 overrides it with in-register 16 x 16 transposes.
    #[inline(always)]
    fn transpose(self, src: &[f32], rows: usize, cols: usize, factor: f32, dst: &mut [f32], ld: usize) {
        generic::attention::transpose(src, rows, cols, factor, dst, ld);
    }
}

/// Work generic over the ISA, handed the ISA's token by [`dispatch`] (or by
/// [`Kernel::vectorize`] on another thread). `run` must be `#[inline(always)]`, so that it is
/// compiled inside the ISA's `#[target_feature]` entry.
pub(crate) trait Task {
    type Output;
    fn run<K: Kernel>(self, kernel: K) -> Self::Output;
}

/// The one place where an [`Isa`] becomes the token that proves its CPU features, and the one
/// `match` over ISAs outside `isa.rs`: every public entry point resolves its ISA through
/// `Opts::resolve_isa` and comes here.
///
/// # Panics
/// If this CPU cannot run `isa`: the entry points never pass such an ISA (they return
/// `Error::IsaUnavailable` first), and building the token anyway would be undefined behaviour.
pub(crate) fn dispatch<T: Task>(isa: Isa, task: T) -> T::Output {
    assert!(isa.is_available(), "{isa} reached the dispatch on a CPU that lacks it");
    match isa {
        Isa::Scalar => scalar::Scalar.vectorize(task),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: CPU feature: asserted just above (avx2 and fma, cached by `Isa::detect`).
        // Bounds: none here; every task indexes through slices its entry point checked.
        Isa::Avx2 => unsafe { x86_64::avx2::Avx2::new_unchecked() }.vectorize(task),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: CPU feature: asserted just above (avx512f, avx512dq, avx2, fma). Bounds: none
        // here; every task indexes through slices its entry point checked.
        Isa::Avx512 => unsafe { x86_64::avx512::Avx512::new_unchecked() }.vectorize(task),
        #[cfg(not(target_arch = "x86_64"))]
        Isa::Avx2 | Isa::Avx512 => unreachable!("only Scalar is available off x86-64"),
    }
}
