//! Reads `registry.txt`, the study order, and writes the code that follows from it into
//! `OUT_DIR`: the problem modules (`modules.rs`, included by lib.rs), the `registry!` list
//! (`registry.rs`) and one spec test per problem (`spec_tests.rs`). Adding a problem edits that
//! one data file, never Rust source.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed=registry.txt");
    let text = fs::read_to_string(dir.join("registry.txt")).expect("reading problems/registry.txt");
    let modules =
        parse(&text, &dir.join("src")).unwrap_or_else(|error| panic!("problems/registry.txt: {error}"));

    let (mut decls, mut order, mut tests) = (String::new(), String::from("registry![\n"), String::new());
    tests.push_str("spec_tests! {\n");
    for module in &modules {
        let path = dir.join("src").join(format!("{module}.rs"));
        let _ = writeln!(decls, "#[path = {:?}]\npub mod {module};", path.display().to_string());
        let _ = writeln!(order, "    {module},");
        let _ = writeln!(tests, "    {} => {module},", &module[..5]);
    }
    order.push_str("];\n");
    tests.push_str("}\n");
    for (name, text) in [("modules.rs", decls), ("registry.rs", order), ("spec_tests.rs", tests)] {
        fs::write(out.join(name), text).unwrap_or_else(|e| panic!("writing {name} into OUT_DIR: {e}"));
    }
}

/// The module names of `text`, in order, each checked: `pNNNN_snake_case`, listed once, with
/// its file in `src`.
fn parse(text: &str, src: &Path) -> Result<Vec<String>, String> {
    let mut modules: Vec<String> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let module = line.trim();
        if module.is_empty() || module.starts_with('#') {
            continue;
        }
        let at = format!("line {}", number + 1);
        let valid = module.len() > 6
            && module.starts_with('p')
            && module[1..5].bytes().all(|b| b.is_ascii_digit())
            && module.as_bytes()[5] == b'_'
            && module.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(format!(
                "{at}: {module:?} is not a problem module name like p0024_swap_nodes_in_pairs"
            ));
        }
        if modules.iter().any(|m| m == module) {
            return Err(format!("{at}: {module} is listed twice"));
        }
        if !src.join(format!("{module}.rs")).is_file() {
            return Err(format!("{at}: {module} has no file src/{module}.rs"));
        }
        modules.push(module.to_string());
    }
    Ok(modules)
}
