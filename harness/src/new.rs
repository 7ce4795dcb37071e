//! `harness new`: scaffolds a problem module (doc, `Solution` stub, spec skeleton) and registers
//! it, so `harness run <id>` reports it as pending straight away.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};
use problems::registry;
use problems::spec::{Chapter, Difficulty, Info};
use serde_json::json;

use crate::cli::{ChapterArg, NewArgs};
use crate::workspace::Workspace;

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

    let order_file = plan.root.join("problems/registry.txt");
    let order =
        fs::read_to_string(&order_file).with_context(|| format!("reading {}", order_file.display()))?;
    let order = insert_in_chapter(&order, &plan.module, plan.chapter.into());

    fs::write(&file, scaffold(&plan)).with_context(|| format!("writing {}", file.display()))?;
    fs::write(&order_file, order).with_context(|| format!("writing {}", order_file.display()))?;

    if args.json {
        let created = json!({ "id": plan.id, "slug": plan.slug, "module": plan.module, "file": file });
        println!("{}", serde_json::to_string_pretty(&created)?);
    } else {
        println!("created {}", file.display());
        println!("registered {} in problems/registry.txt, at the end of its chapter", plan.module);
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
        root: Workspace::find()?.root,
        id: args.id,
        module: format!("p{:04}_{snake}", args.id),
        slug: slug.to_string(),
        title,
        method,
        difficulty: args.difficulty.into(),
        chapter: args.chapter,
    })
}

/// `order` (registry.txt) with `module` inserted after the last problem of `chapter` or of an
/// earlier chapter, so that every chapter stays one block in study order. The chapters of the
/// listed modules are those of the registry this harness was built with.
fn insert_in_chapter(order: &str, module: &str, chapter: Chapter) -> String {
    let chapter_of = |line: &str| {
        registry::PROBLEMS
            .iter()
            .map(|p| p.info())
            .find(|info| module_name(info) == line.trim())
            .map(|i| i.chapter)
    };
    let mut lines: Vec<&str> = order.lines().collect();
    let after = lines.iter().rposition(|line| chapter_of(line).is_some_and(|c| c <= chapter));
    let at = match after {
        Some(index) => index + 1,
        // Nothing before it: in front of the first problem of a later chapter, else at the end.
        None => lines.iter().position(|line| chapter_of(line).is_some()).unwrap_or(lines.len()),
    };
    lines.insert(at, module);
    lines.join("\n") + "\n"
}

/// A problem's module name: `p0024_swap_nodes_in_pairs`.
pub fn module_name(info: &Info) -> String {
    format!("p{:04}_{}", info.id, info.slug.replace('-', "_"))
}

/// Words a title keeps in lower case unless they come first.
const SMALL_WORDS: [&str; 13] =
    ["a", "an", "the", "and", "or", "of", "in", "on", "to", "from", "for", "by", "with"];

/// A title from a slug: every word capitalised except the small ones after the first.
fn title_case(slug: &str) -> String {
    slug.split('-')
        .enumerate()
        .map(|(i, word)| {
            if i > 0 && SMALL_WORDS.contains(&word) {
                return word.to_string();
            }
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn scaffold(plan: &Plan) -> String {
    let Plan { id, slug, title, method, .. } = plan;
    let difficulty = format!("{:?}", plan.difficulty);
    let chapter = format!("{:?}", Chapter::from(plan.chapter));
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
    fn a_new_problem_joins_the_end_of_its_chapter_block() {
        let order = "# basics\np0203_remove_linked_list_elements\np0024_swap_nodes_in_pairs\n\n# practice\n\
                     p0002_add_two_numbers\np0876_middle_of_the_linked_list\n";
        let basics = insert_in_chapter(order, "p1290_x", Chapter::LinkedListBasics);
        assert_eq!(
            basics,
            "# basics\np0203_remove_linked_list_elements\np0024_swap_nodes_in_pairs\np1290_x\n\n# practice\n\
             p0002_add_two_numbers\np0876_middle_of_the_linked_list\n"
        );
        let practice = insert_in_chapter(order, "p1290_x", Chapter::LinkedListPractice);
        assert!(practice.ends_with("p0876_middle_of_the_linked_list\np1290_x\n"), "{practice}");
        let first =
            insert_in_chapter("# practice\np0002_add_two_numbers\n", "p1290_x", Chapter::LinkedListBasics);
        assert_eq!(first, "# practice\np1290_x\np0002_add_two_numbers\n");
    }

    #[test]
    fn titles_come_from_slugs() {
        assert_eq!(title_case("add-two-numbers"), "Add Two Numbers");
        assert_eq!(
            title_case("convert-binary-number-in-a-linked-list-to-integer"),
            "Convert Binary Number in a Linked List to Integer"
        );
        assert_eq!(title_case("the-kth-node"), "The Kth Node");
    }
}
