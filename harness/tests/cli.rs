//! The built `harness` binary, run end to end as a person would run it.

mod common;

use std::process::{Command, Output};

use common::harness;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn run_24_passes_every_check_of_every_approach() {
    let output = harness(&["run", "24", "--cases", "64"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", stderr(&output));
    assert!(text.contains("✓ 24. Swap Nodes in Pairs (medium)"), "{text}");
    for check in ["examples", "model", "identity", "long input"] {
        assert!(text.contains(&format!("✓ {check}")), "missing {check}: {text}");
    }
    assert!(text.contains("- long input  recursive"), "{text}");
    assert!(text.contains("ok: 1 passed, 0 failed, 0 pending"), "{text}");
}

#[test]
fn padded_id_and_slug_name_the_same_problem() {
    for query in ["0024", "swap-nodes-in-pairs"] {
        let output = harness(&["run", query, "--quick", "--cases", "8"]);
        assert!(output.status.success(), "{query}: {}", stdout(&output));
        assert!(stdout(&output).contains("24. Swap Nodes in Pairs"));
    }
}

#[test]
fn unknown_id_fails_naming_the_closest_ids() {
    let output = harness(&["run", "27"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(r#"unknown problem "27""#), "{message}");
    assert!(
        message.contains("closest known: 25 (reverse-nodes-in-k-group), 24 (swap-nodes-in-pairs)"),
        "{message}"
    );

    let output = harness(&["run", "swap-nodes-in-pair"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("closest known: 24 (swap-nodes-in-pairs)"));
}

#[test]
fn json_reports_the_same_results() {
    let output = harness(&["run", "203", "--json", "--quick", "--cases", "16", "--seed", "7"]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["seed"], 7);
    assert_eq!(json["summary"]["passed"], 1);
    let section = &json["sections"][0];
    assert_eq!(section["meta"]["slug"], "remove-linked-list-elements");
    assert_eq!(section["groups"][0]["name"], "dummy node");
    assert_eq!(section["groups"][0]["checks"][0]["status"], "passed");
}

#[test]
fn list_shows_every_problem_with_difficulty_and_approaches() {
    let output = harness(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let line = text.lines().find(|l| l.contains("Swap Nodes in Pairs")).expect("24 is listed");
    assert!(line.contains("24") && line.contains("medium") && line.contains("dummy node · recursive"));
    assert!(text.find("Remove Linked List Elements") < text.find("Swap Nodes in Pairs"), "study order");
}

#[test]
fn run_kernels_reports_every_available_isa() {
    for kernel in ["matmul", "softmax", "exp", "attention", "activation", "embedding", "rope"] {
        let output = harness(&["run", kernel]);
        let text = stdout(&output);
        assert!(output.status.success(), "{kernel}: {text}");
        assert!(text.contains(&format!("✓ {kernel}: ")), "{text}");
        for isa in kernels::Isa::available() {
            assert!(text.contains(&format!("  {isa} — ")), "{kernel} lacks {isa}: {text}");
        }
        assert!(text.contains("ok: 1 passed, 0 failed"), "{text}");
    }
    let only = stdout(&harness(&["run", "matmul", "--isa", "scalar"]));
    assert!(only.contains("  scalar — ") && !only.contains("  avx2 — "), "{only}");
}

#[test]
fn bench_matmul_prints_gflops_and_percent_of_peak_per_isa() {
    let output = harness(&["bench", "matmul", "--size", "48"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", stderr(&output));
    assert!(text.contains("measured FMA peak"), "{text}");
    for isa in kernels::Isa::available() {
        let line = text.lines().find(|l| l.trim_start().starts_with(isa.name())).expect("a line per ISA");
        assert!(line.contains("GFLOP/s") && line.contains("% of peak"), "{line}");
    }
}

#[test]
fn bench_plot_draws_every_implementation_and_the_roofline() {
    let dir = tempfile::tempdir().unwrap();
    // Small sweeps on a tiny budget: two sizes each.
    for (kernel, max, roofline) in
        [("norm", "8192", "copy (roofline)"), ("matmul", "128", "FMA peak (roofline)")]
    {
        let svg = dir.path().join(format!("{kernel}.svg"));
        let args = ["bench", kernel, "--size", max, "--budget-ms", "1", "--json", "--plot"];
        let output = harness(&[&args[..], &[svg.to_str().unwrap()]].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let tables = json["tables"].as_array().unwrap();
        assert_eq!(tables.len(), 2, "{json}");
        let drawn = std::fs::read_to_string(&svg).unwrap();
        assert!(drawn.contains(roofline), "{kernel}: no roofline in the SVG");
        for row in tables[0]["rows"].as_array().unwrap() {
            let name = row["implementation"].as_str().unwrap();
            if name != "copy" {
                assert!(drawn.contains(name), "{kernel}: {name} missing from the SVG");
            }
        }
        for isa in kernels::Isa::available() {
            assert!(drawn.contains(isa.name()), "{kernel}: {isa} missing from the SVG");
        }
    }
}

#[test]
fn bench_memory_kernels_give_percent_of_copy_and_backward_over_forward() {
    let output = harness(&["bench", "norm", "--size", "1024", "--budget-ms", "1", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = json["tables"][0]["rows"].as_array().unwrap();
    let row =
        |name: &str| rows.iter().find(|r| r["implementation"] == name).unwrap_or_else(|| panic!("{name}"));
    assert!((row("copy")["percent_of_copy"].as_f64().unwrap() - 100.0).abs() < 1e-9);
    let isa = kernels::Isa::detect();
    let backward = row(&format!("{isa} layer_norm backward"));
    assert!(backward["rate"].as_f64().unwrap() > 0.0 && backward["gb_per_s"].as_f64().unwrap() > 0.0);
    assert!(backward["time_over_forward"].as_f64().unwrap() > 0.0, "{backward}");
    assert!(row(&format!("{isa} layer_norm"))["time_over_forward"].is_null());
}

#[test]
fn bench_of_one_target_of_a_section_measures_that_op_alone() {
    let references = |target: &str| -> Vec<String> {
        let output = harness(&["bench", target, "--size", "4096", "--budget-ms", "1", "--json"]);
        assert!(output.status.success(), "{target}: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let focus = if target == "activation" { serde_json::Value::Null } else { target.into() };
        assert_eq!(json["focus"], focus, "{target}");
        let rows = json["tables"][0]["rows"].as_array().unwrap().clone();
        // The learner's attempt, if this checkout holds one, is not a reference.
        rows.iter()
            .map(|r| r["implementation"].as_str().unwrap().to_string())
            .filter(|name| !name.starts_with("yours"))
            .collect()
    };
    let isa = kernels::Isa::detect();
    let silu = references("silu");
    assert!(silu.contains(&"copy".to_string()) && silu.contains(&format!("{isa} silu backward")), "{silu:?}");
    assert!(
        silu.iter().all(|n| n == "copy" || n.ends_with("silu") || n.ends_with("silu backward")),
        "{silu:?}"
    );
    let all = references("activation");
    for op in ["gelu erf", "gelu tanh", "silu", "swiglu"] {
        assert!(all.contains(&format!("{isa} {op}")), "{op}: {all:?}");
    }
}

#[test]
fn info_names_the_dispatched_isa_and_a_measured_peak() {
    let output = harness(&["info", "--json"]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["detected_isa"], kernels::Isa::detect().name());
    let peaks = json["fma_peak_gflops_per_core"].as_array().unwrap();
    assert_eq!(peaks.len(), kernels::Isa::available().len());
    assert!(peaks.iter().all(|p| p["gflops"].as_f64().unwrap() > 0.0));
}

#[test]
fn an_unknown_target_lists_the_kernels_too() {
    let output = harness(&["run", "matmull"]);
    assert!(!output.status.success());
    let kernels = "Kernels: matmul, softmax, exp, attention, layer_norm, rms_norm, gelu, silu, swiglu, \
                   cross_entropy, embedding, rope";
    assert!(stderr(&output).contains(kernels), "{}", stderr(&output));
}

#[test]
fn watch_clears_the_screen_before_the_report_not_after_it() {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir().unwrap();
    // Stands in for cargo: prints a report the way `cargo run -- run 24` would.
    let fake_cargo = dir.path().join("cargo");
    std::fs::write(&fake_cargo, "#!/bin/sh\necho 'REPORT of run 24'\n").unwrap();
    std::fs::set_permissions(&fake_cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = dir.path().join("watch.log");
    let mut watch = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["watch", "24"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO", &fake_cargo)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(&log).unwrap().contains("watching") {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "watch never got to watching");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    watch.stdin.take().unwrap().write_all(b"q\n").unwrap();
    assert!(watch.wait().unwrap().success());
    let bytes = std::fs::read_to_string(&log).unwrap();
    let at = |needle: &str| bytes.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {bytes:?}"));
    assert!(at("\x1b[2J") < at("REPORT of run 24"), "the screen is cleared first: {bytes:?}");
    assert!(at("REPORT of run 24") < at("watching"), "{bytes:?}");
}
