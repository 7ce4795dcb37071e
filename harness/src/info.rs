//! `harness info`: what this machine is to the kernels: its CPU, the SIMD extensions it
//! reports, the ISA the kernels dispatch to, and the f32 FMA peak measured on one core.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use kernels::{Isa, Opts, peak};
use serde_json::json;

use crate::style;

/// The extensions worth knowing about for f32 kernels, as /proc/cpuinfo names them.
const EXTENSIONS: [&str; 12] = [
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx512f",
    "avx512dq",
    "avx512bw",
    "avx512vl",
    "avx512_bf16",
    "avx512_fp16",
    "avx512_vnni",
];

pub fn run(json_out: bool) -> Result<ExitCode> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|line| line.split(':').next().is_some_and(|key| key.trim() == name))
            .and_then(|line| line.split_once(':'))
            .map(|(_, value)| value.trim().to_string())
    };
    let model = field("model name").unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let flags = field("flags").unwrap_or_default();
    let extensions: Vec<&str> =
        EXTENSIONS.iter().copied().filter(|ext| flags.split_whitespace().any(|f| f == *ext)).collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let peaks: Vec<(Isa, f64)> = Isa::available()
        .into_iter()
        .map(|isa| Ok((isa, peak::fma_gflops(&Opts::single(isa), Duration::from_millis(250))?)))
        .collect::<Result<_, kernels::Error>>()?;

    if json_out {
        let out = json!({
            "cpu": model,
            "cores": cores,
            "extensions": extensions,
            "available_isas": Isa::available().iter().map(|i| i.name()).collect::<Vec<_>>(),
            "detected_isa": Isa::detect().name(),
            "fma_peak_gflops_per_core": peaks.iter().map(|(isa, g)| json!({ "isa": isa.name(), "gflops": g }))
                .collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:<14} {model}", style::bold("cpu"));
    println!("{:<14} {cores}", style::bold("cores"));
    println!("{:<14} {}", style::bold("extensions"), extensions.join(" "));
    let available: Vec<&str> = Isa::available().iter().map(|i| i.name()).collect();
    println!("{:<14} {} (available: {})", style::bold("kernels use"), Isa::detect(), available.join(", "));
    for (isa, gflops) in peaks {
        println!(
            "{:<14} {gflops:.1} GFLOP/s on one core ({isa}, f32 multiply-add, {} lanes)",
            style::bold("peak"),
            isa.lanes()
        );
    }
    Ok(ExitCode::SUCCESS)
}
