//! `harness run gpt`: the verdict on the `gpt` crate's transformer, on a tiny configuration,
//! per ISA: its logits and loss against the f64 reference of the same model, every
//! parameter's gradient against central finite differences of that reference, KV-cache
//! decoding against the full forward pass and a training step on 1 and 2 threads; then one
//! AdamW step, clipping and the schedule against values worked out by hand.

use std::cell::OnceCell;

use gpt::optim::{clip_grad_norm, learning_rate};
use gpt::reference::checks::{self, ADAMW_TOLERANCE};
use gpt::reference::{GRAD_TOLERANCE, GradCheck, grad_check};
use gpt::{Model, OptimConfig};
use kernels::{Isa, Opts};
use serde_json::json;

use crate::kernels::{KernelConfig, Verdict, check, failure, host_lacks};
use crate::report::{Group, Line, Section};

/// Logits within this fraction of their largest magnitude, the loss within this fraction of
/// itself: a few f32 roundings through two blocks (measured: about 3e-7).
pub const FORWARD_TOLERANCE: f64 = 1e-5;

fn describe(seed: u64) -> String {
    let c = checks::tiny();
    format!(
        "vocab {}, d {}, {} blocks, {} heads, hidden {}, batch 2 x 7, seed {seed}",
        c.vocab, c.d_model, c.layers, c.heads, c.hidden
    )
}

fn isa_lines(isa: Isa, seed: u64) -> Vec<Line> {
    let opts = Opts::single(isa);
    let cfg = checks::tiny();
    let model = Model::new(cfg.clone(), seed);
    let batch = checks::random_batch(&cfg, 2, 7, seed.wrapping_add(1));
    // One comparison serves both lines; its time shows on the first, which runs it.
    let compared = OnceCell::new();
    let run = || -> &Result<GradCheck, String> {
        compared.get_or_init(|| {
            let m = model.as_ref().map_err(|e| e.to_string())?;
            grad_check(m, &batch, &opts).map_err(|e| e.to_string())
        })
    };
    let forward = || -> Verdict {
        let c = run().as_ref().map_err(|e| failure(e.clone(), describe(seed)))?;
        let loss_err = (c.loss as f64 - c.loss_ref).abs() / c.loss_ref.abs().max(f64::MIN_POSITIVE);
        let ratio = c.logits_error.max(loss_err) / FORWARD_TOLERANCE;
        if ratio <= 1.0 {
            Ok(format!(
                "logits and loss ({:.4}) against the f64 reference; worst error {ratio:.2} of its bound {FORWARD_TOLERANCE:.0e}",
                c.loss_ref
            ))
        } else {
            Err(failure(
                format!("logits off by {:.2e} of their scale, loss by {loss_err:.2e}", c.logits_error),
                describe(seed),
            ))
        }
    };
    let gradients = || -> Verdict {
        let c = run().as_ref().map_err(|e| failure(e.clone(), describe(seed)))?;
        let worst = c.worst().ok_or_else(|| failure("no tensors".into(), describe(seed)))?;
        if worst.ratio() <= 1.0 {
            Ok(format!(
                "all {} tensors against central differences of the f64 loss; worst {} at {:.2} of its bound",
                c.tensors.len(),
                worst.name,
                worst.ratio()
            ))
        } else {
            Err(failure(
                format!(
                    "{}: gradient off by {:.2e}, more than {GRAD_TOLERANCE:.0e} of its scale {:.2e}",
                    worst.name, worst.max_error, worst.scale
                ),
                describe(seed),
            ))
        }
    };
    let decode = || -> Verdict {
        let m = model.as_ref().map_err(|e| failure(e.to_string(), describe(seed)))?;
        let full = checks::random_batch(&cfg, 2, cfg.max_seq, seed.wrapping_add(2));
        let err =
            checks::decode_error(m, &full, &opts).map_err(|e| failure(e.to_string(), describe(seed)))?;
        if err <= FORWARD_TOLERANCE {
            Ok(format!(
                "one token at a time from the KV cache vs one forward pass: {err:.1e} of the largest logit"
            ))
        } else {
            Err(failure(format!("decoding differs by {err:.2e} of the largest logit"), describe(seed)))
        }
    };
    let threads = || -> Verdict {
        let cfg = checks::medium();
        let batch = checks::random_batch(&cfg, 8, 64, seed);
        let two = Opts { isa: Some(isa), threads: 2 };
        match checks::steps_bitwise_equal(&cfg, &batch, &opts, &two) {
            Ok(true) => {
                Ok("two training steps (d 128, 512 tokens) on 1 and 2 threads are bitwise equal".into())
            }
            Ok(false) => Err(failure("1 and 2 threads give different bits".into(), format!("seed {seed}"))),
            Err(e) => Err(failure(e.to_string(), format!("seed {seed}"))),
        }
    };
    vec![
        check("forward", true, forward),
        check("gradients", true, gradients),
        check("decode", true, decode),
        check("threads", true, threads),
    ]
}

fn optimizer_lines() -> Vec<Line> {
    vec![
        check("adamw", false, || {
            let worst = checks::adamw_step_error(&checks::tiny())
                .map_err(|e| failure(e.to_string(), String::new()))?;
            if worst <= ADAMW_TOLERANCE {
                Ok(format!(
                    "one step, every parameter, against the f64 formula: worst {worst:.1e} (bound {ADAMW_TOLERANCE:.0e})"
                ))
            } else {
                Err(failure(format!("a parameter is off by {worst:.2e}"), String::new()))
            }
        }),
        check("clipping", false, || {
            let mut g = vec![3.0f32, 4.0];
            let norm = clip_grad_norm(&mut g, 1.0);
            if norm == 5.0 && (g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6 {
                Ok("(3, 4) has norm 5 and becomes (0.6, 0.8)".into())
            } else {
                Err(failure(format!("norm {norm}, clipped to {g:?}"), "(3, 4), max norm 1".into()))
            }
        }),
        check("schedule", false, || {
            let cfg = OptimConfig {
                lr: 1e-3,
                min_lr: 1e-4,
                warmup: 10,
                total_steps: 110,
                ..OptimConfig::default()
            };
            let want = [(0, 1e-4), (9, 1e-3), (60, 5.5e-4), (110, 1e-4)];
            match want.iter().find(|&&(s, w)| (learning_rate(&cfg, s) as f64 - w).abs() > 1e-8) {
                None => Ok("warmup to 1e-3 in 10 steps, cosine to 1e-4 at 110, midpoint 5.5e-4".into()),
                Some(&(s, w)) => Err(failure(
                    format!("step {s}: {} instead of {w}", learning_rate(&cfg, s)),
                    String::new(),
                )),
            }
        }),
    ]
}

/// Every check of the model, on each ISA (or the one asked for), then the optimizer's.
pub fn section(config: &KernelConfig) -> Section {
    let mut groups: Vec<Group> = Isa::ALL
        .into_iter()
        .filter(|&isa| config.isa.is_none_or(|only| only == isa))
        .map(|isa| {
            let lines = if isa.is_available() { isa_lines(isa, config.seed) } else { vec![host_lacks(isa)] };
            Group { name: isa.name().to_string(), yours: false, summary: "kernels on this ISA".into(), lines }
        })
        .collect();
    groups.push(Group {
        name: "optimizer".into(),
        yours: false,
        summary: "AdamW, clipping, schedule".into(),
        lines: optimizer_lines(),
    });
    Section {
        kind: "model",
        id: "gpt".into(),
        heading: "gpt: the transformer on the kernels against its f64 reference".into(),
        meta: json!({ "model": "gpt", "detected_isa": Isa::detect().name(), "config": checks::tiny() }),
        groups,
        replay: format!("cargo harness run gpt --seed {}", config.seed),
    }
}
