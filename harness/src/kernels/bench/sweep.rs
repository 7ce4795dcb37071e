//! `harness bench <kernel> --plot FILE.svg`: the sizes a sweep measures (2^12..2^22 elements for
//! the memory-bound kernels, n = 64..1024 for matmul, sequences of 128..2048 for attention) and
//! the chart drawn from them: each implementation's throughput against size, with the copy or
//! the FMA peak as the roofline.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use super::super::Kernel;
use super::super::plot::{Axes, Series, throughput_svg};
use super::{Table, compute_bound, memory};

/// Time per implementation and point: a sweep has many points.
pub const BUDGET: Duration = Duration::from_millis(25);

/// The shapes of `kernel`'s sweep, up to `max` (in elements, n or sequence length) if given.
pub fn shapes(kernel: Kernel, max: Option<usize>) -> Vec<Vec<usize>> {
    let (first, last, step) = match kernel {
        Kernel::Matmul => (64, 1024, 2),
        Kernel::Attention => (128, 2048, 2),
        _ => (1 << 12, 1 << 22, 2),
    };
    let last = max.unwrap_or(last);
    std::iter::successors(Some(first), |&s| Some(s * step))
        .take_while(|&s| s <= last)
        .map(|s| shape(kernel, s))
        .collect()
}

/// The shape of `kernel` at one size of its sweep: rows of 1024 for the row-wise kernels.
fn shape(kernel: Kernel, size: usize) -> Vec<usize> {
    const COLS: usize = 1024;
    match kernel {
        Kernel::Matmul => vec![size],
        Kernel::Attention => vec![size, size, 64, 0],
        Kernel::Exp | Kernel::Activation => vec![size],
        Kernel::Softmax | Kernel::Norm | Kernel::CrossEntropy => vec![size / COLS, COLS],
        Kernel::Embedding => vec![size / COLS, COLS, 32_000],
        Kernel::Rope => vec![size / COLS, 8, 128],
    }
}

/// Where `shape` sits on the x axis: elements, n, or the sequence length.
pub fn x(kernel: Kernel, shape: &[usize]) -> f64 {
    match kernel {
        Kernel::Matmul | Kernel::Attention => shape[0] as f64,
        _ => memory::elements(kernel, shape) as f64,
    }
}

/// Draws every implementation of `tables` against size: GB/s under the copy's GB/s for the
/// memory-bound kernels, GFLOP/s under `peak` (GFLOP/s) for the others.
pub fn draw(path: &Path, kernel: Kernel, threads: usize, tables: &[Table], peak: f64) -> Result<()> {
    let compute = compute_bound(kernel);
    let mut series: Vec<Series> = Vec::new();
    let mut roofline = Series {
        name: if compute { "FMA peak (roofline)".into() } else { "copy (roofline)".into() },
        points: Vec::new(),
    };
    for table in tables {
        if compute {
            roofline.points.push((table.x, peak));
        }
        for row in &table.rows {
            let Ok(rate) = row.rate else { continue };
            let y = if compute { rate / 1e9 } else { row.gbs.unwrap_or(f64::NAN) };
            if !compute && row.name == "copy" {
                roofline.points.push((table.x, y));
                continue;
            }
            match series.iter_mut().find(|s| s.name == row.name) {
                Some(s) => s.points.push((table.x, y)),
                None => series.push(Series { name: row.name.clone(), points: vec![(table.x, y)] }),
            }
        }
    }
    let title = format!("{}: throughput against size, {threads} thread(s)", kernel.name());
    let axes = Axes {
        title: &title,
        size: match kernel {
            Kernel::Matmul => "n (n x n matrices)",
            Kernel::Attention => "sequence length (B1 H8 D64)",
            _ => "elements",
        },
        rate: if compute { "GFLOP/s" } else { "GB/s" },
    };
    throughput_svg(path, axes, &series, &roofline)
}
