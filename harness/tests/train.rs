//! `harness train`, run end to end on a model small enough to train a few steps in a second.

mod common;

use std::path::Path;
use std::process::Output;

use common::{harness, text};

/// A tiny adder model: a few steps take well under a second.
const TINY: [&str; 12] =
    ["--d-model", "16", "--layers", "1", "--heads", "2", "--hidden", "32", "--batch", "8", "--threads", "1"];

fn train(extra: &[&str]) -> Output {
    let mut args = vec!["train", "adder"];
    args.extend(TINY);
    args.extend(extra);
    harness(&args)
}

/// The checkpoint `name` in `dir` of a tiny adder model trained for `steps` steps.
fn trained_checkpoint(dir: &Path, name: &str, steps: &str) -> String {
    let path = dir.join(name).display().to_string();
    let out = train(&["--steps", steps, "--checkpoint", &path]);
    assert!(out.status.success(), "{}", text(&out));
    path
}

#[test]
fn a_few_steps_of_adder_training_end_in_one_json_line() {
    let output = train(&["--steps", "6", "--json"]);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().expect("some output");
    let json: serde_json::Value = serde_json::from_str(last).expect("the last line is JSON");
    assert_eq!(json["task"], "adder");
    assert_eq!(json["steps"], 6);
    assert_eq!(json["held_out"], 1000);
    for key in ["seconds", "final_loss", "accuracy", "tokens_per_second"] {
        assert!(json[key].is_number(), "{key} missing: {last}");
    }
    let loss = json["final_loss"].as_f64().unwrap();
    assert!(loss > 0.0 && loss < 4.0, "loss {loss} after 6 steps from ln(13) = 2.56");
    assert!(stdout.contains("held-out accuracy"), "{stdout}");
}

#[test]
fn a_stopped_and_resumed_run_ends_bitwise_equal_to_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (full, mid, end) = (path("full.safetensors"), path("mid.safetensors"), path("end.safetensors"));
    let out = train(&["--steps", "8", "--checkpoint", &full]);
    assert!(out.status.success(), "{}", text(&out));
    let out = train(&["--steps", "8", "--stop-after", "3", "--checkpoint", &mid]);
    assert!(out.status.success(), "{}", text(&out));
    let out = harness(&["train", "adder", "--threads", "2", "--resume", &mid, "--checkpoint", &end]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("5 steps (3 to 8 of 8)"), "{}", text(&out));
    let read = |p: &str| std::fs::read(Path::new(p)).unwrap();
    assert_ne!(read(&mid), read(&full), "the interrupted run must differ before resuming");
    assert!(read(&end) == read(&full), "the resumed run's checkpoint differs from the uninterrupted one");
}

#[test]
fn bad_flags_and_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = trained_checkpoint(dir.path(), "c.safetensors", "2");
    let out = harness(&["train", "adder", "--resume", &ckpt, "--d-model", "32"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--d-model cannot be combined with --resume"), "{}", text(&out));
    let missing = dir.path().join("nope.safetensors").display().to_string();
    let out = harness(&["train", "adder", "--resume", &missing]);
    assert!(!out.status.success());
    assert!(text(&out).contains("nope.safetensors"), "{}", text(&out));
    let out = harness(&["train", "adder", "--steps", "2", "--d-model", "16", "--heads", "3"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not a multiple of heads"), "{}", text(&out));
}

#[test]
fn sample_answers_an_adder_prompt_with_three_tokens_from_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let ckpt = trained_checkpoint(dir.path(), "s.safetensors", "3");
    let out = harness(&["sample", "--checkpoint", &ckpt, "--prompt", "12+34="]);
    assert!(out.status.success(), "{}", text(&out));
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(answer.chars().count(), 3, "{answer:?}");
    assert!(answer.chars().all(|c| "0123456789+=_".contains(c)), "{answer:?}");
    let again = harness(&[
        "sample",
        "--checkpoint",
        &ckpt,
        "--prompt",
        "12+34=",
        "--temperature",
        "2",
        "--seed",
        "1",
    ]);
    assert!(again.status.success(), "{}", text(&again));
    let out = harness(&["sample", "--checkpoint", &ckpt, "--prompt", "12x34="]);
    assert!(!out.status.success());
    assert!(text(&out).contains("is not an adder prompt"), "{}", text(&out));
}

#[test]
fn run_gpt_checks_the_model_against_its_reference_on_every_isa() {
    let out = harness(&["run", "gpt", "--seed", "5"]);
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    for line in ["✓ forward", "✓ gradients", "✓ decode", "✓ threads", "✓ adamw", "✓ clipping", "✓ schedule"]
    {
        assert!(report.contains(line), "missing {line}: {report}");
    }
    assert!(report.contains("all 20 tensors"), "{report}");
    assert!(report.contains("ok: 1 passed, 0 failed, 0 pending"), "{report}");
    let out = harness(&["practice", "gpt"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not an exercise"), "{}", text(&out));
}

#[test]
fn chars_trains_on_a_text_file_and_reports_bits_per_character() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.txt");
    std::fs::write(&file, "the quick brown fox jumps over the lazy dog.\n".repeat(40)).unwrap();
    let file = file.display().to_string();
    let tiny = ["--d-model", "16", "--layers", "1", "--heads", "2", "--hidden", "32", "--batch", "4"];
    let mut args = vec!["train", "chars", "--text", &file, "--steps", "4", "--json"];
    args.extend(tiny);
    let out = harness(&args);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(json["task"], "chars");
    let bpc = json["bpc"].as_f64().unwrap();
    // 28 distinct characters: an untrained model is near log2(28) = 4.8 bits.
    assert!(bpc > 1.0 && bpc < 6.0, "{bpc}");
    assert_eq!(stdout.matches("sample: ").count(), 3, "{stdout}");

    let out = harness(&["train", "chars", "--text", "/nonexistent/file.txt"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("/nonexistent/file.txt"), "{}", text(&out));
    std::fs::write(dir.path().join("short.txt"), "tiny").unwrap();
    let short = dir.path().join("short.txt").display().to_string();
    let out = harness(&["train", "chars", "--text", &short]);
    assert!(!out.status.success());
    assert!(text(&out).contains("at least 650"), "{}", text(&out));
}
