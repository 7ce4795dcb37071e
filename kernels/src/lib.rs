//! f32 kernels for ML workloads (matmul, softmax, attention, and the activations, embedding and
//! RoPE of a transformer block), each written once as a blocked algorithm or sweep and
//! dispatched at run time to AVX-512, AVX2+FMA or a portable scalar fallback.
//!
//! Every public entry point checks its arguments, picks an [`Isa`] (the best this CPU runs, or
//! the one forced through [`Opts::isa`]) and returns an [`Error`] instead of panicking.

pub mod activation;
mod arch;
pub mod attention;
mod attention_shape;
mod elementwise;
pub mod embedding;
mod error;
mod isa;
pub mod loss;
mod mat;
pub mod math;
pub mod matmul;
pub mod naive;
pub mod norm;
mod parallel;
pub mod peak;
pub mod reference;
pub mod rope;
mod rows;
pub mod softmax;

pub use error::Error;
pub use isa::{Isa, UnknownIsa};
pub use mat::{MatMut, MatRef};

/// How a kernel call runs: which instruction set and how many threads.
///
/// ```
/// use kernels::{Isa, Opts};
/// let best = Opts::default(); // detected ISA, all cores
/// let pinned = Opts { isa: Some(Isa::Scalar), threads: 1 };
/// # let _ = (best, pinned);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opts {
    /// `None` runs on [`Isa::detect`]; `Some(isa)` forces one, and fails with
    /// [`Error::IsaUnavailable`] if this CPU cannot run it.
    pub isa: Option<Isa>,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
}

impl Opts {
    /// Single-threaded on the given ISA.
    pub fn single(isa: Isa) -> Self {
        Opts { isa: Some(isa), threads: 1 }
    }

    /// The ISA this call runs on, or an error naming the one this CPU lacks.
    pub fn resolve_isa(&self, op: &'static str) -> Result<Isa, Error> {
        match self.isa {
            None => Ok(Isa::detect()),
            Some(isa) if isa.is_available() => Ok(isa),
            Some(isa) => Err(Error::IsaUnavailable { op, isa }),
        }
    }

    /// The number of worker threads this call uses (at least 1).
    pub fn thread_count(&self) -> usize {
        parallel::thread_count(self.threads)
    }
}
