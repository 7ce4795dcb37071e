//! `harness bench norm` and `harness bench cross-entropy`: ops that move bytes, measured
//! against a plain copy of as many elements. Every implementation runs once per round, round
//! after round, keeping its best time, so that the machine's fast and slow phases touch all of
//! them alike and their ratios hold; all write the same output, so that each finds its
//! operands where a run of its own would leave them (in cache, for these sizes). Each row
//! gives elements/s, GB/s of its own traffic, its rate as a share of the copy's, and for a
//! backward pass its time over its forward pass's.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
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

/// What a norm call reads and writes; every implementation writes the same outputs, so that
/// each finds them in cache as it would run after itself (criterion's regime).
struct NormBufs {
    x: Vec<f32>,
    dy: Vec<f32>,
    w: Vec<f32>,
    b: Vec<f32>,
    mean: Vec<f32>,
    rstd: Vec<f32>,
    rms_rstd: Vec<f32>,
    /// The forward passes' statistics (the backward passes read those above).
    stats: (Vec<f32>, Vec<f32>),
    out: Vec<f32>,
    dw: Vec<f32>,
    db: Vec<f32>,
}

fn norm_impls(rows: usize, cols: usize, threads: usize) -> Vec<Impl<'static>> {
    let n = rows * cols;
    let (w, b) = (random_f32(cols, 0.5, 1.5, 3), random_f32(cols, -0.5, 0.5, 4));
    let (x, dy) = (random_f32(n, -2.0, 2.0, 1), random_f32(n, -1.0, 1.0, 2));
    let (mean, rstd, rms_rstd) = (vec![0.0; rows], vec![0.0; rows], vec![0.0; rows]);
    let (out, dw, db) = (vec![0.0; n], vec![0.0; cols], vec![0.0; cols]);
    let stats = (vec![0.0; rows], vec![0.0; rows]);
    let bufs = Rc::new(RefCell::new(NormBufs { x, dy, w, b, mean, rstd, rms_rstd, stats, out, dw, db }));
    {
        let bufs = &mut *bufs.borrow_mut();
        let NormBufs { x, w, b, mean, rstd, rms_rstd, out, .. } = bufs;
        let best = Opts::single(Isa::detect());
        norm::layer_norm(x, w, b, 1e-5, out, mean, rstd, &best).expect("valid");
        norm::rms_norm(x, w, 1e-5, out, rms_rstd, &best).expect("valid");
    }
    let on = |name: String, bytes: f64, run: fn(&mut NormBufs, &Opts), opts: Opts| {
        let bufs = bufs.clone();
        Impl::new(name, bytes, move || run(&mut bufs.borrow_mut(), &opts))
    };
    let one = Opts::single(Isa::Scalar);
    let mut impls = vec![
        on("copy".into(), 8.0, |s, _| black_box(&mut s.out).copy_from_slice(black_box(&s.x)), one),
        on(
            "naive layer_norm".into(),
            8.0,
            |s, _| naive::layer_norm(&s.x, &s.w, &s.b, 1e-5, &mut s.out).expect("valid"),
            one,
        ),
        on(
            "naive rms_norm".into(),
            8.0,
            |s, _| naive::rms_norm(&s.x, &s.w, 1e-5, &mut s.out).expect("valid"),
            one,
        ),
    ];
    for (isa, opts) in isas(threads) {
        impls.push(on(
            format!("{isa} layer_norm"),
            8.0,
            |s, o| {
                let NormBufs { x, w, b, stats: (mean, rstd), out, .. } = s;
                norm::layer_norm(x, w, b, 1e-5, out, mean, rstd, o).expect("valid");
            },
            opts,
        ));
        impls.push(on(
            format!("{isa} layer_norm backward"),
            12.0,
            |s, o| {
                let NormBufs { x, dy, w, mean, rstd, out, dw, db, .. } = s;
                norm::layer_norm_backward(x, w, mean, rstd, dy, out, dw, db, o).expect("valid");
            },
            opts,
        ));
        impls.push(on(
            format!("{isa} rms_norm"),
            8.0,
            |s, o| {
                norm::rms_norm(&s.x, &s.w, 1e-5, &mut s.out, &mut s.stats.1, o).expect("valid");
            },
            opts,
        ));
        impls.push(on(
            format!("{isa} rms_norm backward"),
            12.0,
            |s, o| {
                let NormBufs { x, dy, w, rms_rstd, out, dw, .. } = s;
                norm::rms_norm_backward(x, w, rms_rstd, dy, out, dw, o).expect("valid");
            },
            opts,
        ));
    }
    impls
}

fn cross_entropy_impls(rows: usize, classes: usize, threads: usize) -> Vec<Impl<'static>> {
    let n = rows * classes;
    let logits = Rc::new(random_f32(n, -8.0, 8.0, 5));
    let targets: Rc<Vec<u32>> = Rc::new((0..rows).map(|r| ((r * 7919) % classes) as u32).collect());
    // One output for all, as for the norms.
    let out = Rc::new(RefCell::new(vec![0.0f32; n]));
    let mut impls = Vec::new();
    let (l, y) = (logits.clone(), out.clone());
    impls.push(Impl::new("copy", 8.0, move || {
        black_box(&mut y.borrow_mut()[..]).copy_from_slice(black_box(&l))
    }));
    let (l, t) = (logits.clone(), targets.clone());
    impls.push(Impl::new("naive cross_entropy", 4.0, move || {
        black_box(naive::cross_entropy(&l, &t, classes).expect("valid"));
    }));
    for (isa, opts) in isas(threads) {
        let (l, t, mut losses) = (logits.clone(), targets.clone(), vec![0.0f32; rows]);
        impls.push(Impl::new(format!("{isa} cross_entropy"), 4.0, move || {
            black_box(loss::cross_entropy(&l, &t, classes, None, &mut losses, &opts).expect("valid"));
        }));
        let (l, t, d) = (logits.clone(), targets.clone(), out.clone());
        impls.push(Impl::new(format!("{isa} cross_entropy backward"), 8.0, move || {
            loss::cross_entropy_backward(&l, &t, classes, None, 1.0, &mut d.borrow_mut(), &opts)
                .expect("valid");
        }));
    }
    impls
}
