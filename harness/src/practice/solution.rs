//! `harness solution <target>`: the reference code, shown only once the learner's attempt has
//! passed (`--force` to look anyway): a problem's approaches, or a kernel's shipped entry point
//! and the vector sweep behind it.

use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::progress::{self, Progress, State};
use super::{KernelTarget, Target};
use crate::cli::SolutionArgs;
use crate::style;
use crate::workspace::Workspace;

pub fn run(args: &SolutionArgs) -> Result<ExitCode> {
    let target = Target::find(&args.target)?;
    let ws = Workspace::find()?;
    let name = target.name();
    let state = progress::state(&ws, &Progress::load(&ws)?, &name);
    if state != State::Solved && !args.force {
        let why = match state {
            State::None => format!("there is no attempt yet (`harness practice {}` starts one)", target.id()),
            State::Pending => "your attempt is not finished yet (it still has a `todo!()`)".to_string(),
            State::Failing => "your attempt does not pass yet".to_string(),
            State::Solved => unreachable!("handled above"),
        };
        bail!(
            "the solution to {} is locked until your attempt passes `harness run {}`: {why}. \
             `harness hint {}` helps; `--force` shows it anyway",
            target.title(),
            target.id(),
            target.id()
        );
    }
    for path in sources(&target) {
        let file = ws.root.join(&path);
        let text = fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        println!("{}", style::bold(&format!("// {path}")));
        println!("{}", shown_part(&target, &text));
    }
    Ok(ExitCode::SUCCESS)
}

/// The files that hold the reference code, relative to the workspace root.
fn sources(target: &Target) -> Vec<String> {
    match target {
        Target::Problem(_) => vec![format!("problems/src/{}.rs", target.name())],
        Target::Kernel(kernel) => {
            let [op, sweep] = match kernel {
                KernelTarget::Softmax => ["softmax.rs", "softmax.rs"],
                KernelTarget::Matmul => ["matmul.rs", "gemm.rs"],
                KernelTarget::Exp => ["math.rs", "exp.rs"],
                KernelTarget::Attention => ["attention.rs", "attention.rs"],
                KernelTarget::LayerNorm | KernelTarget::RmsNorm => ["norm.rs", "norm.rs"],
                KernelTarget::Gelu | KernelTarget::Silu | KernelTarget::Swiglu => {
                    ["activation.rs", "activation.rs"]
                }
                KernelTarget::CrossEntropy => ["loss.rs", "loss.rs"],
                KernelTarget::Embedding => ["embedding.rs", "embedding.rs"],
                KernelTarget::Rope => ["rope.rs", "rope.rs"],
            };
            vec![format!("kernels/src/{op}"), format!("kernels/src/arch/generic/{sweep}")]
        }
    }
}

/// A problem's file up to its spec (the approaches, not the checker's description of the
/// problem); a kernel's file whole.
fn shown_part<'a>(target: &Target, text: &'a str) -> &'a str {
    match target {
        Target::Problem(_) => text.find("\npub struct Spec;").map_or(text, |end| &text[..end]),
        Target::Kernel(_) => text,
    }
}
