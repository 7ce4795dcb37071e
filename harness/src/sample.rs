//! `harness sample`: continues a prompt with a trained checkpoint, feeding the prompt and then
//! each generated token through the model's KV cache (one query per step against the cached
//! keys and values), greedily or at a temperature.

use std::process::ExitCode;

use anyhow::{Context, Result, ensure};
use gpt::adder;
use gpt::checkpoint::Checkpoint;
use gpt::rng::Rng;
use gpt::{KvCache, Model};
use kernels::Opts;

use crate::cli::SampleArgs;

/// The prompt's token ids in the checkpoint's vocabulary, naming the first character it lacks.
fn tokenize(vocab: &[char], prompt: &str) -> Result<Vec<u32>> {
    prompt
        .chars()
        .enumerate()
        .map(|(i, c)| {
            vocab.iter().position(|&v| v == c).map(|id| id as u32).with_context(|| {
                format!(
                    "character {c:?} at {i} of the prompt is not in the checkpoint's vocabulary {vocab:?}"
                )
            })
        })
        .collect()
}

/// The next token: the first likeliest when `temperature` is 0, else a draw from
/// `softmax(logits / temperature)`.
fn pick(logits: &[f32], temperature: f32, rng: &mut Rng) -> u32 {
    if temperature == 0.0 {
        return adder::argmax(logits);
    }
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let weights: Vec<f64> = logits.iter().map(|&v| (((v - max) / temperature) as f64).exp()).collect();
    let mut u = rng.unit() * weights.iter().sum::<f64>();
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i as u32;
        }
        u -= w;
    }
    (weights.len() - 1) as u32
}

/// Generates up to `max_tokens` after `prompt`, from a fresh KV cache.
pub fn generate(
    model: &Model,
    prompt: &[u32],
    max_tokens: usize,
    temperature: f32,
    rng: &mut Rng,
    opts: &Opts,
) -> Result<Vec<u32>> {
    ensure!(!prompt.is_empty(), "the prompt is empty");
    let room = model.cfg.max_seq.saturating_sub(prompt.len());
    ensure!(
        prompt.len() <= model.cfg.max_seq,
        "the prompt has {} tokens but the model's context is {}",
        prompt.len(),
        model.cfg.max_seq
    );
    let mut cache = KvCache::new(model, 1);
    let mut logits = Vec::new();
    for &token in prompt {
        logits = model.decode_step(&[token], &mut cache, opts)?;
    }
    let mut out = Vec::new();
    // The last generated token needs no step of its own: nothing follows it.
    for i in 0..max_tokens.min(room + 1) {
        let next = pick(&logits, temperature, rng);
        out.push(next);
        if i + 1 < max_tokens.min(room + 1) {
            logits = model.decode_step(&[next], &mut cache, opts)?;
        }
    }
    Ok(out)
}

pub fn run(args: &SampleArgs) -> Result<ExitCode> {
    ensure!(
        args.temperature >= 0.0 && args.temperature.is_finite(),
        "--temperature {} must be 0 (greedy) or positive",
        args.temperature
    );
    let ckpt = Checkpoint::load(&args.checkpoint)
        .with_context(|| format!("reading --checkpoint {}", args.checkpoint.display()))?;
    let vocab: Vec<char> = ckpt.run.vocab.chars().collect();
    ensure!(
        vocab.len() == ckpt.model.cfg.vocab,
        "the checkpoint's vocabulary has {} characters but its model {} tokens",
        vocab.len(),
        ckpt.model.cfg.vocab
    );
    if ckpt.run.task == "adder" {
        adder::parse_prompt(&args.prompt)?;
    }
    let prompt = tokenize(&vocab, &args.prompt)?;
    let default = if ckpt.run.task == "adder" { adder::ANSWER_LEN } else { ckpt.model.cfg.max_seq };
    let max_tokens = args.max_tokens.unwrap_or(default);
    let opts = Opts { isa: None, threads: args.threads };
    let mut rng = Rng::new(args.seed);
    let tokens = generate(&ckpt.model, &prompt, max_tokens, args.temperature, &mut rng, &opts)?;
    let text: String = tokens.iter().map(|&t| vocab[t as usize]).collect();
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
