//! `harness new`: scaffolds a problem module (doc, `Solution` stub, spec skeleton) and registers
//! it, so `harness run <id>` reports it as pending straight away.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};
use problems::registry;
use problems::spec::Difficulty;
use serde_json::json;

use crate::cli::{ChapterArg, NewArgs};

/// Where the scaffold goes and what it is called.
struct Plan {
    root: PathBuf,
    id: u32,
    slug: String,
    module: String,
    title: String,
    method: String,
    difficulty: Difficulty,
    chapter: ChapterArg,
}

pub fn run(args: &NewArgs) -> Result<ExitCode> {
    let plan = plan(args)?;
    let file = plan.root.join("problems/src").join(format!("{}.rs", plan.module));
    ensure!(!file.exists(), "{} already exists; `harness new` never overwrites a problem", file.display());
    if let Some(existing) = registry::PROBLEMS.iter().find(|p| p.info().id == plan.id) {
        bail!("problem {} is already registered as {}", plan.id, existing.info().slug);
    }

    // Check every edit applies before writing anything.
    let lib = edit(&plan.root.join("problems/src/lib.rs"), |text| add_module(text, &plan.module))?;
    let registry =
        edit(&plan.root.join("problems/src/registry.rs"), |text| add_to_registry(text, &plan.module))?;
    let specs =
        edit(&plan.root.join("problems/tests/specs.rs"), |text| add_spec_test(text, plan.id, &plan.module))?;

    fs::write(&file, scaffold(&plan)).with_context(|| format!("writing {}", file.display()))?;
    for (path, text) in [lib, registry, specs] {
        fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }

    if args.json {
        let created = json!({ "id": plan.id, "slug": plan.slug, "module": plan.module, "file": file });
        println!("{}", serde_json::to_string_pretty(&created)?);
    } else {
        println!("created {}", file.display());
        println!("registered {} in problems/src/lib.rs, registry.rs and tests/specs.rs", plan.module);
        println!("next: fill in the examples and the model, then `cargo harness run {}`", plan.id);
    }
    Ok(ExitCode::SUCCESS)
}

fn plan(args: &NewArgs) -> Result<Plan> {
    ensure!((1..=9999).contains(&args.id), "problem id {} is out of range (1..=9999)", args.id);
    let slug = args.slug.as_str();
    let valid = !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    ensure!(
        valid,
        "invalid slug {slug:?}: use LeetCode's URL slug, lowercase words joined by single hyphens, \
         e.g. reverse-linked-list"
    );
    let snake = slug.replace('-', "_");
    let title = args.title.clone().unwrap_or_else(|| title_case(slug));
    let method = args.method.clone().unwrap_or_else(|| snake.clone());
    ensure!(
        !method.is_empty()
            && method.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && method.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "invalid method name {method:?}: use LeetCode's snake_case method name, e.g. reverse_list"
    );
    Ok(Plan {
        root: workspace_root()?,
        id: args.id,
        module: format!("p{:04}_{snake}", args.id),
        slug: slug.to_string(),
        title,
        method,
        difficulty: args.difficulty.into(),
        chapter: args.chapter,
    })
}

/// The workspace this command works on: the nearest directory, from the current one upwards,
/// that holds `problems/src/registry.rs`.
pub(crate) fn workspace_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    cwd.ancestors()
        .find(|dir| dir.join("problems/src/registry.rs").is_file())
        .map(Path::to_path_buf)
        .with_context(|| {
            format!("{} is not inside the workspace (no problems/src/registry.rs above it)", cwd.display())
        })
}

fn edit(path: &Path, change: impl FnOnce(&str) -> Result<String>) -> Result<(PathBuf, String)> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let changed = change(&text).with_context(|| format!("registering in {}", path.display()))?;
    Ok((path.to_path_buf(), changed))
}

/// Adds `pub mod <module>;` to the sorted block of problem modules in lib.rs.
fn add_module(text: &str, module: &str) -> Result<String> {
    let mut lines: Vec<&str> = text.lines().collect();
    let is_problem =
        |line: &str| line.starts_with("pub mod p") && line.as_bytes().get(9).is_some_and(u8::is_ascii_digit);
    let first = lines.iter().position(|l| is_problem(l)).context("no `pub mod pNNNN_...;` lines found")?;
    let count = lines[first..].iter().take_while(|l| is_problem(l)).count();
    let declaration = format!("pub mod {module};");
    lines.insert(first + count, &declaration);
    lines[first..=first + count].sort_unstable();
    Ok(lines.join("\n") + "\n")
}

/// Appends the module to the end of the study order in `registry![...]`.
fn add_to_registry(text: &str, module: &str) -> Result<String> {
    let start = text.find("registry![").context("no `registry![` list found")?;
    let end = start + text[start..].find("];").context("`registry![` is not closed by `];`")?;
    Ok(format!("{}    {module},\n{}", &text[..end], &text[end..]))
}

/// Adds a `pNNNN => module,` line to the `spec_tests!` list.
fn add_spec_test(text: &str, id: u32, module: &str) -> Result<String> {
    let start = text.find("spec_tests! {").context("no `spec_tests! {` list found")?;
    let end = start + text[start..].find("\n}").context("`spec_tests! {` is not closed")? + 1;
    Ok(format!("{}    p{id:04} => {module},\n{}", &text[..end], &text[end..]))
}

fn title_case(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn scaffold(plan: &Plan) -> String {
    let Plan { id, slug, title, method, .. } = plan;
    let difficulty = format!("{:?}", plan.difficulty);
    let chapter = match plan.chapter {
        ChapterArg::Basics => "LinkedListBasics",
        ChapterArg::Practice => "LinkedListPractice",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"//! # {id}. {title}
//!
//! <https://leetcode.com/problems/{slug}/> · {difficulty}
//!
//! TODO: the statement, in a sentence or two.
//!
//! **Approach.** TODO: the idea, then its time and space complexity.

use proptest::prelude::*;

use crate::ListNode;
use crate::spec::{{self, Approach, Chapter, Difficulty, Info, Problem}};

pub struct Solution;

impl Solution {{
    #[allow(unused_variables)] // until it is solved
    pub fn {method}(head: Option<Box<ListNode>>) -> Option<Box<ListNode>> {{
        todo!()
    }}
}}

pub struct Spec;

impl Problem for Spec {{
    const INFO: Info = Info {{
        id: {id},
        slug: "{slug}",
        title: "{title}",
        difficulty: Difficulty::{difficulty},
        chapter: Chapter::{chapter},
    }};
    // Plain data for the input and output; change them to fit the problem.
    type Input = Vec<i32>;
    type Output = Vec<i32>;

    /// LeetCode's examples exactly as published: (input, expected output).
    fn examples() -> Vec<(Vec<i32>, Vec<i32>)> {{
        todo!("copy LeetCode's examples")
    }}

    /// The answer computed the obvious way on a `Vec`.
    fn model(head: &Vec<i32>) -> Vec<i32> {{
        todo!("write the model for {{head:?}}")
    }}

    /// Random inputs within LeetCode's constraints: adjust the length and value ranges.
    fn inputs() -> BoxedStrategy<Vec<i32>> {{
        prop::collection::vec(0..=100, 0..=100).boxed()
    }}

    fn sized_input(n: usize) -> Vec<i32> {{
        (0..n as i32).map(|i| i % 101).collect()
    }}

    fn approaches() -> Vec<Approach<Vec<i32>, Vec<i32>>> {{
        vec![Approach {{
            name: "iterative",
            summary: "TODO: the idea; O(?) time, O(?) space",
            recursive: false,
            // true if the problem requires relinking nodes; then use spec::relinked.
            relinks: false,
            run: |head| spec::rebuilt(head, Solution::{method}),
        }}]
    }}
}}
"#
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_lines_stay_sorted() {
        let lib = "//! doc\n\npub mod check;\n\npub mod p0024_a;\npub mod p0203_b;\n";
        let out = add_module(lib, "p0141_c").unwrap();
        assert_eq!(
            out,
            "//! doc\n\npub mod check;\n\npub mod p0024_a;\npub mod p0141_c;\npub mod p0203_b;\n"
        );
    }

    #[test]
    fn registry_and_spec_lists_grow_at_the_end() {
        let registry = "registry![\n    p0203_b,\n    p0024_a,\n];\n";
        assert_eq!(
            add_to_registry(registry, "p0141_c").unwrap(),
            "registry![\n    p0203_b,\n    p0024_a,\n    p0141_c,\n];\n"
        );
        let specs = "spec_tests! {\n    p0024 => p0024_a,\n}\n\nfn f() {}\n";
        assert_eq!(
            add_spec_test(specs, 141, "p0141_c").unwrap(),
            "spec_tests! {\n    p0024 => p0024_a,\n    p0141 => p0141_c,\n}\n\nfn f() {}\n"
        );
    }

    #[test]
    fn titles_come_from_slugs() {
        assert_eq!(title_case("add-two-numbers"), "Add Two Numbers");
    }
}
