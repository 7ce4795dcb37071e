//! The curriculum is complete and fits the judges: every target has a stub and at least three
//! hints, and every stub compiles with its target's adapter (all in one type-check).

use std::fmt::Write as _;

use harness::practice::{Target, compile, hint, judge};
use harness::workspace::Workspace;

#[test]
fn every_target_has_a_stub_and_three_hints_or_more() {
    let ws = Workspace { root: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().into() };
    for target in Target::all() {
        let dir = ws.curriculum(&target.name());
        let stub = std::fs::read_to_string(dir.join("stub.rs"))
            .unwrap_or_else(|e| panic!("{}: stub: {e}", target.name()));
        assert!(stub.contains("todo!()"), "{}: a stub starts unsolved", target.name());
        let hints = std::fs::read_to_string(dir.join("hints.md"))
            .unwrap_or_else(|e| panic!("{}: hints: {e}", target.name()));
        assert!(hint::split(&hints).len() >= 3, "{}: fewer than 3 hints", target.name());
    }
}

#[test]
fn every_stub_fits_its_judge() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace { root: dir.path().to_path_buf() };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let guard = root.join("kernels/tests/common/guard.rs");
    // Each judge as a module, its attempt the stub.
    let mut source = String::new();
    for target in Target::all() {
        let name = target.name();
        let stub = root.join("harness/curriculum").join(&name).join("stub.rs");
        let judge = judge::source(&target, &guard).unwrap_or_else(|| panic!("{name}: no adapter"));
        let _ = write!(
            source,
            "mod {name} {{\n{judge}\n#[path = {:?}]\nmod attempt;\n}}\n",
            stub.display().to_string()
        );
    }
    source.push_str("fn main() {}\n");
    let checked = compile::typecheck(&ws, "every_stub", &source).expect("rustc runs");
    assert_eq!(checked, Ok(()), "a stub does not fit its adapter");
}
