//! The model's training step across thread counts, its checkpoints, its KV-cache decoding
//! and the errors it gives for bad input.

mod common;

use gpt::adder::{self, Adder};
use gpt::checkpoint::{Checkpoint, RunConfig};
use gpt::reference::checks::{decode_error, steps_bitwise_equal};
use gpt::{Acts, Error, KvCache, Model, ModelConfig, OptimConfig, Trainer};
use kernels::Opts;

#[test]
fn a_training_step_is_bitwise_the_same_on_one_and_two_threads() {
    let cfg = common::medium();
    let batch = common::random_batch(&cfg, 8, 64, 5);
    let (one, two) = (Opts { isa: None, threads: 1 }, Opts { isa: None, threads: 2 });
    assert!(steps_bitwise_equal(&cfg, &batch, &one, &two).unwrap());
}

#[test]
fn training_lowers_the_loss() {
    let cfg =
        ModelConfig { vocab: 13, d_model: 32, hidden: 64, max_seq: 8, init_std: 0.02, ..common::tiny() };
    let data = Adder::new(1);
    let optim =
        OptimConfig { lr: 1e-2, min_lr: 1e-3, warmup: 10, total_steps: 100, ..OptimConfig::default() };
    let mut t = Trainer::new(Model::new(cfg, 1).unwrap(), optim, None, Opts::default()).unwrap();
    let losses: Vec<f32> = (0..100).map(|step| t.step(&data.batch(1, step, 32)).unwrap().loss).collect();
    let last = losses[90..].iter().sum::<f32>() / 10.0;
    assert!(losses[0] > 2.0, "initial loss {} should be near ln(13) = 2.56", losses[0]);
    assert!(
        last < 0.7 * losses[0],
        "loss went from {} to a mean of {last} over the last 10 steps",
        losses[0]
    );
}

#[test]
fn a_checkpoint_round_trips_every_tensor_moment_and_setting() {
    let cfg = common::tiny();
    let model = Model::new(cfg.clone(), 4).unwrap();
    let mut t = Trainer::new(model, OptimConfig::default(), None, Opts::default()).unwrap();
    t.step(&common::random_batch(&cfg, 2, 8, 1)).unwrap();
    let run = RunConfig {
        task: "adder".into(),
        vocab: adder::VOCAB.into(),
        model: cfg.clone(),
        optim: OptimConfig::default(),
        seed: 4,
        batch: 2,
        step: 0,
    };
    let ckpt = Checkpoint { run, model: t.model.clone(), optimizer: Some(t.adam.clone()) };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.safetensors");
    ckpt.save(&path).unwrap();
    let back = Checkpoint::load(&path).unwrap();
    assert_eq!(back.model, t.model);
    assert_eq!(back.optimizer.as_ref(), Some(&t.adam));
    assert_eq!(back.run.step, 1);
    assert_eq!(back.run.model, cfg);

    let weights_only = Checkpoint { optimizer: None, ..ckpt };
    let back = Checkpoint::from_bytes(&weights_only.to_bytes().unwrap()).unwrap();
    assert_eq!((back.model, back.optimizer), (t.model, None));
}

#[test]
fn a_bad_checkpoint_is_an_error_naming_the_problem() {
    let e = Checkpoint::from_bytes(b"not a file").unwrap_err();
    assert!(matches!(e, Error::Checkpoint(_)) && e.to_string().contains("safetensors"), "{e}");
    let cfg = common::tiny();
    let run = RunConfig {
        task: "adder".into(),
        vocab: adder::VOCAB.into(),
        model: cfg.clone(),
        optim: OptimConfig::default(),
        seed: 0,
        batch: 1,
        step: 0,
    };
    let mut bytes =
        Checkpoint { run, model: Model::new(cfg, 0).unwrap(), optimizer: None }.to_bytes().unwrap();
    // Rename a tensor in the header ("final_norm" -> "final_nurm").
    let at = bytes.windows(10).position(|w| w == b"final_norm").unwrap();
    bytes[at + 7] = b'u';
    let e = Checkpoint::from_bytes(&bytes).unwrap_err();
    assert!(e.to_string().contains("\"final_norm\" is missing"), "{e}");
}

#[test]
fn decoding_with_the_kv_cache_matches_the_full_forward_pass() {
    let cfg = common::tiny();
    let model = Model::new(cfg.clone(), 6).unwrap();
    let batch = common::random_batch(&cfg, 2, 8, 7);
    let err = decode_error(&model, &batch, &Opts::default()).unwrap();
    assert!(err <= 1e-5, "{err:.2e} of the largest logit");
    let mut cache = KvCache::new(&model, 2);
    for _ in 0..8 {
        model.decode_step(&[0, 1], &mut cache, &Opts::default()).unwrap();
    }
    let e = model.decode_step(&[0, 0], &mut cache, &Opts::default()).unwrap_err();
    assert!(e.to_string().contains("max_seq"), "{e}");
}

#[test]
fn bad_inputs_and_configurations_are_named() {
    let cfg = common::tiny();
    let model = Model::new(cfg.clone(), 0).unwrap();
    let mut acts = Acts::default();
    let e = model.forward_logits(&[0, 99], 1, 2, &mut acts, &Opts::default()).unwrap_err();
    assert!(e.to_string().contains("inputs[1] = 99"), "{e}");
    let e = model.forward_logits(&[0; 9], 1, 9, &mut acts, &Opts::default()).unwrap_err();
    assert!(e.to_string().contains("max_seq"), "{e}");
    let e = Model::new(ModelConfig { heads: 3, ..cfg.clone() }, 0).unwrap_err();
    assert!(e.to_string().contains("not a multiple of heads"), "{e}");
    let e = Model::new(ModelConfig { d_model: 6, heads: 2, ..cfg }, 0).unwrap_err();
    assert!(e.to_string().contains("odd"), "{e}");
}

#[test]
fn a_prefix_gets_the_logits_it_gets_inside_a_longer_sequence() {
    let cfg = common::tiny();
    let model = Model::new(cfg.clone(), 2).unwrap();
    let batch = common::random_batch(&cfg, 3, 8, 3);
    let opts = Opts::default();
    let (mut long, mut short) = (Acts::default(), Acts::default());
    model.forward_logits(&batch.inputs, 3, 8, &mut long, &opts).unwrap();
    let prefix: Vec<u32> = batch.inputs.chunks(8).flat_map(|s| s[..5].to_vec()).collect();
    model.forward_logits(&prefix, 3, 5, &mut short, &opts).unwrap();
    let v = cfg.vocab;
    for b in 0..3 {
        for t in 0..5 {
            let (x, y) = (&long.logits[(b * 8 + t) * v..][..v], &short.logits[(b * 5 + t) * v..][..v]);
            let err = x.iter().zip(y).fold(0.0f32, |m, (a, c)| m.max((a - c).abs()));
            assert!(err <= 1e-5, "sequence {b} position {t}: {err}");
        }
    }
}
