//! The shape of every check report, whatever was checked (a problem's approaches or a kernel's
//! ISAs), and its two renderings: lines a person reads, and JSON for machines.

use std::fmt::Write as _;
use std::time::Duration;

use problems::check::{self, ApproachReport, CheckResult, Failure, Status};
use serde_json::{Value, json};

use crate::style;

/// One checked thing: a problem or a kernel.
#[derive(Clone, Debug)]
pub struct Section {
    /// What kind of thing, for JSON: "problem" or "kernel".
    pub kind: &'static str,
    /// Its id as the command line accepts it, e.g. "24" or "matmul".
    pub id: String,
    pub heading: String,
    /// Extra identification for JSON (slug, difficulty, ...).
    pub meta: Value,
    pub groups: Vec<Group>,
    /// The command that replays this section's random inputs exactly.
    pub replay: String,
}

/// The checks of one approach (problems) or one ISA (kernels).
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    /// The learner's attempt (`yours`), not a reference: it never fails `--strict` by being
    /// unfinished.
    pub yours: bool,
    pub summary: String,
    pub lines: Vec<Line>,
}

/// One check: a mark, what it covered, how long it took, and what went wrong.
#[derive(Clone, Debug)]
pub struct Line {
    pub label: String,
    pub status: Status,
    pub detail: String,
    pub elapsed: Duration,
    pub failure: Option<Failure>,
    /// Whether the inputs were random (so the seed replays a failure).
    pub random: bool,
}

impl Group {
    pub fn status(&self) -> Status {
        check::worst(self.lines.iter().map(|l| l.status))
    }
}

impl Section {
    pub fn status(&self) -> Status {
        check::worst(self.groups.iter().map(Group::status))
    }

    /// The status of the references alone, leaving out the learner's attempt.
    pub fn reference_status(&self) -> Status {
        check::worst(self.groups.iter().filter(|g| !g.yours).map(Group::status))
    }

    /// The learner's attempt, if it ran.
    pub fn yours(&self) -> Option<&Group> {
        self.groups.iter().find(|g| g.yours)
    }
}

impl From<CheckResult> for Line {
    fn from(c: CheckResult) -> Self {
        Line {
            label: c.kind.name().to_string(),
            status: c.status,
            detail: c.detail,
            elapsed: c.elapsed,
            failure: c.failure,
            random: matches!(c.kind, check::CheckKind::Properties | check::CheckKind::Identity),
        }
    }
}

impl From<ApproachReport> for Group {
    fn from(report: ApproachReport) -> Self {
        let lines = report.checks.into_iter().map(Line::from).collect();
        Group { name: report.name.to_string(), yours: false, summary: report.summary.to_string(), lines }
    }
}

/// Renders a section as the lines a person reads.
pub fn render(section: &Section) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", style::mark(section.status()), style::bold(&section.heading));
    for group in &section.groups {
        let _ =
            writeln!(out, "  {} {}", style::bold(&group.name), style::dim(&format!("— {}", group.summary)));
        for line in &group.lines {
            let _ = writeln!(
                out,
                "    {} {:<11} {:<52} {}",
                style::mark(line.status),
                line.label,
                line.detail,
                style::dim(&format_duration(line.elapsed))
            );
            if let Some(failure) = &line.failure {
                render_failure(&mut out, failure, line.random.then_some(section.replay.as_str()));
            }
        }
    }
    out
}

fn render_failure(out: &mut String, failure: &Failure, replay: Option<&str>) {
    let indent = "        ";
    for line in failure.message.lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{}", style::red(line));
        }
    }
    if !failure.input.is_empty() {
        let label = if failure.shrunk { "input (shrunk to a minimal case)" } else { "input" };
        let _ = writeln!(out, "{indent}{label}: {}", failure.input);
    }
    if let Some(expected) = &failure.expected {
        let _ = writeln!(out, "{indent}expected: {expected}");
    }
    if let Some(actual) = &failure.actual {
        let _ = writeln!(out, "{indent}actual:   {actual}");
    }
    if let Some(diff) = &failure.diff {
        for line in diff.lines() {
            let coloured = if line.starts_with('<') {
                style::red(line)
            } else if line.starts_with('>') {
                style::green(line)
            } else {
                line.to_string()
            };
            let _ = writeln!(out, "{indent}{coloured}");
        }
    }
    if let Some(replay) = replay {
        let _ = writeln!(out, "{indent}replay: {replay}");
    }
}

/// "0.4 ms", "12 ms", "1.3 s".
pub fn format_duration(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1e3)
    }
}

/// A section as JSON.
pub fn to_json(section: &Section) -> Value {
    let groups: Vec<Value> = section
        .groups
        .iter()
        .map(|g| {
            let lines: Vec<Value> = g.lines.iter().map(line_to_json).collect();
            json!({
                "name": g.name,
                "summary": g.summary,
                "yours": g.yours,
                "status": style::word(g.status()),
                "checks": lines,
            })
        })
        .collect();
    json!({
        "kind": section.kind,
        "id": section.id,
        "title": section.heading,
        "meta": section.meta,
        "status": style::word(section.status()),
        "replay": section.replay,
        "groups": groups,
    })
}

/// One check as JSON: what `--json` prints, and what a judge sends back.
pub fn line_to_json(line: &Line) -> Value {
    json!({
        "check": line.label,
        "status": style::word(line.status),
        "detail": line.detail,
        "millis": line.elapsed.as_secs_f64() * 1e3,
        "random": line.random,
        "failure": line.failure.as_ref().map(|f| json!({
            "message": f.message,
            "input": f.input,
            "shrunk": f.shrunk,
            "expected": f.expected,
            "actual": f.actual,
            "diff": f.diff,
        })),
    })
}

/// Reads back what [`line_to_json`] wrote; `None` if `value` is not such a line.
pub fn line_from_json(value: &Value) -> Option<Line> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let failure = match &value["failure"] {
        Value::Null => None,
        f => Some(Failure {
            message: text(&f["message"])?,
            input: text(&f["input"])?,
            expected: text(&f["expected"]),
            actual: text(&f["actual"]),
            diff: text(&f["diff"]),
            shrunk: f["shrunk"].as_bool()?,
        }),
    };
    Some(Line {
        label: text(&value["check"])?,
        status: style::status(value["status"].as_str()?)?,
        detail: text(&value["detail"])?,
        elapsed: Duration::from_secs_f64(value["millis"].as_f64()? / 1e3),
        failure,
        random: value["random"].as_bool()?,
    })
}
