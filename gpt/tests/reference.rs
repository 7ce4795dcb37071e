//! The f32 model against its f64 reference: logits, loss and every parameter's gradient.

mod common;

use gpt::Model;
use gpt::reference::{GradCheck, grad_check};
use kernels::Opts;

fn report(check: &GradCheck) {
    for t in &check.tensors {
        eprintln!("{:<22} error {:.2e} scale {:.2e} ratio {:.3}", t.name, t.max_error, t.scale, t.ratio());
    }
    eprintln!("loss {} vs {} logits {:.2e}", check.loss, check.loss_ref, check.logits_error);
}

#[test]
fn every_gradient_matches_finite_differences_of_the_f64_reference() {
    let cfg = common::tiny();
    for seed in [1, 2] {
        let model = Model::new(cfg.clone(), seed).unwrap();
        let batch = common::random_batch(&cfg, 2, 7, seed + 10);
        let check = grad_check(&model, &batch, &Opts::default()).unwrap();
        report(&check);
        assert_eq!(check.tensors.len(), model.layout.tensors.len());
        let worst = check.worst().unwrap();
        assert!(
            worst.ratio() <= 1.0,
            "{} gradient off by {:.2e} (scale {:.2e})",
            worst.name,
            worst.max_error,
            worst.scale
        );
        assert!(check.tensors.iter().all(|t| t.scale > 0.0));
    }
}

#[test]
fn f32_logits_and_loss_match_the_reference() {
    let cfg = common::tiny();
    let model = Model::new(cfg.clone(), 3).unwrap();
    let batch = common::random_batch(&cfg, 3, 8, 4);
    let check = grad_check(&model, &batch, &Opts::default()).unwrap();
    report(&check);
    assert!(check.logits_error <= 1e-5, "logits off by {:.2e} of their scale", check.logits_error);
    let rel = (check.loss as f64 - check.loss_ref).abs() / check.loss_ref;
    assert!(rel <= 1e-5, "loss {} vs reference {} ({rel:.2e} relative)", check.loss, check.loss_ref);
}
