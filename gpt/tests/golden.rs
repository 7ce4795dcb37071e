//! The model against PyTorch float64 (`tests/data/gpt_tiny.txt`, written by
//! `benches/scripts/gpt_golden.py`): the f64 reference's logits and loss, and the f32 model's
//! logits, loss and every parameter's gradient, on random weights of std 0.3.

use std::collections::HashMap;

use gpt::reference::{GRAD_FLOOR, GRAD_TOLERANCE};
use gpt::{Acts, Batch, IGNORE, Model, ModelConfig};
use kernels::Opts;

struct Golden(HashMap<String, Vec<f64>>);

impl Golden {
    fn load() -> Golden {
        let text = include_str!("data/gpt_tiny.txt");
        let map = text
            .lines()
            .filter(|l| !l.starts_with("case "))
            .map(|line| {
                let mut words = line.split_whitespace();
                let key = words.next().unwrap().to_string();
                (key, words.map(|w| w.parse::<f64>().unwrap()).collect())
            })
            .collect();
        Golden(map)
    }

    fn get(&self, key: &str) -> &[f64] {
        self.0.get(key).unwrap_or_else(|| panic!("golden case lacks {key}"))
    }

    fn int(&self, key: &str) -> usize {
        self.get(key)[0] as usize
    }

    fn ids(&self, key: &str) -> Vec<u32> {
        self.get(key).iter().map(|&v| if v < 0.0 { IGNORE } else { v as u32 }).collect()
    }
}

fn setup() -> (Golden, Model, Batch) {
    let g = Golden::load();
    let cfg = ModelConfig {
        vocab: g.int("vocab"),
        d_model: g.int("d_model"),
        layers: g.int("layers"),
        heads: g.int("heads"),
        hidden: g.int("hidden"),
        max_seq: g.int("max_seq"),
        norm_eps: g.get("norm_eps")[0] as f32,
        rope_theta: g.get("rope_theta")[0] as f32,
        init_std: 0.02,
    };
    let layout = gpt::params::Layout::new(&cfg);
    let mut params = vec![0.0f32; layout.len];
    for spec in &layout.tensors {
        let values = g.get(&spec.name);
        assert_eq!(values.len(), spec.len(), "{}", spec.name);
        // The golden weights are exact f32 values.
        params[spec.range()].iter_mut().zip(values).for_each(|(p, &v)| *p = v as f32);
    }
    let model = Model::from_params(cfg, params).unwrap();
    let batch = Batch {
        batch: g.int("batch"),
        seq: g.int("seq"),
        inputs: g.ids("inputs"),
        targets: g.ids("targets"),
    };
    (g, model, batch)
}

fn max_abs(xs: &[f64]) -> f64 {
    xs.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

#[test]
fn the_f64_reference_matches_pytorch_float64() {
    let (g, model, batch) = setup();
    let p: Vec<f64> = model.params.iter().map(|&v| v as f64).collect();
    let logits = gpt::reference::logits(&model.cfg, &p, &batch.inputs, batch.batch, batch.seq);
    let want = g.get("logits");
    let err = logits.iter().zip(want).fold(0.0f64, |m, (a, b)| m.max((a - b).abs())) / max_abs(want);
    assert!(err <= 1e-9, "logits differ by {err:.2e} of their scale");
    let loss = gpt::reference::loss(&model.cfg, &p, &batch);
    let want = g.get("loss")[0];
    assert!((loss - want).abs() <= 1e-9 * want, "loss {loss} vs {want}");
}

#[test]
fn the_f32_model_and_its_gradients_match_pytorch_float64() {
    let (g, model, batch) = setup();
    let mut acts = Acts::default();
    let opts = Opts::default();
    let loss = model.forward(&batch, &mut acts, &opts).unwrap() as f64;
    let want = g.get("loss")[0];
    assert!((loss - want).abs() <= 1e-5 * want, "loss {loss} vs {want}");
    let logits = g.get("logits");
    let err = acts.logits.iter().zip(logits).fold(0.0f64, |m, (&a, b)| m.max((a as f64 - b).abs()));
    assert!(err <= 1e-5 * max_abs(logits), "logits differ by {err:.2e}");
    let mut grads = vec![0.0f32; model.layout.len];
    model.backward(&batch, &acts, &mut grads, &opts).unwrap();
    let global =
        model.layout.tensors.iter().map(|s| max_abs(g.get(&format!("grad.{}", s.name)))).fold(0.0, f64::max);
    for spec in &model.layout.tensors {
        let want = g.get(&format!("grad.{}", spec.name));
        let scale = max_abs(want).max(GRAD_FLOOR * global);
        let err = grads[spec.range()].iter().zip(want).fold(0.0f64, |m, (&a, b)| m.max((a as f64 - b).abs()));
        assert!(
            err <= GRAD_TOLERANCE * scale,
            "{}: gradient off by {err:.2e} (scale {scale:.2e})",
            spec.name
        );
    }
}
