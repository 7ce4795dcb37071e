//! Per-ISA implementations. `gemm_loop` and `attention_loop` are the blocked algorithms;
//! `scalar` and `x86_64::{avx2, avx512}` supply only their innermost operations.

pub(crate) mod attention_loop;
pub(crate) mod gemm_loop;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

use crate::Isa;
use attention_loop::AttnKernel;

/// Work generic over an ISA's kernel token, handed the token by [`with_kernel`]. Every ISA's
/// token implements both `GemmKernel` and `AttnKernel` (which extends it).
pub(crate) trait KernelTask {
    type Output;
    fn run<K: AttnKernel>(self, kernel: K) -> Self::Output;
}

/// The one place where an [`Isa`] becomes the token that proves its CPU features: every public
/// entry point resolves its ISA through `Opts::resolve_isa` and comes here.
///
/// # Panics
/// If this CPU cannot run `isa`: the entry points never pass such an ISA (they return
/// `Error::IsaUnavailable` first), and building the token anyway would be undefined behaviour.
pub(crate) fn with_kernel<T: KernelTask>(isa: Isa, task: T) -> T::Output {
    assert!(isa.is_available(), "{isa} reached the dispatch on a CPU that lacks it");
    match isa {
        Isa::Scalar => task.run(scalar::MatmulKernel),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: CPU feature: asserted just above (avx2 and fma, cached by `Isa::detect`).
        // Bounds: none here; the kernels index through views their entry points checked.
        Isa::Avx2 => task.run(unsafe { x86_64::avx2::MatmulKernel::new_unchecked() }),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: CPU feature: asserted just above (avx512f, avx512dq, avx2, fma). Bounds: none;
        // the kernels index through views their entry points checked.
        Isa::Avx512 => task.run(unsafe { x86_64::avx512::MatmulKernel::new_unchecked() }),
        #[cfg(not(target_arch = "x86_64"))]
        Isa::Avx2 | Isa::Avx512 => unreachable!("only Scalar is available off x86-64"),
    }
}
