//! `harness bench <kernel>`: every implementation of a kernel on this machine, the learner's
//! attempt first, timed in alternating rounds (`rounds`). Memory-bound kernels are held against a
//! plain copy of as many elements measured in the same rounds (% of copy, GB/s), compute-bound
//! ones (matmul, attention) against the measured FMA peak; `--plot` sweeps sizes into an SVG.

mod compute;
mod memory;
mod rounds;
mod sweep;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use indicatif::ProgressBar;
use kernels::activation::Gelu;
use kernels::reference::random_f32;
use kernels::{Isa, Opts, peak};
use serde_json::{Value, json};

use super::{Kernel, Plain};
use crate::style;

/// Time per implementation of one table, spread over the rounds.
const BUDGET: Duration = Duration::from_millis(300);

/// What to measure, as given on the command line.
#[derive(Clone, Debug)]
pub struct BenchConfig {
    /// One size instead of the defaults; with `plot`, the largest size of the sweep.
    pub size: Option<usize>,
    pub threads: usize,
    /// Sweep sizes and draw throughput against size into this SVG file.
    pub plot: Option<PathBuf>,
    /// Time per implementation and table (or point of a sweep) instead of the default.
    pub budget: Option<Duration>,
    /// Only the implementations of this op of a kernel that has several (`gelu` of the
    /// activations, `rms_norm` of the norms): the target a learner benches.
    pub focus: Option<String>,
}

/// The learner's attempt at one practice target (`gelu`, `layer_norm`, ...) of the kernel.
#[derive(Clone, Copy)]
pub struct Yours<'a> {
    /// The target's name, as `harness practice` calls it.
    pub target: &'a str,
    /// Its rate at one shape (the numbers [`measure_attempt`] takes), or why it has none.
    pub measure: &'a dyn Fn(&[usize]) -> Result<f64, String>,
}

/// One line of a table.
struct Row {
    name: String,
    /// Work units per second (FLOP/s or elements/s), or why there is none.
    rate: Result<f64, String>,
    /// GB/s of the bytes it must move, for the memory-bound kernels.
    gbs: Option<f64>,
    /// Percent of the copy's GB/s, or of the FMA peak.
    percent: Option<f64>,
    /// A backward pass's time over its forward pass's.
    over_forward: Option<f64>,
}

/// One shape's measurements.
struct Table {
    title: String,
    /// Where the shape sits on a plot's x axis.
    x: f64,
    rows: Vec<Row>,
}

/// Whether the FMA peak, rather than a copy, is `kernel`'s yardstick.
fn compute_bound(kernel: Kernel) -> bool {
    matches!(kernel, Kernel::Matmul | Kernel::Attention)
}

/// Measures `kernel` (and the attempt, through `yours`, ahead of the references) and prints a
/// table per shape, or JSON; with `--plot`, sweeps sizes and draws them.
pub fn run(kernel: Kernel, config: &BenchConfig, json_out: bool, yours: Option<Yours<'_>>) -> Result<()> {
    ensure!(config.threads >= 1, "--threads must be at least 1");
    ensure!(config.size != Some(0), "--size must be at least 1");
    let shapes = match &config.plot {
        Some(_) => sweep::shapes(kernel, config.size),
        None => default_shapes(kernel, config.size),
    };
    ensure!(
        !shapes.is_empty(),
        "--size {} is below the smallest size of the sweep",
        config.size.unwrap_or(0)
    );
    let budget = config.budget.unwrap_or(if config.plot.is_some() { sweep::BUDGET } else { BUDGET });
    let best = Isa::detect();
    let peak_one =
        if compute_bound(kernel) { peak::fma_gflops(&Opts::single(best), BUDGET)? } else { f64::NAN };
    let peak = peak_one * config.threads as f64;
    let bar = ProgressBar::new(shapes.len() as u64);
    let tables: Vec<Table> = shapes
        .iter()
        .map(|shape| {
            bar.set_message(title(kernel, shape));
            let table = measure(kernel, shape, config, budget, peak, yours);
            bar.inc(1);
            table
        })
        .collect();
    bar.finish_and_clear();
    if let Some(path) = &config.plot {
        sweep::draw(path, kernel, config.threads, &tables, peak)?;
    }
    if json_out {
        let out = json!({
            "kernel": kernel.name(),
            "focus": config.focus,
            "threads": config.threads,
            "unit": unit(kernel),
            "roofline": if compute_bound(kernel) { "measured FMA peak" } else { "copy of as many elements" },
            "peak_gflops_per_core": peak_one.is_finite().then_some(peak_one),
            "peak_isa": best.name(),
            "plot": config.plot.as_ref().map(|p| p.display().to_string()),
            "tables": tables.iter().map(|t| table_json(kernel, t)).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if let Some(path) = &config.plot {
        let drawn = tables.first().map_or(0, |t| t.rows.iter().filter(|r| r.name != "copy").count());
        println!(
            "{}: {} sizes of {drawn} implementations and the roofline drawn into {}",
            kernel.name(),
            tables.len(),
            path.display()
        );
        return Ok(());
    }
    print_tables(kernel, config, peak_one, best, &tables);
    Ok(())
}

fn unit(kernel: Kernel) -> &'static str {
    if compute_bound(kernel) { "FLOP/s" } else { "elem/s" }
}

/// The shapes measured without `--plot`: `--size` in each kernel's own terms, or a few
/// representative ones (the transformer shapes for the memory-bound kernels).
fn default_shapes(kernel: Kernel, size: Option<usize>) -> Vec<Vec<usize>> {
    let by_cols = |cols: usize| vec![((1 << 20) / cols).max(1), cols];
    match kernel {
        Kernel::Matmul => size.map_or_else(|| vec![vec![128], vec![512], vec![1024]], |n| vec![vec![n]]),
        Kernel::Softmax | Kernel::Norm => {
            size.map_or_else(|| vec![vec![1024, 1024], vec![64, 16_384]], |cols| vec![by_cols(cols)])
        }
        Kernel::Exp | Kernel::Activation => vec![vec![size.unwrap_or(1 << 20)]],
        Kernel::CrossEntropy => vec![vec![128, size.unwrap_or(32_000)]],
        Kernel::Embedding => vec![vec![size.unwrap_or(2048), 1024, 32_000]],
        Kernel::Rope => vec![vec![size.unwrap_or(2048), 8, 128]],
        Kernel::Attention => match size {
            Some(seq) => vec![vec![seq, seq, 64, 0]],
            None => vec![
                vec![512, 512, 64, 0],
                vec![2048, 2048, 64, 0],
                vec![2048, 2048, 128, 1],
                vec![1, 4096, 128, 0],
            ],
        },
    }
}

/// A table's heading.
fn title(kernel: Kernel, shape: &[usize]) -> String {
    match (kernel, shape) {
        (Kernel::Matmul, &[n]) => format!("{n}x{n} * {n}x{n}"),
        (Kernel::Attention, &[q_len, kv_len, d, causal]) => format!(
            "B1 H{} q_len {q_len} kv_len {kv_len} D{d}{}",
            compute::HEADS,
            if causal != 0 { " causal" } else { "" }
        ),
        (Kernel::Embedding, &[tokens, dim, vocab]) => {
            format!("{tokens} tokens x {dim} from a {vocab}-row table")
        }
        (Kernel::Rope, &[tokens, heads, d]) => format!("{tokens} tokens x {heads} heads x {d}, theta 10000"),
        (_, &[n]) => format!("{n} elements"),
        (_, shape) => shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("x"),
    }
}

/// Measures one shape: the attempt, then (memory-bound) a copy of as many elements and every
/// implementation (of the focused op) in the same rounds.
fn measure(
    kernel: Kernel,
    shape: &[usize],
    config: &BenchConfig,
    budget: Duration,
    peak: f64,
    yours: Option<Yours<'_>>,
) -> Table {
    let compute = compute_bound(kernel);
    let elements = memory::elements(kernel, shape);
    let mut impls = if compute {
        compute::impls(kernel, shape, config.threads)
    } else {
        let mut impls = vec![memory::copy(elements)];
        impls.extend(memory::impls(kernel, shape, config.threads));
        impls
    };
    if let Some(focus) = &config.focus {
        impls.retain(|i| i.name == "copy" || i.name.split(' ').any(|word| word == focus));
    }
    let times = rounds::best_times(&mut impls, budget);
    let copy_gbs = if compute { f64::NAN } else { impls[0].bytes / times[0] / 1e9 };
    let percent = |rate: f64, gbs: Option<f64>| match gbs {
        Some(gbs) => 100.0 * gbs / copy_gbs,
        None => 100.0 * rate / 1e9 / peak,
    };
    let mut rows = Vec::new();
    if let Some(yours) = yours {
        for (name, shape, bytes) in attempt_rows(yours.target, shape) {
            let rate = (yours.measure)(&shape);
            let gbs = rate.as_ref().ok().filter(|_| !compute).map(|r| r * bytes / 1e9);
            let percent = rate.as_ref().ok().map(|&r| percent(r, gbs));
            rows.push(Row { name, rate, gbs, percent, over_forward: None });
        }
    }
    let time_of = |name: &str| impls.iter().position(|i| i.name == name).map(|i| times[i]);
    for (i, &t) in impls.iter().zip(&times) {
        let rate = i.work / t;
        let gbs = (i.bytes > 0.0).then(|| i.bytes / t / 1e9);
        let forward = i
            .name
            .strip_suffix(" backward")
            .and_then(|base| time_of(base).or_else(|| time_of(&format!("{base} forward"))));
        rows.push(Row {
            name: i.name.clone(),
            rate: Ok(rate),
            gbs,
            percent: Some(percent(rate, gbs)),
            over_forward: forward.map(|f| t / f),
        });
    }
    Table { title: title(kernel, shape), x: sweep::x(kernel, shape), rows }
}

fn table_json(kernel: Kernel, table: &Table) -> Value {
    let key = if compute_bound(kernel) { "percent_of_peak" } else { "percent_of_copy" };
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|r| match &r.rate {
            Ok(rate) => json!({
                "implementation": r.name,
                "rate": rate,
                "gb_per_s": r.gbs,
                key: r.percent,
                "time_over_forward": r.over_forward,
            }),
            Err(why) => json!({ "implementation": r.name, "rate": null, "why": why }),
        })
        .collect();
    json!({ "shape": table.title, "size": table.x, "unit": unit(kernel), "rows": rows })
}

fn print_tables(kernel: Kernel, config: &BenchConfig, peak_one: f64, best: Isa, tables: &[Table]) {
    let compute = compute_bound(kernel);
    let name = match &config.focus {
        Some(op) => format!("{op} (of {})", kernel.name()),
        None => kernel.name().to_string(),
    };
    let mut heading = format!("{name}: {} thread(s)", config.threads);
    if compute {
        heading.push_str(&format!("; measured FMA peak {peak_one:.1} GFLOP/s per core on {best}"));
    } else {
        heading.push_str("; roofline: a plain copy of as many elements, in the same rounds");
    }
    println!("{}", style::bold(&heading));
    let width = tables.iter().flat_map(|t| &t.rows).map(|r| r.name.len()).max().unwrap_or(0).max(18);
    for table in tables {
        println!("  {}", table.title);
        for row in &table.rows {
            let Ok(rate) = &row.rate else {
                let why = row.rate.as_ref().err().map_or("", |w| w.as_str());
                println!("    {:<width$}  {}", row.name, style::dim(why));
                continue;
            };
            let percent = row.percent.unwrap_or(f64::NAN);
            let mut line = match row.gbs {
                Some(gbs) => format!(
                    "    {:<width$} {:>8.3} Gelem/s {gbs:>6.1} GB/s {percent:>5.0}% of copy",
                    row.name,
                    rate / 1e9
                ),
                None => {
                    format!("    {:<width$} {:>8.2} GFLOP/s {percent:>6.1}% of peak", row.name, rate / 1e9)
                }
            };
            if let Some(r) = row.over_forward {
                line.push_str(&format!("  {r:.2}x forward's time"));
            }
            println!("{line}");
        }
    }
    let note = if kernel == Kernel::Attention {
        "best of alternating rounds; FLOPs: 4 B H q_len kv_len D forward (halved when causal), 2.5x that backward"
    } else if compute {
        "best of alternating rounds; FLOPs: 2 n^3"
    } else {
        "best of alternating rounds; GB/s counts each array read or written once; % of copy: GB/s \
         against a copy of as many elements (8 B/elem) in the same rounds"
    };
    println!("{}", style::dim(note));
}

/// The rows of the attempt at `target` in a table at `shape`: each row's name, the shape
/// [`measure_attempt`] takes, and the bytes per element its forward pass moves (what its GB/s
/// counts). GELU has a row per form.
fn attempt_rows(target: &str, shape: &[usize]) -> Vec<(String, Vec<usize>, f64)> {
    let bytes = match target {
        "cross_entropy" => 4.0,
        "swiglu" => 12.0,
        _ => 8.0,
    };
    if target == "gelu" {
        let tanh = [shape, &[1]].concat();
        return vec![
            ("yours gelu erf".into(), shape.to_vec(), bytes),
            ("yours gelu tanh".into(), tanh, bytes),
        ];
    }
    vec![(format!("yours {target}"), shape.to_vec(), bytes)]
}

/// The rate of an attempt at one table's shape, on the same inputs as the references: what a
/// judge measures. Shapes: matmul `[n]`, softmax `[rows, cols]`, exp `[len]`, attention
/// `[q_len, kv_len, head_dim, causal]`, the norms `[rows, cols]`, cross-entropy `[rows,
/// classes]`, the activations `[n]` (gelu `[n, 1]` for its tanh form), embedding `[tokens, dim,
/// vocab]`, rope `[tokens, heads, head_dim]`; elements of output per second (cross-entropy:
/// logits per second).
pub fn measure_attempt(plain: Plain, shape: &[usize]) -> f64 {
    match (plain, shape) {
        (Plain::Matmul(matmul), &[n]) => {
            let (a, b) = (random_f32(n * n, -1.0, 1.0, 1), random_f32(n * n, -1.0, 1.0, 2));
            let mut c = vec![0.0; n * n];
            2.0 * (n as f64).powi(3) / best_time(|| matmul(&a, &b, &mut c, n, n, n))
        }
        (Plain::Softmax(softmax), &[rows, cols]) => {
            let x = random_f32(rows * cols, -8.0, 8.0, 3);
            let mut y = vec![0.0; x.len()];
            x.len() as f64 / best_time(|| softmax(&x, &mut y, cols))
        }
        (Plain::Exp(exp), &[len]) => {
            let x = random_f32(len, -80.0, 80.0, 4);
            let mut y = vec![0.0; len];
            len as f64 / best_time(|| exp(&x, &mut y))
        }
        (Plain::Attention(attention), &[q_len, kv_len, head_dim, causal]) => {
            let q = random_f32(q_len * head_dim, -1.0, 1.0, 5);
            let (k, v) =
                (random_f32(kv_len * head_dim, -1.0, 1.0, 6), random_f32(kv_len * head_dim, -1.0, 1.0, 7));
            let mut out = vec![0.0; q.len()];
            let causal = causal != 0;
            let flops = 4.0 * (q_len * kv_len * head_dim) as f64 / if causal { 2.0 } else { 1.0 };
            flops / best_time(|| attention(&q, &k, &v, &mut out, q_len, kv_len, head_dim, causal))
        }
        (Plain::LayerNorm(layer_norm), &[rows, cols]) => {
            let (x, w, b) = norm_inputs(rows, cols);
            let (mut y, mut mean, mut rstd) = (vec![0.0; x.len()], vec![0.0; rows], vec![0.0; rows]);
            x.len() as f64 / best_time(|| layer_norm(&x, &w, &b, 1e-5, &mut y, &mut mean, &mut rstd))
        }
        (Plain::RmsNorm(rms_norm), &[rows, cols]) => {
            let (x, w, _) = norm_inputs(rows, cols);
            let (mut y, mut rstd) = (vec![0.0; x.len()], vec![0.0; rows]);
            x.len() as f64 / best_time(|| rms_norm(&x, &w, 1e-5, &mut y, &mut rstd))
        }
        (Plain::Gelu(gelu), &[n, ref form @ ..]) if form.len() <= 1 => {
            let approx = if form == [1] { Gelu::Tanh } else { Gelu::Erf };
            let (x, mut y) = (random_f32(n, -6.0, 6.0, 1), vec![0.0; n]);
            n as f64 / best_time(|| gelu(&x, &mut y, approx))
        }
        (Plain::Silu(silu), &[n]) => {
            let (x, mut y) = (random_f32(n, -6.0, 6.0, 1), vec![0.0; n]);
            n as f64 / best_time(|| silu(&x, &mut y))
        }
        (Plain::Swiglu(swiglu), &[n]) => {
            let (gate, up, mut y) = (random_f32(n, -6.0, 6.0, 1), random_f32(n, -3.0, 3.0, 2), vec![0.0; n]);
            n as f64 / best_time(|| swiglu(&gate, &up, &mut y))
        }
        (Plain::CrossEntropy(cross_entropy), &[rows, classes]) => {
            let logits = random_f32(rows * classes, -8.0, 8.0, 5);
            let targets: Vec<u32> = (0..rows).map(|r| ((r * 7919) % classes) as u32).collect();
            let mut losses = vec![0.0; rows];
            logits.len() as f64
                / best_time(|| {
                    std::hint::black_box(cross_entropy(&logits, &targets, classes, None, &mut losses));
                })
        }
        (Plain::Embedding(embedding), &[tokens, dim, vocab]) => {
            let mut rng = kernels::reference::Rng::new(5);
            let ids: Vec<u32> = (0..tokens).map(|_| rng.below(vocab as u64) as u32).collect();
            let (table, mut out) = (random_f32(vocab * dim, -1.0, 1.0, 6), vec![0.0; tokens * dim]);
            out.len() as f64 / best_time(|| embedding(&table, dim, &ids, &mut out))
        }
        (Plain::Rope(rope), &[tokens, heads, head_dim]) => {
            let positions: Vec<u32> = (0..tokens as u32).collect();
            let mut x = random_f32(tokens * heads * head_dim, -1.0, 1.0, 8);
            x.len() as f64 / best_time(|| rope(&mut x, heads, head_dim, &positions, 10_000.0))
        }
        (plain, shape) => {
            panic!("{} is not measured at a shape of {} numbers", plain.target().name(), shape.len())
        }
    }
}

/// `rows x cols` inputs in [-2, 2), weights in [0.5, 1.5), biases in [-0.5, 0.5).
fn norm_inputs(rows: usize, cols: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    (random_f32(rows * cols, -2.0, 2.0, 1), random_f32(cols, 0.5, 1.5, 3), random_f32(cols, -0.5, 0.5, 4))
}

/// Best time of `work` over repeated runs filling [`BUDGET`].
fn best_time(mut work: impl FnMut()) -> f64 {
    work(); // warm caches and thread pools
    let started = Instant::now();
    let mut best = f64::INFINITY;
    while best.is_infinite() || started.elapsed() < BUDGET {
        let start = Instant::now();
        work();
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}
