//! The command line, declared: every command, argument and its help text.

use clap::{Parser, Subcommand, ValueEnum};
use problems::check::CheckConfig;
use problems::spec::{Chapter, Difficulty};

/// Checks and measures linked-list solutions and SIMD kernels.
///
/// `harness run 24` checks problem 24; `harness run all` checks everything.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every problem by chapter with its id, title, difficulty and approaches.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check a problem (by id or slug) or a kernel, or `all` of them.
    Run(RunArgs),
    /// Scaffold a new problem module and register it.
    New(NewArgs),
    /// Solved, pending and failing problems by difficulty and by chapter.
    Status(StatusArgs),
    /// Time a problem's approaches on growing inputs, or a kernel's implementations.
    Bench(BenchArgs),
    /// The CPU, its SIMD extensions, the ISA the kernels use and the measured FMA peak.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Re-run `harness run <target>` whenever your attempt, or a file under problems/ or
    /// kernels/, changes.
    Watch(WatchArgs),
    /// Start your own attempt at a problem or kernel from a blank stub, and print its path.
    Practice(PracticeArgs),
    /// The next hint for a target (each call shows one more).
    Hint(HintArgs),
    /// The reference solution, once your attempt passes.
    Solution(SolutionArgs),
    /// Train the small transformer of the `gpt` crate from random weights on a task.
    Train(TrainArgs),
    /// Continue a prompt with a trained checkpoint, one token at a time from a KV cache.
    Sample(SampleArgs),
}

#[derive(Debug, Parser)]
pub struct SampleArgs {
    /// A checkpoint written by `harness train --checkpoint`.
    #[arg(long, value_name = "PATH")]
    pub checkpoint: std::path::PathBuf,
    /// The text to continue, e.g. `12+34=` for the adder.
    #[arg(long)]
    pub prompt: String,
    /// 0 picks the likeliest token (greedy); above 0 samples from the softmax of logits / T.
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f32,
    /// Tokens to generate (the adder's answer is 3, its default; otherwise up to the model's
    /// context).
    #[arg(long)]
    pub max_tokens: Option<usize>,
    /// Seeds the sampling when the temperature is above 0.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads; 0 means one per core.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Parser)]
pub struct TrainArgs {
    #[command(subcommand)]
    pub task: TrainTask,
}

#[derive(Debug, Subcommand)]
pub enum TrainTask {
    /// Two-digit addition: `03+07=` answered `010` (the sum's three digits, ones first); a
    /// seeded tenth of the 10,000 pairs is held out and scored by greedy exact match.
    Adder(TrainFlags),
    /// A character-level model of a text file (by default this repository's README.md): its
    /// last tenth is held out and scored in bits per character, and a few samples end the run.
    Chars(CharsArgs),
}

#[derive(Clone, Debug, Parser)]
pub struct CharsArgs {
    /// The text to model (UTF-8); by default the workspace's README.md.
    #[arg(long, value_name = "FILE")]
    pub text: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub flags: TrainFlags,
}

/// The settings of a training run; the model's sizes default to the task's.
#[derive(Clone, Debug, Parser)]
pub struct TrainFlags {
    /// Optimizer steps (the length of the learning-rate schedule).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Seeds the initial weights, the held-out split and the batches.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads for the kernels; 0 means one per core. Results are bitwise the same for
    /// any count.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Save the weights, the optimizer state and the run's configuration (safetensors) here at
    /// the end and every `--save-every` steps.
    #[arg(long, value_name = "PATH")]
    pub checkpoint: Option<std::path::PathBuf>,
    /// With `--checkpoint`: also save every N steps.
    #[arg(long, value_name = "N")]
    pub save_every: Option<u64>,
    /// Continue the run saved in this checkpoint: its configuration, weights, optimizer state
    /// and step; the batches continue where it stopped.
    #[arg(long, value_name = "PATH")]
    pub resume: Option<std::path::PathBuf>,
    /// Stop after this many steps in all, as if interrupted, keeping the schedule of `--steps`
    /// (with `--checkpoint`, to be continued by `--resume`).
    #[arg(long, value_name = "N")]
    pub stop_after: Option<u64>,
    /// Write each step's batch here (`batch_<step>.safetensors`: `inputs` and `targets`, I64
    /// `[batch, seq]`, ignored targets -100).
    #[arg(long, value_name = "DIR")]
    pub dump_batches: Option<std::path::PathBuf>,
    /// Sequences per step.
    #[arg(long)]
    pub batch: Option<usize>,
    /// Peak learning rate.
    #[arg(long)]
    pub lr: Option<f32>,
    /// Width of the residual stream.
    #[arg(long)]
    pub d_model: Option<usize>,
    /// Transformer blocks.
    #[arg(long)]
    pub layers: Option<usize>,
    /// Attention heads.
    #[arg(long)]
    pub heads: Option<usize>,
    /// Hidden width of the feed-forward.
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Evaluate on the held-out set every N steps (0: at the end only).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub eval_every: u64,
    /// Print one JSON object as the last line of stdout (with every step's loss in `losses`).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Parser)]
pub struct RunArgs {
    /// What to check: a problem id (`24`, `0024`), its slug (`swap-nodes-in-pairs`), a kernel
    /// (`matmul`, `softmax`, `exp`, `attention`, `norm`, `cross-entropy`, `activation`,
    /// `embedding`, `rope`), `gpt` (the transformer built from the kernels), or `all`.
    pub target: String,
    #[command(flatten)]
    pub check: CheckArgs,
    /// Kernels: check this ISA only (scalar, avx2 or avx512).
    #[arg(long)]
    pub isa: Option<kernels::Isa>,
    /// Kernels: sweep every f32 input where a kernel offers it (exp).
    #[arg(long)]
    pub exhaustive: bool,
    /// Fail on references that are not solved yet, too (an unfinished attempt never fails).
    #[arg(long)]
    pub strict: bool,
    /// Seconds each check of your attempt may take before it is stopped and reported.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIME_LIMIT)]
    pub time_limit: f64,
    /// Print JSON instead of a report.
    #[arg(long)]
    pub json: bool,
}

/// The default time limit of one check of an attempt, in seconds.
pub const DEFAULT_TIME_LIMIT: f64 = 10.0;

/// How thoroughly `run` and `status` check.
#[derive(Clone, Copy, Debug, Parser)]
pub struct CheckArgs {
    /// Random inputs per property test.
    #[arg(long, default_value_t = CheckConfig::DEFAULT_CASES)]
    pub cases: u32,
    /// Seed for the random inputs; a failure report prints the seed that replays it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Skip the 10^6-node inputs.
    #[arg(long)]
    pub quick: bool,
}

impl CheckArgs {
    /// The checker's configuration, drawing a fresh seed unless one was given.
    pub fn config(&self) -> CheckConfig {
        let seed = self.seed.unwrap_or_else(|| CheckConfig::with_fresh_seed().seed);
        CheckConfig { cases: self.cases, seed, long: !self.quick }
    }
}

#[derive(Debug, Parser)]
pub struct NewArgs {
    /// LeetCode's problem number.
    pub id: u32,
    /// LeetCode's URL slug, e.g. `reverse-linked-list`.
    pub slug: String,
    /// The title; by default the slug in title case.
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long, value_enum, default_value_t = DifficultyArg::Medium)]
    pub difficulty: DifficultyArg,
    #[arg(long, value_enum, default_value_t = ChapterArg::Practice)]
    pub chapter: ChapterArg,
    /// LeetCode's method name, e.g. `reverse_list`; by default the slug in snake case.
    #[arg(long)]
    pub method: Option<String>,
    /// Print what was created as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Parser)]
pub struct StatusArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Parser)]
pub struct BenchArgs {
    /// A problem id or slug, or a kernel: `matmul`, `softmax`, `exp`, `attention`, `norm`,
    /// `cross-entropy`, `activation`, `embedding`, `rope`; or one op of them, as `harness
    /// practice` names it (`layer_norm`, `rms_norm`, `gelu`, `silu`, `swiglu`), alone. Your
    /// attempt at the target, if you have one, is measured first, as `yours`.
    pub target: String,
    /// Problems: the largest input, in nodes; sizes grow by 10x from 10^3 up to it.
    #[arg(long, default_value_t = 1_000_000)]
    pub max: usize,
    /// Kernels: matmul's n (n x n times n x n), softmax's and norm's columns (2^20 elements in
    /// all), exp's and the activations' length, attention's sequence length (B1 H8 D64),
    /// cross-entropy's classes (128 rows), embedding's or RoPE's tokens. By default a few
    /// representative sizes.
    #[arg(long)]
    pub size: Option<usize>,
    /// Kernels: worker threads.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Seconds each measurement of your attempt may take before it is stopped.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIME_LIMIT)]
    pub time_limit: f64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Kernels: sweep sizes (2^12..2^22 elements, matmul's n 64..1024, attention's sequence
    /// 128..2048; `--size` caps the sweep) and draw throughput against size, every
    /// implementation and the roofline, into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<std::path::PathBuf>,
    /// Kernels: milliseconds each implementation is timed per shape (default 300, 25 per
    /// point of a `--plot` sweep).
    #[arg(long, value_name = "MS")]
    pub budget_ms: Option<u64>,
}

#[derive(Debug, Parser)]
pub struct WatchArgs {
    /// What to check on every change, as `harness run` takes it.
    pub target: String,
    /// Extra arguments for `harness run`, e.g. `-- --cases 32`.
    #[arg(last = true)]
    pub run_args: Vec<String>,
}

#[derive(Debug, Parser)]
pub struct PracticeArgs {
    /// A problem id or slug, or a kernel: `matmul`, `softmax`, `exp`, `attention`,
    /// `layer_norm`, `rms_norm`, `gelu`, `silu`, `swiglu`, `cross_entropy`, `embedding`, `rope`.
    pub target: String,
    /// Replace an existing attempt with a fresh stub, keeping the old file beside it.
    #[arg(long)]
    pub reset: bool,
    /// Print `{"target": ..., "file": ...}` instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Parser)]
pub struct HintArgs {
    /// A problem id or slug, or a kernel.
    pub target: String,
    /// Print every hint.
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Parser)]
pub struct SolutionArgs {
    /// A problem id or slug, or a kernel.
    pub target: String,
    /// Show it even though your attempt does not pass yet.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DifficultyArg {
    Easy,
    Medium,
    Hard,
}

impl From<DifficultyArg> for Difficulty {
    fn from(arg: DifficultyArg) -> Self {
        match arg {
            DifficultyArg::Easy => Difficulty::Easy,
            DifficultyArg::Medium => Difficulty::Medium,
            DifficultyArg::Hard => Difficulty::Hard,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChapterArg {
    Basics,
    Practice,
}

impl From<ChapterArg> for Chapter {
    fn from(arg: ChapterArg) -> Self {
        match arg {
            ChapterArg::Basics => Chapter::LinkedListBasics,
            ChapterArg::Practice => Chapter::LinkedListPractice,
        }
    }
}
