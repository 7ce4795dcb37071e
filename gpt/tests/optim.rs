//! AdamW, clipping and the learning-rate schedule against values worked out by hand.

mod common;

use gpt::OptimConfig;
use gpt::optim::{clip_grad_norm, learning_rate};
use gpt::reference::checks::{ADAMW_TOLERANCE, adamw_step_error};

#[test]
fn one_adamw_step_matches_the_hand_computed_one() {
    let worst = adamw_step_error(&common::tiny()).unwrap();
    assert!(worst <= ADAMW_TOLERANCE, "worst parameter off by {worst:.2e}");
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
