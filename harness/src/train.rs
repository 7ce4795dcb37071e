//! `harness train <task>`: trains the `gpt` crate's transformer from random weights, with a
//! progress bar, periodic and final held-out evaluation, checkpoints that resume bitwise, and
//! the batches written out for a run elsewhere to replay.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};
use gpt::adder::{self, Adder};
use gpt::checkpoint::{Checkpoint, RunConfig};
use gpt::{Batch, IGNORE, Model, ModelConfig, OptimConfig, Trainer};
use indicatif::{ProgressBar, ProgressStyle};
use kernels::Opts;
use safetensors::Dtype;
use safetensors::tensor::TensorView;
use serde_json::json;

use crate::cli::{TrainArgs, TrainFlags, TrainTask};

pub fn run(args: &TrainArgs) -> Result<ExitCode> {
    match &args.task {
        TrainTask::Adder(flags) => adder_run(flags),
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

fn adder_run(flags: &TrainFlags) -> Result<ExitCode> {
    let (mut run, model, adam) = configure(adder_defaults(), flags)?;
    let data = Adder::new(run.seed);
    let opts = Opts { isa: None, threads: flags.threads };
    let start = adam.as_ref().map_or(0, |a| a.step);
    let mut trainer = Trainer::new(model, run.optim.clone(), adam, opts)?;
    let total = run.optim.total_steps;
    let end = flags.stop_after.map_or(total, |s| s.min(total));
    ensure!(start <= end, "the checkpoint is at step {start}, past the end of this run ({end})");
    if let Some(dir) = &flags.dump_batches {
        std::fs::create_dir_all(dir).with_context(|| format!("creating --dump-batches {}", dir.display()))?;
    }
    let tokens_per_step = (run.batch * adder::SEQ) as f64;
    let bar = progress_bar(start, end);
    let began = Instant::now();
    let mut train_secs = 0.0;
    let mut final_loss = f32::NAN;
    for step in start..end {
        let batch = data.batch(run.seed, step, run.batch);
        if let Some(dir) = &flags.dump_batches {
            dump_batch(dir, step, &batch)?;
        }
        let t0 = Instant::now();
        let stats = trainer.step(&batch).with_context(|| format!("training step {step}"))?;
        train_secs += t0.elapsed().as_secs_f64();
        ensure!(stats.loss.is_finite(), "the loss became {} at step {step}; try a lower --lr", stats.loss);
        final_loss = stats.loss;
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
            let acc = adder::accuracy(&trainer.model, &data.held_out, &opts)?;
            let seen = adder::accuracy(&trainer.model, &data.train[..data.held_out.len()], &opts)?;
            bar.suspend(|| {
                eprintln!(
                    "step {done}: loss {:.4}, accuracy {:.1}% held out, {:.1}% on pairs trained on",
                    stats.loss,
                    acc * 100.0,
                    seen * 100.0
                )
            });
        }
    }
    bar.finish_and_clear();
    run.step = end;
    if let Some(path) = &flags.checkpoint {
        save(path, &run, &trainer)?;
    }
    let accuracy = adder::accuracy(&trainer.model, &data.held_out, &opts)?;
    let seconds = began.elapsed().as_secs_f64();
    let steps = end - start;
    let tokens_per_second = if train_secs > 0.0 { steps as f64 * tokens_per_step / train_secs } else { 0.0 };
    let right = (accuracy * data.held_out.len() as f64).round() as usize;
    println!(
        "adder: {steps} steps ({} to {end} of {total}) in {seconds:.1} s, {tokens_per_second:.0} tokens/s on {} thread(s)",
        start,
        opts.thread_count()
    );
    println!("final loss {final_loss:.5}");
    println!(
        "held-out accuracy {:.2}% ({right}/{} pairs, greedy exact match)",
        accuracy * 100.0,
        data.held_out.len()
    );
    if let Some(path) = &flags.checkpoint {
        println!("checkpoint {}", path.display());
    }
    if flags.json {
        let out = json!({
            "task": "adder",
            "steps": steps,
            "step": end,
            "seconds": seconds,
            "final_loss": final_loss,
            "accuracy": accuracy,
            "held_out": data.held_out.len(),
            "tokens_per_second": tokens_per_second,
            "threads": opts.thread_count(),
            "parameters": trainer.model.layout.len,
            "checkpoint": flags.checkpoint.as_ref().map(|p| p.display().to_string()),
            "config": run,
        });
        println!("{}", serde_json::to_string(&out)?);
    }
    Ok(ExitCode::SUCCESS)
}
