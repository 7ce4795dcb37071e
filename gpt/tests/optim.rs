//! AdamW, clipping and the learning-rate schedule against values worked out by hand.

mod common;

use gpt::OptimConfig;
use gpt::optim::{AdamW, clip_grad_norm, learning_rate};
use gpt::params::Layout;

#[test]
fn one_adamw_step_matches_the_hand_computed_one() {
    let cfg = common::tiny();
    let layout = Layout::new(&cfg);
    let optim = OptimConfig::default();
    let n = layout.len;
    let params: Vec<f32> = (0..n).map(|i| ((i % 7) as f32 - 3.0) * 0.1).collect();
    let grads: Vec<f32> = (0..n).map(|i| ((i % 5) as f32 - 2.0) * 0.01).collect();
    let mut adam = AdamW::new(n);
    let mut p = params.clone();
    let lr = 3e-3;
    adam.update(&optim, &layout, &mut p, &grads, lr);
    // Step 1: m = 0.1 g, v = 0.05 g^2; m_hat = g, v_hat = g^2, so the step is
    // lr g / (|g| + eps), after decaying matrices by 1 - lr * 0.1.
    for spec in &layout.tensors {
        for i in spec.range() {
            let (p0, g) = (params[i] as f64, grads[i] as f64);
            let decayed = if spec.matrix { p0 * (1.0 - 3e-3 * 0.1) } else { p0 };
            let want = decayed - 3e-3 * g / (g.abs() + 1e-8);
            assert!((p[i] as f64 - want).abs() <= 1e-7, "{} [{i}]: {} vs {want}", spec.name, p[i]);
            assert!((adam.m[i] as f64 - 0.1 * g).abs() <= 1e-9);
            assert!((adam.v[i] as f64 - 0.05 * g * g).abs() <= 1e-11);
        }
    }
    assert_eq!(adam.step, 1);
    // A gain (not decayed) with zero gradient does not move; a matrix with zero gradient decays.
    let gain = &layout.tensors[layout.blocks[0].attn_norm];
    let i = gain.range().find(|&i| grads[i] == 0.0).unwrap();
    assert_eq!(p[i], params[i]);
}

#[test]
fn clipping_scales_to_the_max_norm_and_leaves_small_gradients() {
    let mut g = vec![3.0f32, 4.0];
    let norm = clip_grad_norm(&mut g, 1.0);
    assert_eq!(norm, 5.0);
    assert!((g[0] - 0.6).abs() < 1e-6 && (g[1] - 0.8).abs() < 1e-6);
    let mut small = vec![0.3f32, 0.4];
    assert!((clip_grad_norm(&mut small, 1.0) - 0.5).abs() < 1e-7);
    assert_eq!(small, [0.3, 0.4]);
}

#[test]
fn the_schedule_warms_up_then_follows_a_cosine() {
    let cfg = OptimConfig { lr: 1e-3, min_lr: 1e-4, warmup: 10, total_steps: 110, ..OptimConfig::default() };
    assert!((learning_rate(&cfg, 0) - 1e-4).abs() < 1e-9);
    assert!((learning_rate(&cfg, 9) - 1e-3).abs() < 1e-9);
    assert!((learning_rate(&cfg, 10) - 1e-3).abs() < 1e-9);
    assert!((learning_rate(&cfg, 60) - 5.5e-4).abs() < 1e-8);
    assert!((learning_rate(&cfg, 110) - 1e-4).abs() < 1e-9);
    assert!((learning_rate(&cfg, 500) - 1e-4).abs() < 1e-9);
}
