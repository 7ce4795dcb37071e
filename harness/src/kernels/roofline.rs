//! `harness bench norm` and `harness bench cross-entropy`: ops that move bytes, measured
//! against a plain copy of as many elements. Every implementation runs once per round, round
//! after round, keeping its best time, so that the machine's fast and slow phases touch all of
//! them alike and their ratios hold. Each row gives elements/s, GB/s of its own traffic, its
//! rate as a share of the copy's, and for a backward pass its time over its forward pass's.

use std::hint::black_box;
use std::time::Instant;

use anyhow::{Result, ensure};
use kernels::reference::random_f32;
use kernels::{Isa, Opts, loss, naive, norm};
use serde_json::{Value, json};

use super::Kernel;
use super::bench::{BUDGET, BenchConfig, Yours};
use crate::style;

/// One implementation: its name, the bytes it moves per element, and one call.
struct Impl<'a> {
    name: String,
    bytes: f64,
    run: Box<dyn FnMut() + 'a>,
}

impl<'a> Impl<'a> {
    fn new(name: impl Into<String>, bytes: f64, run: impl FnMut() + 'a) -> Self {
        Impl { name: name.into(), bytes, run: Box::new(run) }
    }
}

/// One measured table: a shape, its element count and each implementation's best time.
struct Table {
    shape: String,
    elements: f64,
    rows: Vec<(String, f64, f64)>,
    /// The attempt's row when it has no time: (its name, why).
    missing: Option<(String, String)>,
}

impl Table {
    /// Adds the attempt's row after the copy: measured in its judge at `shape`, moving `bytes`
    /// per element.
    fn with_yours(mut self, yours: Option<Yours<'_>>, shape: &[usize], bytes: f64) -> Table {
        if let Some(yours) = yours {
            let name = format!("yours {}", yours.name);
            match (yours.measure)(shape) {
                Ok(rate) => self.rows.insert(1.min(self.rows.len()), (name, bytes, self.elements / rate)),
                Err(why) => self.missing = Some((name, why)),
            }
        }
        self
    }
}

/// Measures `kernel` (norm or cross-entropy) and prints the tables, or JSON.
pub(super) fn run(
    kernel: Kernel,
    config: &BenchConfig,
    json_out: bool,
    yours: Option<Yours<'_>>,
) -> Result<()> {
    let threads = config.threads;
    let mut tables = Vec::new();
    if kernel == Kernel::Norm {
        let shapes = config
            .size
            .map_or_else(|| vec![(1024, 1024), (64, 16_384)], |cols| vec![((1 << 20) / cols.max(1), cols)]);
        for (rows, cols) in shapes {
            ensure!(rows >= 1 && cols >= 1, "--size must be between 1 and 2^20 columns");
            let table = measure(format!("{rows}x{cols}"), rows * cols, norm_impls(rows, cols, threads));
            tables.push(table.with_yours(yours, &[rows, cols], 8.0));
        }
    } else {
        let classes = config.size.unwrap_or(32_000);
        ensure!(classes >= 1, "--size must be at least 1 class");
        let table =
            measure(format!("128x{classes}"), 128 * classes, cross_entropy_impls(128, classes, threads));
        tables.push(table.with_yours(yours, &[128, classes], 4.0));
    }
    if json_out {
        let tables: Vec<Value> = tables.iter().map(|t| table_json(kernel, t)).collect();
        let out = json!({ "kernel": kernel.name(), "threads": threads, "tables": tables });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!("{}", style::bold(&format!("{}: {threads} thread(s)", kernel.name())));
    for table in &tables {
        println!("  {}", table.shape);
        for line in lines(table) {
            println!("    {line}");
        }
        if let Some((name, why)) = &table.missing {
            println!("    {name:<28} {}", style::dim(why));
        }
    }
    println!(
        "{}",
        style::dim(
            "best of alternating rounds; % of copy: elements/s against a copy of as many elements \
             (one thread), in the same rounds; GB/s counts each array read or written once"
        )
    );
    Ok(())
}

/// Runs every implementation once per round until each has had `BUDGET` of rounds.
fn measure(shape: String, elements: usize, mut impls: Vec<Impl<'_>>) -> Table {
    impls.iter_mut().for_each(|i| (i.run)()); // warm caches and thread pools
    let mut best = vec![f64::INFINITY; impls.len()];
    let started = Instant::now();
    while started.elapsed() < BUDGET * impls.len() as u32 {
        for (i, best) in impls.iter_mut().zip(&mut best) {
            let start = Instant::now();
            (i.run)();
            *best = best.min(start.elapsed().as_secs_f64());
        }
    }
    let rows = impls.into_iter().zip(best).map(|(i, t)| (i.name, i.bytes, t)).collect();
    Table { shape, elements: elements as f64, rows, missing: None }
}

/// Per row: (name, elements/s, GB/s, share of the copy's rate, time over the forward's).
fn rated(table: &Table) -> Vec<(&str, f64, f64, f64, Option<f64>)> {
    let time = |name: &str| table.rows.iter().find(|r| r.0 == name).map(|r| r.2);
    let copy = time("copy").unwrap_or(f64::NAN);
    let rows = table.rows.iter().map(|(name, bytes, t)| {
        let forward = name.strip_suffix(" backward").and_then(time);
        (
            name.as_str(),
            table.elements / t,
            table.elements * bytes / t / 1e9,
            copy / t,
            forward.map(|f| t / f),
        )
    });
    rows.collect()
}

fn lines(table: &Table) -> Vec<String> {
    let rows = rated(table).into_iter().map(|(name, rate, gbs, of_copy, over_forward)| {
        let relative = over_forward.map_or(String::new(), |r| format!("  {r:.2}x forward's time"));
        format!(
            "{name:<28} {:>7.3} Gelem/s {gbs:>6.1} GB/s {:>5.0}% of copy{relative}",
            rate / 1e9,
            100.0 * of_copy
        )
    });
    rows.collect()
}

fn table_json(kernel: Kernel, table: &Table) -> Value {
    let rows: Vec<Value> = rated(table)
        .into_iter()
        .map(|(name, rate, gbs, of_copy, over_forward)| {
            json!({ "implementation": name, "rate": rate, "gb_per_s": gbs,
                    "percent_of_copy": 100.0 * of_copy, "time_over_forward": over_forward })
        })
        .chain(
            table
                .missing
                .iter()
                .map(|(name, why)| json!({ "implementation": name, "rate": null, "why": why })),
        )
        .collect();
    json!({ "kernel": kernel.name(), "shape": table.shape, "unit": "elem/s", "rows": rows })
}

fn isas(threads: usize) -> impl Iterator<Item = (Isa, Opts)> {
    Isa::available().into_iter().map(move |isa| (isa, Opts { isa: Some(isa), threads }))
}

fn norm_impls(rows: usize, cols: usize, threads: usize) -> Vec<Impl<'static>> {
    let n = rows * cols;
    let (x, dy) = (random_f32(n, -2.0, 2.0, 1), random_f32(n, -1.0, 1.0, 2));
    let (w, b) = (random_f32(cols, 0.5, 1.5, 3), random_f32(cols, -0.5, 0.5, 4));
    let (mut mean, mut rstd) = (vec![0.0; rows], vec![0.0; rows]);
    let best = Opts::single(Isa::detect());
    norm::layer_norm(&x, &w, &b, 1e-5, &mut vec![0.0; n], &mut mean, &mut rstd, &best).expect("valid");
    let mut rms_rstd = vec![0.0; rows];
    norm::rms_norm(&x, &w, 1e-5, &mut vec![0.0; n], &mut rms_rstd, &best).expect("valid");
    let inputs = std::rc::Rc::new((x, dy, w, b, mean, rstd, rms_rstd));
    let out = move || vec![0.0f32; n];
    let mut impls = Vec::new();
    let i = inputs.clone();
    let mut y = out();
    impls.push(Impl::new("copy", 8.0, move || black_box(&mut y).copy_from_slice(black_box(&i.0))));
    let (i, mut y) = (inputs.clone(), out());
    impls.push(Impl::new("naive layer_norm", 8.0, move || {
        naive::layer_norm(&i.0, &i.2, &i.3, 1e-5, &mut y).expect("valid")
    }));
    let (i, mut y) = (inputs.clone(), out());
    impls.push(Impl::new("naive rms_norm", 8.0, move || {
        naive::rms_norm(&i.0, &i.2, 1e-5, &mut y).expect("valid")
    }));
    for (isa, opts) in isas(threads) {
        let (i, mut y, mut m, mut r) = (inputs.clone(), out(), vec![0.0; rows], vec![0.0; rows]);
        impls.push(Impl::new(format!("{isa} layer_norm"), 8.0, move || {
            norm::layer_norm(&i.0, &i.2, &i.3, 1e-5, &mut y, &mut m, &mut r, &opts).expect("valid");
        }));
        let (i, mut dx, mut dw, mut db) = (inputs.clone(), out(), vec![0.0; cols], vec![0.0; cols]);
        impls.push(Impl::new(format!("{isa} layer_norm backward"), 12.0, move || {
            norm::layer_norm_backward(&i.0, &i.2, &i.4, &i.5, &i.1, &mut dx, &mut dw, &mut db, &opts)
                .expect("valid");
        }));
        let (i, mut y, mut r) = (inputs.clone(), out(), vec![0.0; rows]);
        impls.push(Impl::new(format!("{isa} rms_norm"), 8.0, move || {
            norm::rms_norm(&i.0, &i.2, 1e-5, &mut y, &mut r, &opts).expect("valid");
        }));
        let (i, mut dx, mut dw) = (inputs.clone(), out(), vec![0.0; cols]);
        impls.push(Impl::new(format!("{isa} rms_norm backward"), 12.0, move || {
            norm::rms_norm_backward(&i.0, &i.2, &i.6, &i.1, &mut dx, &mut dw, &opts).expect("valid");
        }));
    }
    impls
}

fn cross_entropy_impls(rows: usize, classes: usize, threads: usize) -> Vec<Impl<'static>> {
    let n = rows * classes;
    let logits = std::rc::Rc::new(random_f32(n, -8.0, 8.0, 5));
    let targets: std::rc::Rc<Vec<u32>> =
        std::rc::Rc::new((0..rows).map(|r| ((r * 7919) % classes) as u32).collect());
    let mut impls = Vec::new();
    let (l, mut y) = (logits.clone(), vec![0.0f32; n]);
    impls.push(Impl::new("copy", 8.0, move || black_box(&mut y).copy_from_slice(black_box(&l))));
    let (l, t) = (logits.clone(), targets.clone());
    impls.push(Impl::new("naive cross_entropy", 4.0, move || {
        black_box(naive::cross_entropy(&l, &t, classes).expect("valid"));
    }));
    for (isa, opts) in isas(threads) {
        let (l, t, mut losses) = (logits.clone(), targets.clone(), vec![0.0f32; rows]);
        impls.push(Impl::new(format!("{isa} cross_entropy"), 4.0, move || {
            black_box(loss::cross_entropy(&l, &t, classes, None, &mut losses, &opts).expect("valid"));
        }));
        let (l, t, mut d) = (logits.clone(), targets.clone(), vec![0.0f32; n]);
        impls.push(Impl::new(format!("{isa} cross_entropy backward"), 8.0, move || {
            loss::cross_entropy_backward(&l, &t, classes, None, 1.0, &mut d, &opts).expect("valid");
        }));
    }
    impls
}
