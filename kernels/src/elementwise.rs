//! The entry side of every element-wise op (exp, the activations): checks that the slices
//! have one length, resolves the ISA and hands chunks of the slices to `arch::dispatch`, over
//! threads when there is enough work. Each element is computed by the same code whatever the
//! split, so results are bitwise the same for any thread count.

use rayon::prelude::*;

use crate::arch;
use crate::arch::generic::{elementwise::Map, elementwise::Pointwise, stream};
use crate::{Error, Opts, parallel};

/// Elements a thread takes at a time when an op runs on several threads.
pub(crate) const PAR_CHUNK: usize = 1 << 14;

/// Number words for the "(all N must match)" of [`check_lengths`].
const COUNTS: [&str; 6] = ["zero", "one", "two", "three", "four", "five"];

/// Checks that every named slice length is the same, with a message naming each:
/// "x has 3 elements but y has 2 (they must match)", or for more than two
/// "x has 4 elements, dy 4 and dx 3 (all three must match)".
pub(crate) fn check_lengths(op: &'static str, lens: &[(&str, usize)]) -> Result<(), Error> {
    let [(first, len), rest @ ..] = lens else { return Ok(()) };
    if rest.iter().all(|(_, l)| l == len) {
        return Ok(());
    }
    let message = match rest {
        [(other, l)] => format!("{first} has {len} elements but {other} has {l} (they must match)"),
        _ => {
            let mut others: Vec<String> = rest.iter().map(|(name, l)| format!("{name} {l}")).collect();
            let last = others.pop().unwrap_or_default();
            let count = COUNTS.get(lens.len()).map_or_else(|| lens.len().to_string(), |c| c.to_string());
            format!("{first} has {len} elements, {} and {last} (all {count} must match)", others.join(", "))
        }
    };
    Err(Error::len(op, message))
}

/// Runs `op` over slices of one length: `y[o][i] = op(x[0][i], ..)[o]`, after checking the
/// lengths (named as in `x` and `y`) and the ISA of `opts`.
pub(crate) fn map<U: Pointwise<I, O> + Send + Sync, const I: usize, const O: usize>(
    name: &'static str,
    op: U,
    x: [(&str, &[f32]); I],
    y: [(&str, &mut [f32]); O],
    opts: &Opts,
) -> Result<(), Error> {
    let lens: Vec<(&str, usize)> =
        x.iter().map(|&(n, s)| (n, s.len())).chain(y.iter().map(|(n, s)| (*n, s.len()))).collect();
    check_lengths(name, &lens)?;
    let isa = opts.resolve_isa(name)?;
    let n = lens.first().map_or(0, |&(_, len)| len);
    let (x, y) = (x.map(|(_, s)| s), y.map(|(_, s)| s));
    if opts.thread_count() == 1 || n < 4 * PAR_CHUNK {
        arch::dispatch(isa, Map::new(op, x, y));
        return Ok(());
    }
    let stream = stream::wanted(n * O);
    let mut x_chunks = x.map(|s| s.chunks(PAR_CHUNK));
    let mut y_chunks = y.map(|s| s.chunks_mut(PAR_CHUNK));
    // Equal lengths give every iterator the same number of chunks: none runs out first.
    let tasks: Vec<Map<'_, U, I, O>> = (0..n.div_ceil(PAR_CHUNK))
        .map(|_| {
            let x = x_chunks.each_mut().map(|c| c.next().unwrap_or_default());
            Map { op, x, y: y_chunks.each_mut().map(|c| c.next().unwrap_or_default()), stream }
        })
        .collect();
    parallel::install(opts.threads, || tasks.into_par_iter().for_each(|task| arch::dispatch(isa, task)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_messages_name_every_slice() {
        assert!(check_lengths("op", &[("x", 3), ("y", 3)]).is_ok());
        let e = check_lengths("exp", &[("x", 3), ("y", 2)]).unwrap_err();
        assert_eq!(e.to_string(), "exp: x has 3 elements but y has 2 (they must match)");
        let e = check_lengths("g", &[("x", 4), ("dy", 4), ("dx", 3)]).unwrap_err();
        assert_eq!(e.to_string(), "g: x has 4 elements, dy 4 and dx 3 (all three must match)");
        let lens = [("gate", 1), ("up", 1), ("dy", 1), ("dgate", 2), ("dup", 1)];
        let e = check_lengths("s", &lens).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("gate has 1 elements, up 1, dy 1, dgate 2 and dup 1 (all five must match)")
        );
    }
}
