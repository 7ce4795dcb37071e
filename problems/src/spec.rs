//! What a problem is to the checker: its published examples, a plain `Vec` model, an input
//! generator within LeetCode's constraints, a long input, and its approaches. Written once per
//! problem, used by both `cargo test -p problems` and `harness run`.

use std::cell::Cell;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::strategy::BoxedStrategy;

use crate::list::{self, Identity, Link};

/// LeetCode's difficulty label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn name(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// Where a problem sits in the curriculum; chapters are studied in declaration order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chapter {
    /// The core cursor patterns: dummy heads, relinking, two pointers, cycles.
    LinkedListBasics,
    /// The same patterns combined: merging, reversing ranges, sorting, arithmetic.
    LinkedListPractice,
}

impl Chapter {
    pub fn title(self) -> &'static str {
        match self {
            Chapter::LinkedListBasics => "Linked lists: the basics",
            Chapter::LinkedListPractice => "Linked lists: practice",
        }
    }
}

/// A problem's identity card, as LeetCode publishes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    pub id: u32,
    /// LeetCode's URL slug, e.g. `swap-nodes-in-pairs`.
    pub slug: &'static str,
    pub title: &'static str,
    pub difficulty: Difficulty,
    pub chapter: Chapter,
}

impl Info {
    pub fn url(&self) -> String {
        format!("https://leetcode.com/problems/{}/", self.slug)
    }
}

/// What an approach produced, and whether it kept the input's nodes intact where the problem
/// demands relinking.
#[derive(Clone, Debug)]
pub struct Outcome<O> {
    pub output: O,
    /// `Some` when the approach allocated new nodes or rewrote values instead of relinking.
    pub violation: Option<String>,
}

impl<O> Outcome<O> {
    /// An outcome whose identity is not checked (the problem allows new nodes).
    pub fn plain(output: O) -> Self {
        Outcome { output, violation: None }
    }
}

/// One way of solving a problem, wrapped so the checker can call it on a plain input.
pub struct Approach<I, O> {
    /// A short name, e.g. "dummy node" or "recursive".
    pub name: &'static str,
    /// The idea and its complexity, one line.
    pub summary: &'static str,
    /// Uses O(n) call stack: the 10^6-node input is skipped for it.
    pub recursive: bool,
    /// The problem requires relinking the input's nodes; the identity check runs.
    pub relinks: bool,
    /// Builds the solution's input, calls it, and reads its output back.
    pub run: fn(&I) -> Outcome<O>,
}

impl<I, O> Debug for Approach<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approach").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The length of the long input every iterative approach must survive.
pub const LONG_INPUT_LEN: usize = 1_000_000;

/// Everything the checker needs to know about one problem.
pub trait Problem: 'static {
    const INFO: Info;
    /// The input in plain data (values, not nodes), so it can be shown, shrunk and replayed.
    type Input: Clone + Debug + Send + 'static;
    type Output: PartialEq + Debug + 'static;

    /// The examples exactly as LeetCode publishes them, with their expected outputs.
    fn examples() -> Vec<(Self::Input, Self::Output)>;
    /// The obvious answer computed on plain data: what every approach must agree with.
    fn model(input: &Self::Input) -> Self::Output;
    /// Random inputs within LeetCode's constraints.
    fn inputs() -> BoxedStrategy<Self::Input>;
    /// An input of about `n` nodes (or operations), of the same shape as the constraints allow
    /// but of any length: `harness bench` grows it from 10^3 to 10^6.
    fn sized_input(n: usize) -> Self::Input;
    /// An input far beyond the constraints for the iterative approaches: 10^6 nodes.
    fn long_input() -> Self::Input {
        Self::sized_input(LONG_INPUT_LEN)
    }
    /// The approaches, the main one first.
    fn approaches() -> Vec<Approach<Self::Input, Self::Output>>;
}

/// Runs `solve` on a list built from `values` and reads the result back, verifying that the
/// result is made of the input's own nodes with their original values.
pub fn relinked(values: &[i32], solve: impl FnOnce(Link) -> Link) -> Outcome<Vec<i32>> {
    relinked_nodes(list::from_slice(values), Identity::record, solve)
}

/// The core of the `relinked*` helpers: records the nodes of `input` (unless a timing run has
/// turned the bookkeeping off), solves, and verifies the result's nodes against the record.
fn relinked_nodes<T>(
    input: T,
    record: impl FnOnce(&T) -> Identity,
    solve: impl FnOnce(T) -> Link,
) -> Outcome<Vec<i32>> {
    if TIMING.with(Cell::get).is_some() {
        return Outcome::plain(list::into_vec(timed_solve(solve, input)));
    }
    let identity = record(&input);
    let out = solve(input);
    let violation = identity.verify(&out).err().map(|v| v.to_string());
    Outcome { output: list::into_vec(out), violation }
}

/// Runs `solve` on `input`, timing it if this thread is timing solutions (see [`time_solve`]).
/// Adapters call this around the solution alone, so building and reading back lists, and the
/// identity bookkeeping, stay out of the measurement.
pub fn timed_solve<I, O>(solve: impl FnOnce(I) -> O, input: I) -> O {
    match TIMING.with(Cell::get) {
        None => solve(input),
        Some(_) => {
            let start = Instant::now();
            let output = solve(input);
            TIMING.with(|t| t.set(Some(Some(start.elapsed()))));
            output
        }
    }
}

thread_local! {
    /// `None`: not timing. `Some(None)`: timing, no solve seen yet. `Some(Some(t))`: measured.
    static TIMING: Cell<Option<Option<Duration>>> = const { Cell::new(None) };
}

/// Runs `f` (which calls an approach once) and returns its result with the time the solution
/// itself took, if the approach's adapter went through [`timed_solve`], or else `None`.
/// Identity bookkeeping is off meanwhile.
pub fn time_solve<R>(f: impl FnOnce() -> R) -> (R, Option<Duration>) {
    let was = TIMING.with(|t| t.replace(Some(None)));
    let result = f();
    let measured = TIMING.with(|t| t.replace(was)).flatten();
    (result, measured)
}

/// Runs `solve` on a list built from `values` and reads the result back (new nodes allowed).
pub fn rebuilt(values: &[i32], solve: impl FnOnce(Link) -> Link) -> Outcome<Vec<i32>> {
    Outcome::plain(list::into_vec(timed_solve(solve, list::from_slice(values))))
}

/// Like [`relinked`] for problems that take two lists (merging): the result must be made of the
/// nodes of both inputs, each with its original value.
pub fn relinked_pair(
    first: &[i32],
    second: &[i32],
    solve: impl FnOnce(Link, Link) -> Link,
) -> Outcome<Vec<i32>> {
    let lists = (list::from_slice(first), list::from_slice(second));
    relinked_nodes(lists, |(a, b)| Identity::record_all([a, b]), |(a, b)| solve(a, b))
}

/// Like [`relinked`] for problems that take any number of lists (merging k lists).
pub fn relinked_all(lists: &[Vec<i32>], solve: impl FnOnce(Vec<Link>) -> Link) -> Outcome<Vec<i32>> {
    let heads: Vec<Link> = lists.iter().map(|values| list::from_slice(values)).collect();
    relinked_nodes(heads, |heads| Identity::record_all(heads), solve)
}

/// Like [`rebuilt`] for problems that take two lists and may allocate the result (arithmetic).
pub fn rebuilt_pair(
    first: &[i32],
    second: &[i32],
    solve: impl FnOnce(Link, Link) -> Link,
) -> Outcome<Vec<i32>> {
    let lists = (list::from_slice(first), list::from_slice(second));
    Outcome::plain(list::into_vec(timed_solve(|(a, b)| solve(a, b), lists)))
}
