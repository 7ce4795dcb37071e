//! `harness bench <kernel>`: a quick measurement of every implementation of a kernel on this
//! machine, the learner's attempt first, as GFLOP/s and percent of the measured FMA peak
//! (matmul, attention) or elements/s and percent of a plain copy of the same data (softmax,
//! exp). Best of repeated runs; criterion in the `benches` crate gives the careful numbers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use kernels::activation::Gelu;
use kernels::attention::{Attention, Grads, Params, Qkv, Shape};
use kernels::matmul::gemm;
use kernels::reference::random_f32;
use kernels::{Isa, MatMut, MatRef, Opts, math, naive, peak, softmax};
use serde_json::{Value, json};

use super::{Kernel, Plain};
use crate::style;

/// Time spent per measurement; short runs are repeated to fill it and the best is kept.
pub(super) const BUDGET: Duration = Duration::from_millis(300);

/// What to measure: sizes and threads, as given on the command line.
#[derive(Clone, Copy, Debug)]
pub struct BenchConfig {
    pub size: Option<usize>,
    pub threads: usize,
}

/// One line of the table: an implementation's rate, or why it has none (an attempt that is
/// pending, say).
struct Row {
    name: String,
    /// Work units per second: FLOP/s for matmul and attention, elements/s otherwise.
    rate: Result<f64, String>,
}

impl Row {
    fn new(name: impl Into<String>, rate: f64) -> Self {
        Row { name: name.into(), rate: Ok(rate) }
    }
}

/// The learner's attempt: the function it is (`silu`: its row goes in that op's tables), and
/// its rate at one shape (the numbers [`measure_attempt`] takes), or why it has none.
#[derive(Clone, Copy)]
pub struct Yours<'a> {
    pub name: &'a str,
    pub measure: &'a dyn Fn(&[usize]) -> Result<f64, String>,
}

/// One shape's table.
struct Table {
    title: String,
    /// The shape as [`measure_attempt`] takes it.
    shape: Vec<usize>,
    rows: Vec<Row>,
}

/// Measures `kernel` (and the attempt, through `yours`, ahead of the references), prints a
/// table (or JSON). The yardstick of matmul and attention is the FMA peak measured now; of
/// softmax and exp, which stream memory, a plain copy of the same data measured in the same run.
pub fn run(kernel: Kernel, config: &BenchConfig, json_out: bool, yours: Option<Yours<'_>>) -> Result<()> {
    ensure!(config.threads >= 1, "--threads must be at least 1");
    let best = Isa::detect();
    // Only matmul and attention are compute-bound enough for the FMA peak to be their yardstick.
    let compute_bound = matches!(kernel, Kernel::Matmul | Kernel::Attention);
    let peak_one = if compute_bound {
        peak::fma_gflops(&Opts::single(best), Duration::from_millis(300))?
    } else {
        f64::NAN
    };
    let peak = peak_one * config.threads as f64;
    let mut tables: Vec<Table> = Vec::new();
    let unit = if compute_bound { "FLOP/s" } else { "elem/s" };
    match kernel {
        Kernel::Activation | Kernel::Embedding | Kernel::Rope => {
            return super::bench_memory::run(kernel, config, json_out, yours);
        }
        Kernel::Matmul => {
            let sizes = config.size.map_or_else(|| vec![128, 512, 1024], |n| vec![n]);
            for n in sizes {
                ensure!(n >= 1, "--size must be at least 1");
                let rows = matmul_rows(n, config.threads);
                tables.push(Table { title: format!("{n}x{n} * {n}x{n}"), shape: vec![n], rows });
            }
        }
        Kernel::Softmax => {
            let shapes = config.size.map_or_else(
                || vec![(4096, 128), (1024, 1024), (256, 4096)],
                |cols| vec![((1 << 20) / cols.max(1), cols)],
            );
            for (rows, cols) in shapes {
                ensure!(rows >= 1 && cols >= 1, "--size must be between 1 and 2^20 columns");
                let measured = softmax_rows(rows, cols, config.threads);
                tables.push(Table {
                    title: format!("{rows}x{cols}"),
                    shape: vec![rows, cols],
                    rows: measured,
                });
            }
        }
        Kernel::Exp => {
            let len = config.size.unwrap_or(1 << 20);
            tables.push(Table {
                title: format!("{len} elements"),
                shape: vec![len],
                rows: exp_rows(len, config.threads),
            });
        }
        Kernel::Norm | Kernel::CrossEntropy => return super::roofline::run(kernel, config, json_out, yours),
        Kernel::Attention => {
            let shapes = match config.size {
                Some(seq) => vec![(seq, seq, 64, false)],
                None => vec![
                    (512, 512, 64, false),
                    (2048, 2048, 64, false),
                    (2048, 2048, 128, true),
                    (1, 4096, 128, false),
                ],
            };
            for (q_len, kv_len, head_dim, causal) in shapes {
                ensure!(q_len >= 1, "--size must be at least 1");
                let shape = Shape { batch: 1, heads: 8, kv_heads: 8, q_len, kv_len, head_dim };
                let title = format!(
                    "B1 H8 q_len {q_len} kv_len {kv_len} D{head_dim}{}",
                    if causal { " causal" } else { "" }
                );
                let rows = attention_rows(shape, causal, config.threads);
                tables.push(Table { title, shape: vec![q_len, kv_len, head_dim, usize::from(causal)], rows });
            }
        }
    }
    for table in &mut tables {
        let mut first = Vec::new();
        if !compute_bound {
            let elements = table.shape.iter().product::<usize>();
            first.push(Row::new("copy (roofline)", copy_rate(elements)));
        }
        if let Some(yours) = yours {
            let name = if kernel == Kernel::Attention { "yours forward (1 head)" } else { "yours" };
            first.push(Row { name: name.into(), rate: (yours.measure)(&table.shape) });
        }
        table.rows.splice(0..0, first);
    }
    // The percentage of its yardstick a rate reaches.
    let roofline = |table: &Table, rate: f64| {
        if compute_bound {
            100.0 * rate / 1e9 / peak
        } else {
            let copy = table.rows[0].rate.as_ref().map_or(f64::NAN, |&r| r);
            100.0 * rate / copy
        }
    };

    if json_out {
        let tables: Vec<Value> = tables
            .iter()
            .map(|table| {
                json!({
                    "shape": table.title,
                    "unit": unit,
                    "rows": table.rows.iter().map(|r| match &r.rate {
                        Ok(rate) => json!({
                            "implementation": r.name,
                            "rate": rate,
                            "percent_of_roofline": roofline(table, *rate),
                            "percent_of_peak": compute_bound.then(|| roofline(table, *rate)),
                            "gb_per_s": (!compute_bound).then(|| rate * 8.0 / 1e9),
                        }),
                        Err(why) => json!({ "implementation": r.name, "rate": null, "why": why }),
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "kernel": kernel.name(),
            "threads": config.threads,
            "peak_gflops_per_core": peak_one.is_finite().then_some(peak_one),
            "peak_isa": best.name(),
            "roofline": if compute_bound { "measured FMA peak" } else { "copy of the same bytes" },
            "tables": tables,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let mut heading = format!("{}: {} thread(s)", kernel.name(), config.threads);
    if compute_bound {
        heading.push_str(&format!("; measured FMA peak {peak_one:.1} GFLOP/s per core on {best}"));
    } else {
        heading.push_str("; roofline: a plain copy of the same bytes, measured in this run");
    }
    println!("{}", style::bold(&heading));
    for table in &tables {
        println!("  {}", table.title);
        for row in &table.rows {
            match &row.rate {
                Ok(rate) => {
                    let extra = if compute_bound {
                        format!("{:>5.1}% of peak", roofline(table, *rate))
                    } else {
                        format!("{:>5.1}% of roofline {:>6.1} GB/s", roofline(table, *rate), rate * 8.0 / 1e9)
                    };
                    println!("    {:<22} {:>9.2} G{unit}  {extra}", row.name, rate / 1e9);
                }
                Err(why) => println!("    {:<22} {}", row.name, style::dim(why)),
            }
        }
    }
    if kernel == Kernel::Attention {
        println!(
            "{}",
            style::dim("FLOPs: 4 B H q_len kv_len D forward (halved when causal), 2.5x that backward")
        );
    } else if !compute_bound {
        println!(
            "{}",
            style::dim("GB/s counts the minimal traffic: each f32 read once and written once (8 B/element)")
        );
    }
    Ok(())
}

/// Elements per second of a plain copy of `elements` f32: the memory roofline of an op that
/// reads each element once and writes it once.
fn copy_rate(elements: usize) -> f64 {
    let x = random_f32(elements, -8.0, 8.0, 3);
    let mut y = vec![0.0; elements];
    elements as f64
        / best_time(|| {
            y.copy_from_slice(&x);
            black_box(&y);
        })
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
                    black_box(cross_entropy(&logits, &targets, classes, None, &mut losses));
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

pub(super) fn isas(threads: usize) -> impl Iterator<Item = (String, Opts)> {
    Isa::available().into_iter().map(move |isa| (isa.name().to_string(), Opts { isa: Some(isa), threads }))
}

fn matmul_rows(n: usize, threads: usize) -> Vec<Row> {
    let (a, b) = (random_f32(n * n, -1.0, 1.0, 1), random_f32(n * n, -1.0, 1.0, 2));
    let mut c = vec![0.0; n * n];
    let flops = 2.0 * (n as f64).powi(3);
    let mut rows = Vec::new();
    if n <= 256 {
        let seconds = best_time(|| {
            naive::matmul(&a, &b, &mut c, n).expect("n x n inputs");
            black_box(&c);
        });
        rows.push(Row::new("naive triple loop", flops / seconds));
    }
    for (name, opts) in isas(threads) {
        let seconds = best_time(|| {
            let (a, b) = (MatRef::new(&a, n, n).expect("n*n"), MatRef::new(&b, n, n).expect("n*n"));
            gemm(1.0, a, b, 0.0, MatMut::new(&mut c, n, n).expect("n*n"), &opts).expect("valid shapes");
            black_box(&c);
        });
        rows.push(Row::new(name, flops / seconds));
    }
    rows
}

fn softmax_rows(rows: usize, cols: usize, threads: usize) -> Vec<Row> {
    let x = random_f32(rows * cols, -8.0, 8.0, 3);
    let mut y = vec![0.0; x.len()];
    let elements = x.len() as f64;
    let naive = best_time(|| {
        naive::softmax(&x, &mut y, cols).expect("whole rows");
        black_box(&y);
    });
    let mut out = vec![Row::new("naive three passes", elements / naive)];
    for (name, opts) in isas(threads) {
        let seconds = best_time(|| softmax::softmax(&x, &mut y, cols, &opts).expect("valid"));
        out.push(Row::new(name, elements / seconds));
    }
    out
}

fn exp_rows(len: usize, threads: usize) -> Vec<Row> {
    let x = random_f32(len, -80.0, 80.0, 4);
    let mut y = vec![0.0; len];
    let elements = len as f64;
    let std_exp = best_time(|| {
        naive::exp(&x, &mut y).expect("equal lengths");
        black_box(&y);
    });
    let mut out = vec![Row::new("f32::exp", elements / std_exp)];
    for (name, opts) in isas(threads) {
        let seconds = best_time(|| math::exp(&x, &mut y, &opts).expect("valid"));
        out.push(Row::new(name, elements / seconds));
    }
    out
}

fn attention_rows(shape: Shape, causal: bool, threads: usize) -> Vec<Row> {
    let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = shape;
    let q = random_f32(batch * heads * q_len * head_dim, -1.0, 1.0, 5);
    let k = random_f32(batch * kv_heads * kv_len * head_dim, -1.0, 1.0, 6);
    let v = random_f32(k.len(), -1.0, 1.0, 7);
    let dout = random_f32(q.len(), -1.0, 1.0, 8);
    let attn = Attention::new(shape, Params { causal, ..Params::default() }).expect("a valid shape");
    let qkv = Qkv { q: &q, k: &k, v: &v };
    let mut flops = 4.0 * (batch * heads * q_len * kv_len * head_dim) as f64;
    if causal {
        flops /= 2.0;
    }
    let (mut out, mut lse) = (vec![0.0; q.len()], vec![0.0; batch * heads * q_len]);
    let (mut dq, mut dk, mut dv) = (vec![0.0; q.len()], vec![0.0; k.len()], vec![0.0; v.len()]);
    let mut rows = Vec::new();
    for (name, opts) in isas(threads) {
        // The portable fallback takes seconds per call on long sequences.
        if name == "scalar" && q_len * kv_len > 512 * 512 {
            continue;
        }
        let forward = best_time(|| attn.forward(qkv, &mut out, &mut lse, &opts).expect("valid lengths"));
        rows.push(Row::new(format!("{name} forward"), flops / forward));
        let backward = best_time(|| {
            let grads = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
            attn.backward(qkv, &out, &lse, &dout, grads, &opts).expect("valid lengths");
        });
        rows.push(Row::new(format!("{name} backward"), 2.5 * flops / backward));
    }
    rows
}
