//! `harness`: check a linked-list solution or a kernel, and measure kernels, from one command.

use std::process::ExitCode;

use clap::Parser;
use harness::cli::Cli;

fn main() -> anyhow::Result<ExitCode> {
    harness::dispatch(Cli::parse())
}
