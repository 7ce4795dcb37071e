//! `harness bench` for the kernels that only move bytes (the activations, embedding, RoPE):
//! every pass on every ISA against a plain copy of as many bytes, timed in alternating rounds
//! of one run, so that "% of copy" says how close each runs to the memory roofline of this
//! machine, whatever else the machine is doing at the time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Result, bail, ensure};
use kernels::reference::activation;
use kernels::reference::random_f32;
use kernels::{Opts, embedding, rope};
use serde_json::{Value, json};

use super::Kernel;
use super::bench::{BenchConfig, isas};
use crate::style;

/// Time spent per pass, in rounds that alternate every pass's copy and ISAs.
const BUDGET: Duration = Duration::from_millis(500);
/// Rounds at least, however long they take.
const MIN_ROUNDS: usize = 3;

/// One pass of an op (forward or backward) on every ISA.
struct Pass {
    name: &'static str,
    /// Bytes read and written per call: the size of the copy it is held against.
    bytes: usize,
    run: Box<dyn FnMut(&Opts)>,
}

/// An op at one shape: its passes and the elements a call produces.
struct Table {
    title: String,
    elements: usize,
    passes: Vec<Pass>,
}

/// One measured line: seconds per call.
struct Measured {
    name: String,
    seconds: f64,
}

/// A pass's best times: the copy first, then every ISA.
struct Timed {
    name: &'static str,
    bytes: usize,
    times: Vec<Measured>,
}

impl Timed {
    fn copy(&self) -> f64 {
        self.times[0].seconds
    }

    fn isas(&self) -> &[Measured] {
        &self.times[1..]
    }
}

/// Measures `kernel`'s passes against a copy and prints them (or JSON).
pub(super) fn run(kernel: Kernel, config: &BenchConfig, json_out: bool) -> Result<()> {
    ensure!(config.threads >= 1, "--threads must be at least 1");
    ensure!(config.size != Some(0), "--size must be at least 1");
    let tables = match kernel {
        Kernel::Activation => activation_tables(config.size.unwrap_or(1 << 20)),
        Kernel::Embedding => embedding_tables(config.size.unwrap_or(2048)),
        Kernel::Rope => rope_tables(config.size.unwrap_or(2048)),
        _ => bail!("{} is measured against the FMA peak, not a copy", kernel.name()),
    };
    let timed = measure(tables, config.threads);
    if json_out {
        println!("{}", serde_json::to_string_pretty(&to_json(kernel, config.threads, &timed))?);
        return Ok(());
    }
    let heading =
        format!("{}: {} thread(s), against a copy of the same bytes", kernel.name(), config.threads);
    println!("{}", style::bold(&heading));
    for (table, passes) in &timed {
        println!("  {}", table.title);
        let elements = table.elements as f64;
        for (i, pass) in passes.iter().enumerate() {
            let per_elem = pass.bytes as f64 / elements;
            let copy = format!("copy {per_elem:.0} B/elem");
            println!("    {copy:<22} {:>14} {:>7.1} GB/s", "", gbs(pass.bytes, pass.copy()));
            for (j, m) in pass.isas().iter().enumerate() {
                let mut line = format!(
                    "    {:<22} {:>6.2} Gelem/s {:>7.1} GB/s  {:>4.0}% of copy",
                    format!("{} {}", m.name, pass.name),
                    elements / m.seconds / 1e9,
                    gbs(pass.bytes, m.seconds),
                    100.0 * pass.copy() / m.seconds
                );
                if i > 0 {
                    let forward = passes[0].isas()[j].seconds;
                    line.push_str(&format!("  {:.2}x {}'s time", m.seconds / forward, passes[0].name));
                }
                println!("{line}");
            }
        }
    }
    println!(
        "{}",
        style::dim("best of alternating rounds; the copy moves as many bytes (half read, half written)")
    );
    Ok(())
}

fn gbs(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 / seconds / 1e9
}

/// Times every pass of every table: each round runs, for each pass, its copy and then every
/// ISA once, and rounds go on until the budget of all the passes is spent; each line keeps
/// its best time. Spreading every line over the whole run lets each one catch the machine's
/// quiet moments, whichever pass they fall in.
fn measure(tables: Vec<Table>, threads: usize) -> Vec<(Table, Vec<Timed>)> {
    /// A pass being timed: its table, the buffers of its copy, the best time of each line.
    struct Running {
        table: usize,
        pass: Pass,
        src: Vec<f32>,
        dst: Vec<f32>,
        best: Vec<f64>,
    }
    let opts: Vec<(String, Opts)> = isas(threads).collect();
    let mut running = Vec::new();
    let mut tables: Vec<Table> = tables
        .into_iter()
        .enumerate()
        .map(|(table, mut t)| {
            for pass in std::mem::take(&mut t.passes) {
                let half = (pass.bytes / 8).max(1);
                let (src, dst) = (random_f32(half, -1.0, 1.0, 9), vec![0.0; half]);
                running.push(Running { table, pass, src, dst, best: vec![f64::INFINITY; opts.len() + 1] });
            }
            t
        })
        .collect();
    let time = |best: &mut f64, work: &mut dyn FnMut()| {
        let start = Instant::now();
        work();
        *best = best.min(start.elapsed().as_secs_f64());
    };
    // Warm caches, pages and thread pools.
    for r in &mut running {
        r.dst.copy_from_slice(&r.src);
        opts.iter().for_each(|(_, o)| (r.pass.run)(o));
    }
    let budget = BUDGET * running.len() as u32;
    let started = Instant::now();
    let mut rounds = 0;
    while rounds < MIN_ROUNDS || started.elapsed() < budget {
        for Running { pass, src, dst, best, .. } in &mut running {
            time(&mut best[0], &mut || black_box(&mut *dst).copy_from_slice(black_box(&*src)));
            for (i, (_, o)) in opts.iter().enumerate() {
                time(&mut best[i + 1], &mut || (pass.run)(o));
            }
        }
        rounds += 1;
    }
    let mut timed: Vec<Vec<Timed>> = tables.iter().map(|_| Vec::new()).collect();
    for Running { table, pass, best, .. } in running {
        let names = std::iter::once("copy".to_string()).chain(opts.iter().map(|(name, _)| name.clone()));
        let times = names.zip(best).map(|(name, seconds)| Measured { name, seconds }).collect();
        timed[table].push(Timed { name: pass.name, bytes: pass.bytes, times });
    }
    tables.drain(..).zip(timed).collect()
}

fn to_json(kernel: Kernel, threads: usize, timed: &[(Table, Vec<Timed>)]) -> Value {
    let tables: Vec<Value> = timed
        .iter()
        .map(|(table, passes)| {
            let passes: Vec<Value> = passes
                .iter()
                .map(|pass| {
                    json!({
                        "pass": pass.name,
                        "bytes": pass.bytes,
                        "copy_gb_per_s": gbs(pass.bytes, pass.copy()),
                        "rows": pass.isas().iter().map(|m| json!({
                            "implementation": m.name,
                            "elements_per_s": table.elements as f64 / m.seconds,
                            "gb_per_s": gbs(pass.bytes, m.seconds),
                            "percent_of_copy": 100.0 * pass.copy() / m.seconds,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "shape": table.title, "elements": table.elements, "passes": passes })
        })
        .collect();
    json!({ "kernel": kernel.name(), "threads": threads, "tables": tables })
}

/// A pass whose closure owns its buffers.
fn pass(name: &'static str, bytes: usize, run: impl FnMut(&Opts) + 'static) -> Pass {
    Pass { name, bytes, run: Box::new(run) }
}

/// GELU (both forms), SiLU and SwiGLU over `n` elements, each forward and backward: x in
/// [-6, 6), up in [-3, 3), dy in [-1, 1).
fn activation_tables(n: usize) -> Vec<Table> {
    let inputs = [random_f32(n, -6.0, 6.0, 1), random_f32(n, -3.0, 3.0, 2), random_f32(n, -1.0, 1.0, 3)];
    let timed = |p: activation::Pass| {
        let x = inputs[..p.inputs()].to_vec();
        let mut y = vec![vec![0.0f32; n]; p.outputs()];
        let name = match p {
            activation::Pass::Forward(_) | activation::Pass::Swiglu => "forward",
            _ => "backward",
        };
        pass(name, 4 * n * (p.inputs() + p.outputs()), move |o| {
            let x: Vec<&[f32]> = x.iter().map(|v| &v[..]).collect();
            let mut y: Vec<&mut [f32]> = y.iter_mut().map(|v| &mut v[..]).collect();
            p.run(&x, &mut y, o).expect("valid");
        })
    };
    // Pass::ALL lists each op's forward pass, then its backward pass.
    activation::Pass::ALL
        .chunks(2)
        .map(|passes| Table {
            title: format!("{}, {n} elements", passes[0].name()),
            elements: n,
            passes: passes.iter().map(|&p| timed(p)).collect(),
        })
        .collect()
}

/// `tokens` rows of 1024 gathered from a 32000-row table at random ids, and their gradient
/// added back.
fn embedding_tables(tokens: usize) -> Vec<Table> {
    const VOCAB: usize = 32_000;
    const DIM: usize = 1024;
    let mut rng = kernels::reference::Rng::new(5);
    let ids: Vec<u32> = (0..tokens).map(|_| rng.below(VOCAB as u64) as u32).collect();
    let (table, mut out) = (random_f32(VOCAB * DIM, -1.0, 1.0, 6), vec![0.0; tokens * DIM]);
    let (dout, mut dtable) = (random_f32(tokens * DIM, -1.0, 1.0, 7), vec![0.0; VOCAB * DIM]);
    let ids2 = ids.clone();
    let f = 4 * tokens * DIM;
    vec![Table {
        title: format!("{tokens} tokens x {DIM} from a {VOCAB}-row table"),
        elements: tokens * DIM,
        passes: vec![
            pass("forward", 2 * f, move |o| {
                embedding::embedding(&table, DIM, &ids, &mut out, o).expect("valid")
            }),
            // dout read, and each touched row of dtable read and written.
            pass("backward", 3 * f, move |o| {
                embedding::embedding_backward(&ids2, &dout, DIM, &mut dtable, o).expect("valid")
            }),
        ],
    }]
}

/// `tokens` tokens of 8 heads of 128 at positions 0.., turned in place and back.
fn rope_tables(tokens: usize) -> Vec<Table> {
    const HEADS: usize = 8;
    const HEAD_DIM: usize = 128;
    let positions: Vec<u32> = (0..tokens as u32).collect();
    let (mut x, mut dx) = (
        random_f32(tokens * HEADS * HEAD_DIM, -1.0, 1.0, 8),
        random_f32(tokens * HEADS * HEAD_DIM, -1.0, 1.0, 9),
    );
    let positions2 = positions.clone();
    let f = 4 * x.len();
    vec![Table {
        title: format!("{tokens} tokens x {HEADS} heads x {HEAD_DIM}, theta 10000"),
        elements: x.len(),
        passes: vec![
            pass("forward", 2 * f, move |o| {
                rope::rope(&mut x, HEADS, HEAD_DIM, &positions, 10_000.0, o).expect("valid")
            }),
            pass("backward", 2 * f, move |o| {
                rope::rope_backward(&mut dx, HEADS, HEAD_DIM, &positions2, 10_000.0, o).expect("valid")
            }),
        ],
    }]
}
