//! The judge's side: the `main` of the child process that runs a learner's attempt, one
//! question per process (which checks apply, one check, or one measurement), answering on
//! stdout through `protocol`. The harness writes each judge's `main` (`source`) around the
//! attempt's adapter; everything else it runs is here and in the checks the references share.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::OnceLock;

use problems::check::{self, CheckConfig, CheckKind};
use problems::spec::{Approach, Outcome, Problem};
use problems::timing;

use super::operands::{self, Place, PlaceIds};
use super::protocol::{Command, Planned, Reply, Request};
use super::trace;
use crate::kernels::{self, KernelConfig, Plain};
use crate::report::Line;

/// The `main` of a problem's judge: `run` is the attempt's adapter.
pub fn problem<P: Problem>(run: fn(&P::Input) -> Outcome<P::Output>) -> ExitCode {
    let Some(request) = request() else { return ExitCode::from(2) };
    let _ = ADAPTER.set(Box::new(run));
    let reference = P::approaches().into_iter().next().expect("a problem has an approach");
    let approach = Approach {
        name: "yours",
        summary: "",
        recursive: false,
        relinks: reference.relinks,
        run: traced::<P>,
    };
    let config = CheckConfig { cases: request.cases, seed: request.seed, long: request.long };
    let reply = match &request.command {
        Command::Plan => Reply::Plan(
            check::plan(&approach, &config)
                .into_iter()
                .map(|kind| Planned { label: kind.name().to_string(), applies: Ok(()) })
                .collect(),
        ),
        Command::Check(label) => match CheckKind::from_name(label) {
            Some(kind) => Reply::Line(Line::from(check::check_one::<P>(&approach, kind, &config))),
            None => return unknown(label),
        },
        Command::Bench(size) => measured(|| timing::time_approach::<P>(&approach, size[0]).as_secs_f64()),
    };
    answer(&reply)
}

/// The `main` of a kernel's judge: `plain` is the attempt's adapter, `place` and `place_ids`
/// put operands against guard pages (for the checks; measurements run on plain memory).
pub fn kernel(plain: Plain, place: Place, place_ids: PlaceIds) -> ExitCode {
    let Some(request) = request() else { return ExitCode::from(2) };
    let config = KernelConfig { seed: request.seed, exhaustive: false, isa: None };
    let reply = match &request.command {
        Command::Plan => Reply::Plan(kernels::attempt_plan(plain.target())),
        Command::Check(label) => {
            operands::install(place, place_ids);
            match kernels::attempt_check(plain, label, &config) {
                Some(line) => Reply::Line(line),
                None => return unknown(label),
            }
        }
        Command::Bench(shape) => measured(|| kernels::bench::measure_attempt(plain, shape)),
    };
    answer(&reply)
}

/// The attempt's adapter, for [`traced`] (a generic fn cannot capture it).
static ADAPTER: OnceLock<Box<dyn Any + Send + Sync>> = OnceLock::new();

/// Records the input, then calls the adapter: the approach a problem's judge checks.
fn traced<P: Problem>(input: &P::Input) -> Outcome<P::Output> {
    trace::announce_debug(input);
    let run = ADAPTER
        .get()
        .and_then(|adapter| adapter.downcast_ref::<fn(&P::Input) -> Outcome<P::Output>>())
        .expect("the judge stores its adapter before running it");
    run(input)
}

/// The request on the command line, tracing started if it asks; `None` after saying what is
/// wrong with it.
fn request() -> Option<Request> {
    // The checks report every panic themselves; a panic message on stderr is for a judge that
    // dies, and a backtrace (RUST_BACKTRACE) would only cost time.
    panic::set_hook(Box::new(|info| eprintln!("{info}")));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let request = Request::parse(&args).map_err(|e| eprintln!("judge: {e}")).ok()?;
    if let (Command::Check(_), Some(path)) = (&request.command, &request.trace)
        && let Err(e) = trace::open(path)
    {
        eprintln!("judge: tracing into {}: {e}", path.display());
    }
    Some(request)
}

/// A measurement, or why there is none: the attempt is pending or panicked.
fn measured(measure: impl FnOnce() -> f64) -> Reply {
    match panic::catch_unwind(AssertUnwindSafe(measure)) {
        Ok(value) => Reply::Measured(value),
        Err(payload) => {
            let message = kernels::panic_message(payload.as_ref());
            if message.starts_with("not yet implemented") { Reply::Pending } else { Reply::Panicked(message) }
        }
    }
}

fn answer(reply: &Reply) -> ExitCode {
    println!("{}", reply.encode());
    ExitCode::SUCCESS
}

fn unknown(label: &str) -> ExitCode {
    eprintln!("judge: no check {label:?}");
    ExitCode::from(2)
}

/// The judge's `main.rs` for `target`: the attempt's adapter, in its scope, handed to
/// [`problem`] or [`kernel`]. `guard_rs` is the kernels' guard-page buffers, which a kernel's
/// judge includes as a module.
pub fn source(target: &super::Target, guard_rs: &std::path::Path) -> Option<String> {
    let name = target.name();
    let header = format!(
        "//! The judge of practice/{name}: written by `harness run` (never edit it). It links the\n\
         //! attempt as `yours` and answers one question per run.\n\n\
         use attempt as yours;\n"
    );
    Some(match target {
        super::Target::Problem(_) => format!(
            "{header}#[allow(unused_imports)]\n\
             use problems::{name}::*;\n\
             #[allow(unused_imports)]\n\
             use problems::{{list, arena::{{Arena, NodeId}}, spec::{{self, Outcome, Problem}}}};\n\n\
             const RUN: fn(&<Spec as Problem>::Input) -> Outcome<<Spec as Problem>::Output> =\n    {};\n\n\
             fn main() -> std::process::ExitCode {{\n    harness::practice::judge::problem::<Spec>(RUN)\n}}\n",
            super::adapters::problem(&name)?
        ),
        super::Target::Kernel(_) => format!(
            "{header}use harness::kernels::Plain;\n\
             #[allow(unused_imports)]\n\
             use harness::practice::operands::{{Side, guarded, guarded_ids}};\n\n\
             #[allow(dead_code)]\n\
             #[path = {guard:?}]\n\
             mod guard;\n\n\
             const PLAIN: Plain = {};\n\n\
             fn guard_side(side: Side) -> guard::Guard {{\n    \
                 match side {{ Side::After => guard::Guard::After, Side::Before => guard::Guard::Before }}\n\
             }}\n\n\
             /// A copy of `values` against a guard page.\n\
             fn place(values: &[f32], side: Side, label: &'static str) -> Box<dyn std::ops::DerefMut<Target = [f32]>> {{\n    \
                 Box::new(guard::GuardedBuf::from_slice(values, guard_side(side), label))\n\
             }}\n\n\
             /// u32 operands in a guarded buffer, read back as u32.\n\
             struct Ids(guard::GuardedBuf);\n\n\
             impl AsRef<[u32]> for Ids {{\n    \
                 fn as_ref(&self) -> &[u32] {{\n        self.0.as_u32s()\n    }}\n\
             }}\n\n\
             /// A copy of `values` against a guard page.\n\
             fn place_ids(values: &[u32], side: Side, label: &'static str) -> Box<dyn AsRef<[u32]>> {{\n    \
                 Box::new(Ids(guard::GuardedBuf::from_u32s(values, guard_side(side), label)))\n\
             }}\n\n\
             fn main() -> std::process::ExitCode {{\n    harness::practice::judge::kernel(PLAIN, place, place_ids)\n}}\n",
            super::adapters::kernel(&name)?,
            guard = guard_rs.display().to_string(),
        ),
    })
}
