//! The checker: runs every approach of a problem through its examples, property tests against
//! the model (proptest, with shrinking and a replayable seed), the node-identity check and the
//! long input, and describes each result so a person can see what went wrong.

use std::any::Any;
use std::cell::Cell;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use pretty_assertions::Comparison;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::spec::{Approach, Outcome, Problem};

/// How thoroughly to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckConfig {
    /// Random inputs per property.
    pub cases: u32,
    /// Seed of the input generator; the same seed and cases replay the same inputs.
    pub seed: u64,
    /// Run the 10^6-node input too.
    pub long: bool,
}

impl CheckConfig {
    pub const DEFAULT_CASES: u32 = 256;

    /// The default number of cases with a seed drawn from the clock.
    pub fn with_fresh_seed() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // Keep seeds short enough to type back in.
        CheckConfig { cases: Self::DEFAULT_CASES, seed: nanos % 1_000_000_007, long: true }
    }
}

/// Which check a line of the report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    Examples,
    Properties,
    Identity,
    LongInput,
}

impl CheckKind {
    pub const ALL: [CheckKind; 4] =
        [CheckKind::Examples, CheckKind::Properties, CheckKind::Identity, CheckKind::LongInput];

    /// The kind a report line's label names.
    pub fn from_name(name: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Examples => "examples",
            CheckKind::Properties => "model",
            CheckKind::Identity => "identity",
            CheckKind::LongInput => "long input",
        }
    }
}

/// The verdict of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    /// The approach is still `todo!()`: not solved yet, which is not a failure.
    Pending,
    /// Not applicable to this approach (e.g. the long input for a recursive one).
    Skipped,
}

/// What went wrong, with everything needed to see and replay it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// One line: what was violated.
    pub message: String,
    /// The (shrunk, for properties) input, as Rust debug text.
    pub input: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// A line-by-line diff of expected against actual (no colours).
    pub diff: Option<String>,
    /// Whether `input` is a shrunk minimal case.
    pub shrunk: bool,
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub kind: CheckKind,
    pub status: Status,
    /// What was covered, e.g. "3 examples" or "256 random inputs".
    pub detail: String,
    pub elapsed: Duration,
    pub failure: Option<Failure>,
}

/// All checks of one approach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApproachReport {
    pub name: &'static str,
    pub summary: &'static str,
    pub checks: Vec<CheckResult>,
}

impl ApproachReport {
    /// The worst status among the checks: failed, then pending, then passed.
    pub fn status(&self) -> Status {
        worst(self.checks.iter().map(|c| c.status))
    }
}

/// Combines statuses: any failure fails, else any pending is pending, else passed.
pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
    let mut result = Status::Passed;
    for status in statuses {
        match status {
            Status::Failed => return Status::Failed,
            Status::Pending => result = Status::Pending,
            Status::Passed | Status::Skipped => {}
        }
    }
    result
}

/// Runs every check of every approach of `P`.
pub fn check_problem<P: Problem>(config: &CheckConfig) -> Vec<ApproachReport> {
    P::approaches()
        .iter()
        .map(|approach| ApproachReport {
            name: approach.name,
            summary: approach.summary,
            checks: check_approach::<P>(approach, config),
        })
        .collect()
}

/// Runs the checks of one approach. Once an approach is found pending, its remaining checks
/// are reported pending without running.
pub fn check_approach<P: Problem>(
    approach: &Approach<P::Input, P::Output>,
    config: &CheckConfig,
) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = Vec::new();
    for kind in plan(approach, config) {
        let result = if results.iter().any(|r| r.status == Status::Pending) {
            CheckResult::not_run(kind)
        } else {
            check_one::<P>(approach, kind, config)
        };
        results.push(result);
    }
    results
}

/// The checks an approach goes through, in order: the examples, the model, node identity where
/// the problem demands relinking, and the long input unless `config` leaves it out.
pub fn plan<I, O>(approach: &Approach<I, O>, config: &CheckConfig) -> Vec<CheckKind> {
    let mut kinds = vec![CheckKind::Examples, CheckKind::Properties];
    if approach.relinks {
        kinds.push(CheckKind::Identity);
    }
    if config.long {
        kinds.push(CheckKind::LongInput);
    }
    kinds
}

/// Runs one check of one approach, timed: what a judge in a child process calls, one check at
/// a time.
pub fn check_one<P: Problem>(
    approach: &Approach<P::Input, P::Output>,
    kind: CheckKind,
    config: &CheckConfig,
) -> CheckResult {
    match kind {
        CheckKind::Examples => timed(kind, || examples::<P>(approach)),
        CheckKind::Properties => timed(kind, || properties::<P>(approach, config, false)),
        CheckKind::Identity => timed(kind, || properties::<P>(approach, config, true)),
        CheckKind::LongInput => timed(kind, || long_input::<P>(approach)),
    }
}

impl CheckResult {
    /// A check left out because an earlier one found the approach not solved yet.
    pub fn not_run(kind: CheckKind) -> Self {
        CheckResult {
            kind,
            status: Status::Pending,
            detail: "not solved yet".into(),
            elapsed: Duration::ZERO,
            failure: None,
        }
    }
}

/// A check's result before it is timed.
struct Verdict {
    status: Status,
    detail: String,
    failure: Option<Failure>,
}

impl Verdict {
    fn passed(detail: String) -> Self {
        Verdict { status: Status::Passed, detail, failure: None }
    }

    fn failed(detail: String, failure: Failure) -> Self {
        Verdict { status: Status::Failed, detail, failure: Some(failure) }
    }

    fn pending() -> Self {
        Verdict { status: Status::Pending, detail: "not solved yet (todo!)".into(), failure: None }
    }
}

/// Runs one check and times it. A panic outside the approach (in the spec's examples, model or
/// generator) is reported too: `todo!()` there means the problem is not set up yet (pending).
fn timed(kind: CheckKind, run: impl FnOnce() -> Verdict) -> CheckResult {
    let start = Instant::now();
    let verdict = match quietly(|| panic::catch_unwind(AssertUnwindSafe(run))) {
        Ok(verdict) => verdict,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            if is_todo(&message) {
                Verdict::pending()
            } else {
                let failure = Failure {
                    message: format!("the problem's spec panicked: {message}"),
                    input: String::new(),
                    expected: None,
                    actual: None,
                    diff: None,
                    shrunk: false,
                };
                Verdict::failed("spec".into(), failure)
            }
        }
    };
    CheckResult {
        kind,
        status: verdict.status,
        detail: verdict.detail,
        elapsed: start.elapsed(),
        failure: verdict.failure,
    }
}

fn is_todo(panic_message: &str) -> bool {
    panic_message.starts_with("not yet implemented")
}

/// How one call of an approach ended.
enum Call<O> {
    Returned(Outcome<O>),
    Todo,
    Panicked(String),
}

fn call<I, O>(approach: &Approach<I, O>, input: &I) -> Call<O> {
    match quietly(|| panic::catch_unwind(AssertUnwindSafe(|| (approach.run)(input)))) {
        Ok(outcome) => Call::Returned(outcome),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            if is_todo(&message) { Call::Todo } else { Call::Panicked(message) }
        }
    }
}

fn examples<P: Problem>(approach: &Approach<P::Input, P::Output>) -> Verdict {
    let examples = P::examples();
    for (number, (input, expected)) in examples.iter().enumerate() {
        let number = number + 1;
        let failure = match call(approach, input) {
            Call::Todo => return Verdict::pending(),
            Call::Panicked(message) => {
                let message = format!("example {number} panicked: {message}");
                describe(message, input, Some(expected), None, false)
            }
            Call::Returned(outcome) if outcome.output != *expected => {
                let message = format!("example {number}: wrong output");
                describe(message, input, Some(expected), Some(&outcome.output), false)
            }
            Call::Returned(outcome) => match outcome.violation {
                Some(violation) if approach.relinks => {
                    let message = format!("example {number}: {violation}");
                    describe::<_, P::Output>(message, input, None, None, false)
                }
                _ => continue,
            },
        };
        return Verdict::failed(format!("{} examples", examples.len()), failure);
    }
    Verdict::passed(format!("{} examples", examples.len()))
}

/// Property check against the model (`identity == false`) or of node identity (`true`),
/// over `config.cases` random inputs, shrinking any failure to a minimal input.
fn properties<P: Problem>(
    approach: &Approach<P::Input, P::Output>,
    config: &CheckConfig,
    identity: bool,
) -> Verdict {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&config.seed.to_le_bytes());
    let proptest_config = Config {
        cases: config.cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(proptest_config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let pending = Cell::new(false);
    let result = runner.run(&P::inputs(), |input| match call(approach, &input) {
        Call::Todo => {
            pending.set(true);
            Ok(())
        }
        Call::Panicked(message) => Err(TestCaseError::fail(format!("panicked: {message}"))),
        Call::Returned(outcome) if identity => match outcome.violation {
            Some(violation) => Err(TestCaseError::fail(violation)),
            None => Ok(()),
        },
        Call::Returned(outcome) => {
            if outcome.output == P::model(&input) {
                Ok(())
            } else {
                Err(TestCaseError::fail("output differs from the model"))
            }
        }
    });
    if pending.get() {
        return Verdict::pending();
    }
    let what = if identity { "nodes relinked, not rewritten" } else { "agrees with the model" };
    let detail = format!("{what} on {} random inputs", config.cases);
    match result {
        Ok(()) => Verdict::passed(detail),
        Err(TestError::Fail(reason, minimal)) => {
            let expected = P::model(&minimal);
            let actual = match call(approach, &minimal) {
                Call::Returned(outcome) if !identity => Some(outcome.output),
                _ => None,
            };
            let message = format!("{reason}");
            let shown_expected = if identity { None } else { Some(&expected) };
            Verdict::failed(detail, describe(message, &minimal, shown_expected, actual.as_ref(), true))
        }
        Err(TestError::Abort(reason)) => {
            let failure = Failure {
                message: format!("property run aborted: {reason}"),
                input: String::new(),
                expected: None,
                actual: None,
                diff: None,
                shrunk: false,
            };
            Verdict::failed(detail, failure)
        }
    }
}

fn long_input<P: Problem>(approach: &Approach<P::Input, P::Output>) -> Verdict {
    if approach.recursive {
        return Verdict {
            status: Status::Skipped,
            detail: "recursive: O(n) stack, skipped on 10^6 nodes".into(),
            failure: None,
        };
    }
    let input = P::long_input();
    let detail = "10^6 nodes, no stack overflow".to_string();
    let failure = match call(approach, &input) {
        Call::Todo => return Verdict::pending(),
        Call::Panicked(message) => {
            describe::<_, P::Output>(format!("panicked: {message}"), &input, None, None, false)
        }
        Call::Returned(outcome) => {
            let expected = P::model(&input);
            if outcome.output != expected {
                let message = "output differs from the model".to_string();
                describe(message, &input, Some(&expected), Some(&outcome.output), false)
            } else if let (Some(violation), true) = (outcome.violation, approach.relinks) {
                describe::<_, P::Output>(violation, &input, None, None, false)
            } else {
                return Verdict::passed(detail);
            }
        }
    };
    Verdict::failed(detail, failure)
}

/// Longest debug text shown for one value; longer ones are cut in the middle.
const MAX_SHOWN: usize = 240;

fn describe<I: Debug, O: Debug>(
    message: String,
    input: &I,
    expected: Option<&O>,
    actual: Option<&O>,
    shrunk: bool,
) -> Failure {
    let diff = match (expected, actual) {
        (Some(expected), Some(actual)) => {
            let text = strip_ansi(&Comparison::new(&Shown(expected), &Shown(actual)).to_string());
            Some(text.replacen("< left / right >", "< expected / actual >", 1))
        }
        _ => None,
    };
    Failure {
        message,
        input: shorten(format!("{input:?}")),
        expected: expected.map(|e| shorten(format!("{e:?}"))),
        actual: actual.map(|a| shorten(format!("{a:?}"))),
        diff,
        shrunk,
    }
}

/// Shows a value through its shortened debug text, so diffs of huge outputs stay readable.
struct Shown<'a, T>(&'a T);

impl<T: Debug> Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shorten(format!("{:#?}", self.0)))
    }
}

fn shorten(text: String) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_SHOWN {
        return text;
    }
    let head: String = chars[..MAX_SHOWN / 2].iter().collect();
    let tail: String = chars[chars.len() - MAX_SHOWN / 2..].iter().collect();
    format!("{head} … ({} characters elided) … {tail}", chars.len() - MAX_SHOWN)
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip "ESC [ ... letter".
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with panic messages from this thread suppressed: the checker reports panics
/// itself. Other threads' panics still print as usual.
fn quietly<R>(f: impl FnOnce() -> R) -> R {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = f();
    QUIET.with(|q| q.set(was));
    result
}
