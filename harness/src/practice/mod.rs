//! The practice loop: a learner's own attempt at a problem or a kernel, kept in `practice/` at
//! the workspace root as a crate of its own, judged in a child process beside the references
//! (`harness run`), with hints, and with the reference solution once it passes.

pub mod adapters;
pub mod attempt;
pub mod compile;
pub mod hint;
pub mod judge;
pub mod operands;
pub mod progress;
pub mod protocol;
pub mod safety;
pub mod solution;
pub mod spawn;
pub mod trace;
pub mod yours;

use anyhow::{Result, bail};
use problems::registry::Entry;

use crate::kernels::Kernel;
use crate::new::module_name;
use crate::run;

/// Something a learner can practise: a problem or a kernel.
#[derive(Clone, Copy)]
pub enum Target {
    Problem(&'static dyn Entry),
    Kernel(KernelTarget),
}

/// A kernel a learner writes: one function of the library, with its signature minus `opts`
/// and `Result`. Several can share one section of `harness run` (`layer_norm` and `rms_norm`
/// are both in `norm`), whose references they are held to and benchmarked beside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelTarget {
    Matmul,
    Softmax,
    Exp,
    Attention,
    LayerNorm,
    RmsNorm,
    Gelu,
    Silu,
    Swiglu,
    CrossEntropy,
    Embedding,
    Rope,
}

impl KernelTarget {
    pub const ALL: [KernelTarget; 12] = [
        KernelTarget::Matmul,
        KernelTarget::Softmax,
        KernelTarget::Exp,
        KernelTarget::Attention,
        KernelTarget::LayerNorm,
        KernelTarget::RmsNorm,
        KernelTarget::Gelu,
        KernelTarget::Silu,
        KernelTarget::Swiglu,
        KernelTarget::CrossEntropy,
        KernelTarget::Embedding,
        KernelTarget::Rope,
    ];

    /// The function's name: the attempt's directory and what the command line calls it.
    pub fn name(self) -> &'static str {
        match self {
            KernelTarget::Matmul => "matmul",
            KernelTarget::Softmax => "softmax",
            KernelTarget::Exp => "exp",
            KernelTarget::Attention => "attention",
            KernelTarget::LayerNorm => "layer_norm",
            KernelTarget::RmsNorm => "rms_norm",
            KernelTarget::Gelu => "gelu",
            KernelTarget::Silu => "silu",
            KernelTarget::Swiglu => "swiglu",
            KernelTarget::CrossEntropy => "cross_entropy",
            KernelTarget::Embedding => "embedding",
            KernelTarget::Rope => "rope",
        }
    }

    /// The section of `harness run` and `harness bench` it belongs to.
    pub fn section(self) -> Kernel {
        match self {
            KernelTarget::Matmul => Kernel::Matmul,
            KernelTarget::Softmax => Kernel::Softmax,
            KernelTarget::Exp => Kernel::Exp,
            KernelTarget::Attention => Kernel::Attention,
            KernelTarget::LayerNorm | KernelTarget::RmsNorm => Kernel::Norm,
            KernelTarget::Gelu | KernelTarget::Silu | KernelTarget::Swiglu => Kernel::Activation,
            KernelTarget::CrossEntropy => Kernel::CrossEntropy,
            KernelTarget::Embedding => Kernel::Embedding,
            KernelTarget::Rope => Kernel::Rope,
        }
    }

    /// What it computes, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            KernelTarget::Matmul => "f32 matrix product C = A B",
            KernelTarget::Softmax => "row-wise softmax",
            KernelTarget::Exp => "element-wise e^x",
            KernelTarget::Attention => "scaled-dot-product attention of one head, forward",
            KernelTarget::LayerNorm => "layer norm over rows, with weight and bias",
            KernelTarget::RmsNorm => "RMS norm over rows, with weight",
            KernelTarget::Gelu => "GELU, erf and tanh forms",
            KernelTarget::Silu => "SiLU (swish)",
            KernelTarget::Swiglu => "SwiGLU gate: silu(gate) * up",
            KernelTarget::CrossEntropy => "cross-entropy over rows of logits, mean over rows kept",
            KernelTarget::Embedding => "token embedding: rows gathered by id",
            KernelTarget::Rope => "rotary position embedding, in place",
        }
    }

    /// The target called `name` (`layer_norm`, `cross-entropy` for `cross_entropy` too).
    pub fn find(name: &str) -> Option<KernelTarget> {
        let name = name.trim().replace('-', "_");
        KernelTarget::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(&name))
    }

    /// The targets in `section`, in order.
    pub fn in_section(section: Kernel) -> Vec<KernelTarget> {
        KernelTarget::ALL.into_iter().filter(|t| t.section() == section).collect()
    }
}

impl Target {
    /// Resolves a problem id, slug or kernel name; `all`, a section of several kernels
    /// (`norm`) and unknown names are errors.
    pub fn find(query: &str) -> Result<Target> {
        match run::resolve(query)? {
            run::Target::Problem(problem) => Ok(Target::Problem(problem)),
            run::Target::Kernel(_, Some(target)) => Ok(Target::Kernel(target)),
            run::Target::Kernel(section, None) => match KernelTarget::in_section(section)[..] {
                [only] => Ok(Target::Kernel(only)),
                ref several => {
                    let names: Vec<&str> = several.iter().map(|t| t.name()).collect();
                    bail!("`{}` holds several kernels: name one of {}", section.name(), names.join(", "))
                }
            },
            run::Target::All => bail!("`all` is not one target: name a problem (e.g. 24) or a kernel"),
            run::Target::Gpt => {
                bail!(
                    "`gpt` is the model built from the kernels, not an exercise: name a problem or a kernel"
                )
            }
        }
    }

    /// Every target: the problems in study order, then the kernels.
    pub fn all() -> Vec<Target> {
        let problems = problems::registry::PROBLEMS.iter().map(|&p| Target::Problem(p));
        problems.chain(KernelTarget::ALL.into_iter().map(Target::Kernel)).collect()
    }

    /// The directory name of its attempt and curriculum: the problem's module
    /// (`p0024_swap_nodes_in_pairs`) or the kernel's name (`softmax`).
    pub fn name(&self) -> String {
        match self {
            Target::Problem(problem) => module_name(&problem.info()),
            Target::Kernel(target) => target.name().to_string(),
        }
    }

    /// What the command line calls it: `24` or `softmax`.
    pub fn id(&self) -> String {
        match self {
            Target::Problem(problem) => problem.info().id.to_string(),
            Target::Kernel(target) => target.name().to_string(),
        }
    }

    /// "24. Swap Nodes in Pairs" or "softmax".
    pub fn title(&self) -> String {
        match self {
            Target::Problem(problem) => format!("{}. {}", problem.info().id, problem.info().title),
            Target::Kernel(target) => target.name().to_string(),
        }
    }
}
