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
    Kernel(Kernel),
}

impl Target {
    /// Resolves a problem id, slug or kernel name; `all` and unknown names are errors.
    pub fn find(query: &str) -> Result<Target> {
        match run::resolve(query)? {
            run::Target::Problem(problem) => Ok(Target::Problem(problem)),
            run::Target::Kernel(kernel) => Ok(Target::Kernel(kernel)),
            run::Target::All => bail!("`all` is not one target: name a problem (e.g. 24) or a kernel"),
        }
    }

    /// Every target: the problems in study order, then the kernels.
    pub fn all() -> Vec<Target> {
        let problems = problems::registry::PROBLEMS.iter().map(|&p| Target::Problem(p));
        problems.chain(Kernel::ALL.into_iter().map(Target::Kernel)).collect()
    }

    /// The directory name of its attempt and curriculum: the problem's module
    /// (`p0024_swap_nodes_in_pairs`) or the kernel's name (`softmax`).
    pub fn name(&self) -> String {
        match self {
            Target::Problem(problem) => module_name(&problem.info()),
            Target::Kernel(kernel) => kernel.name().to_string(),
        }
    }

    /// What the command line calls it: `24` or `softmax`.
    pub fn id(&self) -> String {
        match self {
            Target::Problem(problem) => problem.info().id.to_string(),
            Target::Kernel(kernel) => kernel.name().to_string(),
        }
    }

    /// "24. Swap Nodes in Pairs" or "softmax".
    pub fn title(&self) -> String {
        match self {
            Target::Problem(problem) => format!("{}. {}", problem.info().id, problem.info().title),
            Target::Kernel(kernel) => kernel.name().to_string(),
        }
    }
}
