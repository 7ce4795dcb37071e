//! `harness`: check a linked-list solution or a kernel, and measure kernels, from one command.

use std::process::ExitCode;

use clap::Parser;
use harness::cli::Cli;

fn main() -> ExitCode {
    match harness::dispatch(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            // `{:#}` prints the whole context chain on one line, and never a backtrace.
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
