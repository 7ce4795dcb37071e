//! `harness train <task>`: trains the `gpt` crate's transformer from random weights, with a
//! progress bar, periodic and final held-out evaluation, checkpoints that resume bitwise, and
//! the batches written out for a run elsewhere to replay.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use gpt::adder::{self, Adder};
use gpt::chars::Chars;
use gpt::checkpoint::{Checkpoint, RunConfig};
use gpt::optim::AdamW;
use gpt::{Batch, IGNORE, Model, ModelConfig, OptimConfig, Trainer};
use indicatif::{ProgressBar, ProgressStyle};
use kernels::Opts;
use safetensors::Dtype;
use safetensors::tensor::TensorView;
use serde_json::json;

use crate::cli::{TrainArgs, TrainFlags, TrainTask};
use crate::workspace::Workspace;

pub fn run(args: &TrainArgs) -> Result<ExitCode> {
    match &args.task {
        TrainTask::Adder(flags) => {
            let (run, model, adam) = configure(adder_defaults(), flags)?;
            let data = Task::Adder(Adder::new(run.seed));
            train(flags, data, run, model, adam)
        }
        TrainTask::Chars(args) => {
            let path = match &args.text {
                Some(path) => path.clone(),
                None => Workspace::find()
                    .context("no --text given and not inside the workspace, whose README.md is the default")?
                    .root
                    .join("README.md"),
            };
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading --text {}", path.display()))?;
            let mut defaults = chars_defaults();
            let chars = Chars::new(&text, defaults.model.max_seq)
                .with_context(|| format!("--text {}", path.display()))?;
            defaults.vocab = chars.vocab.iter().collect();
            defaults.model.vocab = chars.vocab.len();
            let (run, model, adam) = configure(defaults, &args.flags)?;
            ensure!(
                run.vocab.chars().eq(chars.vocab.iter().copied()),
                "{} does not have the characters of the resumed run's vocabulary {:?}",
                path.display(),
                run.vocab
            );
            train(&args.flags, Task::Chars(chars), run, model, adam)
        }
    }
}

/// The data of a task and how it is scored.
enum Task {
    Adder(Adder),
    Chars(Chars),
}

/// Held-out windows scored for bits per character.
const BPC_WINDOWS: usize = 256;

impl Task {
    fn batch(&self, run: &RunConfig, step: u64) -> Batch {
        match self {
            Task::Adder(data) => data.batch(run.seed, step, run.batch),
            Task::Chars(data) => data.batch(run.seed, step, run.batch, run.model.max_seq),
        }
    }

    fn seq(&self, run: &RunConfig) -> usize {
        match self {
            Task::Adder(_) => adder::SEQ,
            Task::Chars(_) => run.model.max_seq,
        }
    }

    /// The held-out score: exact-match accuracy, or bits per character.
    fn score(&self, model: &Model, opts: &Opts) -> Result<f64> {
        Ok(match self {
            Task::Adder(data) => adder::accuracy(model, &data.held_out, opts)?,
            Task::Chars(data) => data.bits_per_char(model, model.cfg.max_seq, BPC_WINDOWS, opts)?,
        })
    }

    fn describe(&self, score: f64) -> String {
        match self {
            Task::Adder(data) => {
                let n = data.held_out.len();
                let right = (score * n as f64).round();
                format!("held-out accuracy {:.2}% ({right}/{n} pairs, greedy exact match)", score * 100.0)
            }
            Task::Chars(data) => format!(
                "held-out bits per character {score:.3} (the text's last tenth, {} characters)",
                data.held_out.len()
            ),
        }
    }
}

/// The adder's defaults: the model, the schedule and the batch that reach 99% held-out
/// accuracy on two cores in a few minutes.
pub fn adder_defaults() -> RunConfig {
    RunConfig {
        task: "adder".into(),
        vocab: adder::VOCAB.into(),
        model: ModelConfig {
            vocab: adder::VOCAB.chars().count(),
            d_model: 64,
            layers: 2,
            heads: 4,
            hidden: 256,
            max_seq: adder::SEQ,
            norm_eps: 1e-5,
            rope_theta: 10_000.0,
            init_std: 0.02,
        },
        optim: OptimConfig {
            lr: 3e-3,
            min_lr: 3e-4,
            warmup: 100,
            total_steps: 2000,
            ..OptimConfig::default()
        },
        seed: 0,
        batch: 128,
        step: 0,
    }
}

/// The chars task's defaults: a model that learns a README's words and markup in a few
/// minutes on two cores (the vocabulary is filled in from the text).
pub fn chars_defaults() -> RunConfig {
    RunConfig {
        task: "chars".into(),
        vocab: String::new(),
        model: ModelConfig {
            vocab: 0,
            d_model: 128,
            layers: 3,
            heads: 4,
            hidden: 384,
            max_seq: 64,
            norm_eps: 1e-5,
            rope_theta: 10_000.0,
            init_std: 0.02,
        },
        optim: OptimConfig { lr: 2e-3, min_lr: 2e-4, warmup: 50, total_steps: 500, ..OptimConfig::default() },
        seed: 0,
        batch: 32,
        step: 0,
    }
}

/// The run's configuration: the task's defaults with the flags applied, or the checkpoint's
/// when resuming (which the flags may not change).
fn configure(
    defaults: RunConfig,
    flags: &TrainFlags,
) -> Result<(RunConfig, Model, Option<gpt::optim::AdamW>)> {
    let sizes = [
        ("--batch", flags.batch.is_some()),
        ("--lr", flags.lr.is_some()),
        ("--d-model", flags.d_model.is_some()),
        ("--layers", flags.layers.is_some()),
        ("--heads", flags.heads.is_some()),
        ("--hidden", flags.hidden.is_some()),
    ];
    if let Some(path) = &flags.resume {
        if let Some((flag, _)) = sizes.iter().find(|(_, given)| *given) {
            bail!(
                "{flag} cannot be combined with --resume: the run continues with the settings saved in its checkpoint"
            );
        }
        let ckpt = Checkpoint::load(path).with_context(|| format!("reading --resume {}", path.display()))?;
        ensure!(
            ckpt.run.task == defaults.task,
            "{} is a checkpoint of the {} task, not {}",
            path.display(),
            ckpt.run.task,
            defaults.task
        );
        let Some(adam) = ckpt.optimizer else {
            bail!("{} holds weights only, no optimizer state to resume from", path.display());
        };
        if let Some(steps) = flags.steps {
            ensure!(
                steps == ckpt.run.optim.total_steps,
                "--steps {steps} differs from the resumed run's schedule of {} steps",
                ckpt.run.optim.total_steps
            );
        }
        ensure!(
            flags.seed == 0 || flags.seed == ckpt.run.seed,
            "--seed {} differs from the resumed run's seed {}",
            flags.seed,
            ckpt.run.seed
        );
        return Ok((ckpt.run, ckpt.model, Some(adam)));
    }
    let mut run = defaults;
    run.seed = flags.seed;
    if let Some(steps) = flags.steps {
        run.optim.total_steps = steps;
        run.optim.warmup = run.optim.warmup.min(steps / 10).max(1);
    }
    if let Some(lr) = flags.lr {
        run.optim.min_lr = lr * (run.optim.min_lr / run.optim.lr);
        run.optim.lr = lr;
    }
    let m = &mut run.model;
    m.d_model = flags.d_model.unwrap_or(m.d_model);
    m.layers = flags.layers.unwrap_or(m.layers);
    m.heads = flags.heads.unwrap_or(m.heads);
    m.hidden = flags.hidden.unwrap_or(m.hidden);
    run.batch = flags.batch.unwrap_or(run.batch);
    ensure!(run.batch > 0, "--batch must be at least 1");
    let model = Model::new(run.model.clone(), run.seed).context("building the model")?;
    Ok((run, model, None))
}

/// Writes `batch` as `batch_<step>.safetensors` in `dir`: I64 `inputs` and `targets`
/// `[batch, seq]`, ignored targets as -100 (PyTorch's `ignore_index`).
fn dump_batch(dir: &Path, step: u64, batch: &Batch) -> Result<()> {
    let as_i64 = |ids: &[u32]| -> Vec<u8> {
        ids.iter().flat_map(|&t| if t == IGNORE { -100i64 } else { t as i64 }.to_le_bytes()).collect()
    };
    let (inputs, targets) = (as_i64(&batch.inputs), as_i64(&batch.targets));
    let shape = vec![batch.batch, batch.seq];
    let tensors = [
        ("inputs", TensorView::new(Dtype::I64, shape.clone(), &inputs)?),
        ("targets", TensorView::new(Dtype::I64, shape, &targets)?),
    ];
    let meta = HashMap::from([("step".to_string(), step.to_string())]);
    let bytes = safetensors::serialize(tensors, Some(meta))?;
    let path = dir.join(format!("batch_{step:06}.safetensors"));
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn save(path: &Path, run: &RunConfig, trainer: &Trainer) -> Result<()> {
    let ckpt =
        Checkpoint { run: run.clone(), model: trainer.model.clone(), optimizer: Some(trainer.adam.clone()) };
    ckpt.save(path).with_context(|| format!("saving the checkpoint {}", path.display()))
}

fn progress_bar(start: u64, end: u64) -> ProgressBar {
    let bar = ProgressBar::new(end);
    bar.set_position(start);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {msg}  ETA {eta}")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    bar
}

/// A few lines of the text as the model writes it, from a newline (or its first character).
fn samples(data: &Chars, model: &Model, seed: u64, opts: &Opts) -> Result<Vec<String>> {
    let start = data.encode("\n").unwrap_or_else(|_| vec![0]);
    let mut rng = gpt::rng::Rng::new(seed);
    (0..3)
        .map(|_| {
            let tokens = crate::sample::generate(model, &start, model.cfg.max_seq, 0.8, &mut rng, opts)?;
            Ok(tokens.iter().map(|&t| data.vocab[t as usize]).collect())
        })
        .collect()
}

/// Trains from `start` (0, or the resumed step) to the end of the schedule or `--stop-after`,
/// then scores the held-out data and reports.
fn train(
    flags: &TrainFlags,
    data: Task,
    mut run: RunConfig,
    model: Model,
    adam: Option<AdamW>,
) -> Result<ExitCode> {
    let opts = Opts { isa: None, threads: flags.threads };
    let start = adam.as_ref().map_or(0, |a| a.step);
    let mut trainer = Trainer::new(model, run.optim.clone(), adam, opts)?;
    let total = run.optim.total_steps;
    let end = flags.stop_after.map_or(total, |s| s.min(total));
    ensure!(start <= end, "the checkpoint is at step {start}, past the end of this run ({end})");
    if let Some(dir) = &flags.dump_batches {
        std::fs::create_dir_all(dir).with_context(|| format!("creating --dump-batches {}", dir.display()))?;
    }
    let tokens_per_step = (run.batch * data.seq(&run)) as f64;
    let bar = progress_bar(start, end);
    let began = Instant::now();
    let mut train_secs = 0.0;
    let mut final_loss = f32::NAN;
    let mut losses = Vec::with_capacity((end - start) as usize);
    for step in start..end {
        let batch = data.batch(&run, step);
        if let Some(dir) = &flags.dump_batches {
            dump_batch(dir, step, &batch)?;
        }
        let t0 = Instant::now();
        let stats = trainer.step(&batch).with_context(|| format!("training step {step}"))?;
        train_secs += t0.elapsed().as_secs_f64();
        ensure!(stats.loss.is_finite(), "the loss became {} at step {step}; try a lower --lr", stats.loss);
        final_loss = stats.loss;
        losses.push(stats.loss);
        let done = step + 1;
        bar.set_position(done);
        let rate = (done - start) as f64 * tokens_per_step / train_secs.max(1e-9);
        bar.set_message(format!("loss {:.4}  {:.0} tok/s", stats.loss, rate));
        if let (Some(path), Some(every)) = (&flags.checkpoint, flags.save_every)
            && every > 0
            && done % every == 0
            && done < end
        {
            run.step = done;
            save(path, &run, &trainer)?;
        }
        if flags.eval_every > 0 && done % flags.eval_every == 0 && done < end {
            let score = data.score(&trainer.model, &opts)?;
            bar.suspend(|| eprintln!("step {done}: loss {:.4}, {}", stats.loss, data.describe(score)));
        }
    }
    bar.finish_and_clear();
    run.step = end;
    if let Some(path) = &flags.checkpoint {
        save(path, &run, &trainer)?;
    }
    let score = data.score(&trainer.model, &opts)?;
    let seconds = began.elapsed().as_secs_f64();
    let steps = end - start;
    let tokens_per_second = if train_secs > 0.0 { steps as f64 * tokens_per_step / train_secs } else { 0.0 };
    println!(
        "{}: {steps} steps ({start} to {end} of {total}) in {seconds:.1} s, {tokens_per_second:.0} tokens/s on {} thread(s)",
        run.task,
        opts.thread_count()
    );
    println!("final loss {final_loss:.5}");
    println!("{}", data.describe(score));
    if let Task::Chars(chars) = &data {
        for line in samples(chars, &trainer.model, run.seed, &opts)? {
            println!("sample: {line:?}");
        }
    }
    if let Some(path) = &flags.checkpoint {
        println!("checkpoint {}", path.display());
    }
    if flags.json {
        let mut out = json!({
            "task": run.task,
            "steps": steps,
            "step": end,
            "seconds": seconds,
            "final_loss": final_loss,
            "tokens_per_second": tokens_per_second,
            "threads": opts.thread_count(),
            "parameters": trainer.model.layout.len,
            "checkpoint": flags.checkpoint.as_ref().map(|p| p.display().to_string()),
            // Through its own JSON text, so that f32 settings print as written (0.02, not
            // 0.019999999552965164).
            "config": serde_json::from_str::<serde_json::Value>(&serde_json::to_string(&run)?)?,
            "losses": losses,
        });
        match &data {
            Task::Adder(d) => {
                out["accuracy"] = json!(score);
                out["held_out"] = json!(d.held_out.len());
            }
            Task::Chars(d) => {
                out["bpc"] = json!(score);
                out["held_out"] = json!(d.held_out.len());
            }
        }
        println!("{}", serde_json::to_string(&out)?);
    }
    Ok(ExitCode::SUCCESS)
}
