//! The harness behind the `harness` binary: checks problems and kernels and reports the result.
//! A library too, so its reports can be tested on problems built only for the tests.

pub mod bench;
pub mod cli;
pub mod info;
pub mod kernels;
pub mod list;
pub mod model;
pub mod new;
pub mod practice;
pub mod report;
pub mod run;
pub mod sample;
pub mod status;
pub mod style;
pub mod train;
pub mod watch;
pub mod workspace;

use std::process::ExitCode;

use anyhow::Result;

use cli::{Cli, Command};

/// Runs one parsed command line.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::List { json } => list::run(json),
        Command::Run(args) => run::run(&args),
        Command::New(args) => new::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Info { json } => info::run(json),
        Command::Practice(args) => practice::attempt::run(&args),
        Command::Hint(args) => practice::hint::run(&args),
        Command::Solution(args) => practice::solution::run(&args),
        Command::Train(args) => train::run(&args),
        Command::Sample(args) => sample::run(&args),
    }
}
