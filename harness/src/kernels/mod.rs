//! `harness run <kernel>`: agreement reports for the SIMD kernels, one group per ISA, each
//! check comparing a kernel with the f64 oracle in `kernels::reference` against a stated
//! error bound. Reports use the same shape as the problems' (`report::Section`).

mod activation;
mod attention;
pub mod bench;
mod cross_entropy;
mod embedding;
mod exp;
mod matmul;
mod norm;
pub mod plot;
mod rope;
mod softmax;

use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

use kernels::Isa;
use kernels::reference::Sample;
use problems::check::{Failure, Status};
use serde_json::json;

use crate::practice::KernelTarget;
use crate::practice::protocol::Planned;
use crate::report::{Group, Line, Section};

/// A kernel the harness can check and benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    Matmul,
    Softmax,
    Exp,
    Attention,
    Norm,
    CrossEntropy,
    Activation,
    Embedding,
    Rope,
}

impl Kernel {
    pub const ALL: [Kernel; 9] = [
        Kernel::Matmul,
        Kernel::Softmax,
        Kernel::Exp,
        Kernel::Attention,
        Kernel::Norm,
        Kernel::CrossEntropy,
        Kernel::Activation,
        Kernel::Embedding,
        Kernel::Rope,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kernel::Matmul => "matmul",
            Kernel::Softmax => "softmax",
            Kernel::Exp => "exp",
            Kernel::Attention => "attention",
            Kernel::Norm => "norm",
            Kernel::CrossEntropy => "cross-entropy",
            Kernel::Activation => "activation",
            Kernel::Embedding => "embedding",
            Kernel::Rope => "rope",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kernel::Matmul => "f32 GEMM: C <- alpha*A*B + beta*C over any strides",
            Kernel::Softmax => "row-wise softmax and log-softmax, forward and backward",
            Kernel::Exp => "element-wise e^x",
            Kernel::Attention => "fused scaled-dot-product attention, forward and backward",
            Kernel::Norm => "layer norm and RMS norm over rows, forward and backward",
            Kernel::CrossEntropy => {
                "cross-entropy over rows of logits with ignored rows, forward and backward"
            }
            Kernel::Activation => "GELU (erf and tanh), SiLU and SwiGLU, forward and backward",
            Kernel::Embedding => "token embedding: rows gathered by id, gradients scattered back",
            Kernel::Rope => "rotary position embedding, in place, forward and backward",
        }
    }

    pub fn find(name: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// How a kernel check runs.
#[derive(Clone, Copy, Debug)]
pub struct KernelConfig {
    /// Seed of the random inputs.
    pub seed: u64,
    /// Sweep every f32 input where a kernel offers it (exp).
    pub exhaustive: bool,
    /// Check one ISA only.
    pub isa: Option<Isa>,
}

/// Runs every check of `kernel` on every ISA (or the one asked for).
pub fn section(kernel: Kernel, config: &KernelConfig) -> Section {
    let isas: Vec<Isa> =
        Isa::ALL.into_iter().filter(|&isa| config.isa.is_none_or(|only| only == isa)).collect();
    let groups = isas
        .into_iter()
        .map(|isa| {
            let lines = if isa.is_available() {
                match kernel {
                    Kernel::Matmul => matmul::checks(isa, config),
                    Kernel::Softmax => softmax::checks(isa, config),
                    Kernel::Exp => exp::checks(isa, config),
                    Kernel::Attention => attention::checks(isa, config),
                    Kernel::Norm => norm::checks(isa, config),
                    Kernel::CrossEntropy => cross_entropy::checks(isa, config),
                    Kernel::Activation => activation::checks(isa, config),
                    Kernel::Embedding => embedding::checks(isa, config),
                    Kernel::Rope => rope::checks(isa, config),
                }
            } else {
                vec![host_lacks(isa)]
            };
            let summary = match isa {
                Isa::Scalar => "portable fallback",
                Isa::Avx2 => "256-bit AVX2 + FMA",
                Isa::Avx512 => "512-bit AVX-512F + DQ",
            };
            Group { name: isa.name().to_string(), yours: false, summary: summary.to_string(), lines }
        })
        .collect();
    let mut replay = format!("cargo harness run {} --seed {}", kernel.name(), config.seed);
    if config.exhaustive {
        replay.push_str(" --exhaustive");
    }
    Section {
        kind: "kernel",
        id: kernel.name().to_string(),
        heading: format!("{}: {}", kernel.name(), kernel.title()),
        meta: json!({ "kernel": kernel.name(), "detected_isa": Isa::detect().name() }),
        groups,
        replay,
    }
}

/// What a check returns: what it covered, or what went wrong.
pub(crate) type Verdict = Result<String, Box<Failure>>;

/// Runs one check and times it. `Ok(detail)` passes; `Err(failure)` fails; a panic inside the
/// kernel is a failure too, reported with its message, except `todo!()`: an attempt not
/// written yet is pending.
pub(crate) fn check(label: &str, random: bool, run: impl FnOnce() -> Verdict) -> Line {
    let start = Instant::now();
    let (status, detail, failure) = match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(detail)) => (Status::Passed, detail, None),
        Ok(Err(failure)) => (Status::Failed, String::new(), Some(*failure)),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            if message.starts_with("not yet implemented") {
                (Status::Pending, "not solved yet (todo!)".to_string(), None)
            } else {
                (Status::Failed, String::new(), Some(*failure(format!("panicked: {message}"), String::new())))
            }
        }
    };
    Line { label: label.to_string(), status, detail, elapsed: start.elapsed(), failure, random }
}

/// The text of a panic's payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// How a judge calls a learner's kernel: the plain signature of each kernel's stub, safe, with
/// no options and no `Result`.
#[derive(Clone, Copy, Debug)]
pub enum Plain {
    Matmul(matmul::Plain),
    Softmax(softmax::Plain),
    Exp(exp::Plain),
    Attention(attention::Plain),
    LayerNorm(norm::LayerNormPlain),
    RmsNorm(norm::RmsNormPlain),
    Gelu(activation::GeluPlain),
    Silu(activation::SiluPlain),
    Swiglu(activation::SwigluPlain),
    CrossEntropy(cross_entropy::Plain),
    Embedding(embedding::Plain),
    Rope(rope::Plain),
}

impl Plain {
    pub fn target(self) -> KernelTarget {
        match self {
            Plain::Matmul(_) => KernelTarget::Matmul,
            Plain::Softmax(_) => KernelTarget::Softmax,
            Plain::Exp(_) => KernelTarget::Exp,
            Plain::Attention(_) => KernelTarget::Attention,
            Plain::LayerNorm(_) => KernelTarget::LayerNorm,
            Plain::RmsNorm(_) => KernelTarget::RmsNorm,
            Plain::Gelu(_) => KernelTarget::Gelu,
            Plain::Silu(_) => KernelTarget::Silu,
            Plain::Swiglu(_) => KernelTarget::Swiglu,
            Plain::CrossEntropy(_) => KernelTarget::CrossEntropy,
            Plain::Embedding(_) => KernelTarget::Embedding,
            Plain::Rope(_) => KernelTarget::Rope,
        }
    }
}

/// The checks of the references, in their order, each with the reason it does not apply to
/// an attempt at `target` (whose signature has no options, threads, gradients or errors), if
/// it does not.
pub fn attempt_plan(target: KernelTarget) -> Vec<Planned> {
    let plan: &[(&str, Option<&str>)] = match target {
        KernelTarget::Matmul => &matmul::ATTEMPT_PLAN,
        KernelTarget::Softmax => &softmax::ATTEMPT_PLAN,
        KernelTarget::Exp => &exp::ATTEMPT_PLAN,
        KernelTarget::Attention => &attention::ATTEMPT_PLAN,
        KernelTarget::LayerNorm | KernelTarget::RmsNorm => &norm::ATTEMPT_PLAN,
        KernelTarget::Gelu => &activation::GELU_PLAN,
        KernelTarget::Silu => &activation::SILU_PLAN,
        KernelTarget::Swiglu => &activation::SWIGLU_PLAN,
        KernelTarget::CrossEntropy => &cross_entropy::ATTEMPT_PLAN,
        KernelTarget::Embedding => &embedding::ATTEMPT_PLAN,
        KernelTarget::Rope => &rope::ATTEMPT_PLAN,
    };
    plan.iter()
        .map(|&(label, why_not)| Planned {
            label: label.to_string(),
            applies: why_not.map_or(Ok(()), |why| Err(why.to_string())),
        })
        .collect()
}

/// Runs the check `label` of an attempt; `None` if the attempt has no such check.
pub fn attempt_check(plain: Plain, label: &str, config: &KernelConfig) -> Option<Line> {
    use kernels::reference::activation::Activation;
    use kernels::reference::norm::Forward;
    use kernels::reference::norm::spec::Norm;
    match plain {
        Plain::Matmul(f) => matmul::attempt_check(f, label, config),
        Plain::Softmax(f) => softmax::attempt_check(f, label, config),
        Plain::Exp(f) => exp::attempt_check(f, label, config),
        Plain::Attention(f) => attention::attempt_check(f, label, config),
        Plain::LayerNorm(f) => {
            let run = |c: &norm::Case, o: &mut Forward<f32>| {
                let bias = c.bias.as_deref().expect("a layer norm case");
                f(&c.x, &c.weight, bias, c.eps, &mut o.y, &mut o.mean, &mut o.rstd)
            };
            norm::attempt_check(Norm::Layer, &run, label, config)
        }
        Plain::RmsNorm(f) => {
            let run = |c: &norm::Case, o: &mut Forward<f32>| f(&c.x, &c.weight, c.eps, &mut o.y, &mut o.rstd);
            norm::attempt_check(Norm::Rms, &run, label, config)
        }
        Plain::Gelu(f) => {
            let run = |x: &[f32], y: &mut [f32], op: Activation| match op {
                Activation::Gelu(approx) => f(x, y, approx),
                Activation::Silu => unreachable!("gelu is checked on its two forms"),
            };
            activation::attempt_check(activation::Attempt::Unary(&activation::GELU_OPS, &run), label, config)
        }
        Plain::Silu(f) => {
            let run = |x: &[f32], y: &mut [f32], _: Activation| f(x, y);
            activation::attempt_check(activation::Attempt::Unary(&activation::SILU_OPS, &run), label, config)
        }
        Plain::Swiglu(f) => activation::attempt_check(activation::Attempt::Swiglu(&f), label, config),
        Plain::CrossEntropy(f) => {
            let run = |c: &cross_entropy::Case, losses: &mut [f32]| {
                f(&c.logits, &c.targets, c.classes, c.ignore_index, losses)
            };
            cross_entropy::attempt_check(&run, label, config)
        }
        Plain::Embedding(f) => embedding::attempt_check(f, label, config),
        Plain::Rope(f) => rope::attempt_check(f, label, config),
    }
}

pub(crate) fn failure(message: String, input: String) -> Box<Failure> {
    Box::new(Failure { message, input, expected: None, actual: None, diff: None, shrunk: false })
}

/// The largest error seen as a fraction of its bound, and where: a check passes while the
/// worst fraction stays at or below 1.
#[derive(Clone, Debug, Default)]
struct Worst {
    ratio: f64,
    at: Option<Mismatch>,
}

#[derive(Clone, Debug)]
struct Mismatch {
    case: String,
    index: String,
    got: f64,
    want: f64,
    bound: f64,
}

impl Worst {
    /// Records one element's error against its bound; `case` describes its input.
    fn see(&mut self, case: impl FnOnce() -> String, sample: Sample) {
        let ratio = sample.ratio();
        if ratio > self.ratio || self.at.is_none() {
            self.ratio = ratio;
            let Sample { what, at, got, want, bound } = sample;
            self.at = Some(Mismatch {
                case: case(),
                index: format!("{what}{at}"),
                got: f64::from(got),
                want,
                bound,
            });
        }
    }

    /// Passes with "<what>, worst error <r> of the bound", or fails naming the worst element.
    fn verdict(&self, what: String) -> Verdict {
        match &self.at {
            Some(m) if self.ratio > 1.0 => Err(Box::new(Failure {
                message: format!(
                    "error {:.3e} exceeds the bound {:.3e} at {}",
                    (m.got - m.want).abs(),
                    m.bound,
                    m.index
                ),
                input: m.case.clone(),
                expected: Some(format!("{:e}", m.want)),
                actual: Some(format!("{:e}", m.got)),
                diff: None,
                shrunk: false,
            })),
            _ => Ok(format!("{what}; worst error {:.2} of its bound", self.ratio)),
        }
    }
}

/// The one line of an ISA this CPU cannot run: skipped, naming the missing features.
pub(crate) fn host_lacks(isa: Isa) -> Line {
    Line {
        label: "all".into(),
        status: Status::Skipped,
        detail: format!("host lacks {}", isa.missing_features().join("+")),
        elapsed: Default::default(),
        failure: None,
        random: false,
    }
}
