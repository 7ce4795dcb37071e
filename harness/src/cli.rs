//! The command line, declared: every command, argument and its help text.

use clap::{Parser, Subcommand};

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
    /// List every problem with its id, title, difficulty and approaches.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check a problem (by id or slug) or a kernel, or `all` of them.
    Run(RunArgs),
}

#[derive(Debug, Parser)]
pub struct RunArgs {
    /// What to check: a problem id (`24`, `0024`), its slug (`swap-nodes-in-pairs`), or `all`.
    pub target: String,
    /// Random inputs per property test.
    #[arg(long, default_value_t = problems::check::CheckConfig::DEFAULT_CASES)]
    pub cases: u32,
    /// Seed for the random inputs; a failure report prints the seed that replays it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Skip the 10^6-node inputs.
    #[arg(long)]
    pub quick: bool,
    /// Print JSON instead of a report.
    #[arg(long)]
    pub json: bool,
}
