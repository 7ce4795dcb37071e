//! What the harness asks a judge (its command line) and what the judge answers (one marked JSON
//! line on stdout), written once for both sides.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::report::{self, Line};

/// Marks the judge's answer among whatever else the attempt prints on stdout.
pub const MARK: &str = "harness-judge-reply: ";

/// One question for a judge.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub command: Command,
    pub seed: u64,
    pub cases: u32,
    /// Include the long inputs (problems: the 10^6-node one).
    pub long: bool,
    /// Where to trace the input the attempt is on.
    pub trace: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Which checks apply to the attempt, in report order.
    Plan,
    /// Run the check of this label.
    Check(String),
    /// Time the attempt at one size: nodes for a problem, the shape numbers for a kernel.
    Bench(Vec<usize>),
}

impl Request {
    pub fn to_args(&self) -> Vec<String> {
        let mut args = match &self.command {
            Command::Plan => vec!["plan".to_string()],
            Command::Check(label) => vec!["check".to_string(), label.clone()],
            Command::Bench(size) => {
                let size: Vec<String> = size.iter().map(usize::to_string).collect();
                vec!["bench".to_string(), size.join(",")]
            }
        };
        args.extend(["--seed".into(), self.seed.to_string(), "--cases".into(), self.cases.to_string()]);
        if self.long {
            args.push("--long".into());
        }
        if let Some(trace) = &self.trace {
            args.extend(["--trace".into(), trace.display().to_string()]);
        }
        args
    }

    pub fn parse(args: &[String]) -> Result<Request, String> {
        let mut words = args.iter().map(String::as_str);
        let command = match words.next() {
            Some("plan") => Command::Plan,
            Some("check") => Command::Check(words.next().ok_or("check: which one?")?.to_string()),
            Some("bench") => {
                let size = words.next().ok_or("bench: which size?")?;
                let size = size.split(',').map(str::parse).collect::<Result<_, _>>();
                Command::Bench(size.map_err(|e| format!("bench: {e}"))?)
            }
            other => return Err(format!("unknown command {other:?}: plan, check <label> or bench <size>")),
        };
        let mut request = Request { command, seed: 0, cases: 0, long: false, trace: None };
        while let Some(word) = words.next() {
            let mut value = || words.next().ok_or(format!("{word} needs a value"));
            match word {
                "--seed" => request.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
                "--cases" => request.cases = value()?.parse().map_err(|e| format!("--cases: {e}"))?,
                "--long" => request.long = true,
                "--trace" => request.trace = Some(PathBuf::from(value()?)),
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(request)
    }
}

/// One check a judge would run, or why it does not apply to the attempt's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub label: String,
    pub applies: Result<(), String>,
}

/// A judge's answer.
#[derive(Clone, Debug)]
pub enum Reply {
    Plan(Vec<Planned>),
    Line(Line),
    /// Seconds per call (problems) or work per second (kernels).
    Measured(f64),
    /// The attempt is still `todo!()`.
    Pending,
    /// The attempt panicked while measured.
    Panicked(String),
}

impl Reply {
    /// The marked line the judge prints.
    pub fn encode(&self) -> String {
        let value = match self {
            Reply::Plan(plan) => json!({ "plan": plan.iter().map(|p| json!({
                "check": p.label,
                "why_not": p.applies.as_ref().err(),
            })).collect::<Vec<_>>() }),
            Reply::Line(line) => json!({ "line": report::line_to_json(line) }),
            Reply::Measured(value) => json!({ "measured": value }),
            Reply::Pending => json!({ "pending": true }),
            Reply::Panicked(message) => json!({ "panicked": message }),
        };
        format!("{MARK}{value}")
    }

    /// The last marked line of a judge's stdout, decoded.
    pub fn decode(stdout: &str) -> Option<Reply> {
        let line = stdout.lines().rev().find_map(|line| line.strip_prefix(MARK))?;
        let value: Value = serde_json::from_str(line).ok()?;
        if let Some(plan) = value["plan"].as_array() {
            let plan = plan.iter().map(|p| {
                let label = p["check"].as_str()?.to_string();
                let applies = match p["why_not"].as_str() {
                    Some(why) => Err(why.to_string()),
                    None => Ok(()),
                };
                Some(Planned { label, applies })
            });
            return plan.collect::<Option<_>>().map(Reply::Plan);
        }
        if value.get("line").is_some() {
            return report::line_from_json(&value["line"]).map(Reply::Line);
        }
        if let Some(measured) = value["measured"].as_f64() {
            return Some(Reply::Measured(measured));
        }
        if value["pending"] == true {
            return Some(Reply::Pending);
        }
        value["panicked"].as_str().map(|m| Reply::Panicked(m.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use problems::check::{Failure, Status};

    use super::*;

    #[test]
    fn requests_survive_the_command_line() {
        let request = Request {
            command: Command::Bench(vec![1024, 128]),
            seed: 7,
            cases: 64,
            long: true,
            trace: Some(PathBuf::from("/tmp/trace")),
        };
        assert_eq!(Request::parse(&request.to_args()), Ok(request));
        let check = Request {
            command: Command::Check("long input".into()),
            ..Request::parse(&["plan".into()]).unwrap()
        };
        assert_eq!(Request::parse(&check.to_args()), Ok(check));
        assert!(Request::parse(&["run".into()]).unwrap_err().contains("unknown command"));
    }

    #[test]
    fn replies_are_found_after_whatever_the_attempt_printed() {
        let line = Line {
            label: "model".into(),
            status: Status::Failed,
            detail: "agrees with the model on 8 random inputs".into(),
            elapsed: Duration::from_millis(3),
            failure: Some(Failure {
                message: "output differs from the model".into(),
                input: "[0, 1]".into(),
                expected: Some("[1, 0]".into()),
                actual: Some("[0, 1]".into()),
                diff: None,
                shrunk: true,
            }),
            random: true,
        };
        let stdout = format!("debug print\n{}\nmore debug\n", Reply::Line(line.clone()).encode());
        match Reply::decode(&stdout) {
            Some(Reply::Line(back)) => {
                assert_eq!((back.label, back.status, back.failure), (line.label, line.status, line.failure));
            }
            other => panic!("not decoded: {other:?}"),
        }
        let plan = vec![
            Planned { label: "forward".into(), applies: Ok(()) },
            Planned { label: "backward".into(), applies: Err("no gradient in the signature".into()) },
        ];
        match Reply::decode(&Reply::Plan(plan.clone()).encode()) {
            Some(Reply::Plan(back)) => assert_eq!(back, plan),
            other => panic!("not decoded: {other:?}"),
        }
        assert!(Reply::decode("no reply at all\n").is_none());
    }
}
