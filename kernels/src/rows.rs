//! What the row-wise entry points (softmax, the norms, cross-entropy) share: the checks that
//! a slice is a whole number of rows or has the length its shape asks for, and how many rows a
//! task takes when a call runs on several threads.

use std::fmt::Display;

use crate::Error;

/// Below this many elements a call stays on the calling thread.
const PAR_MIN_ELEMENTS: usize = 1 << 15;

/// Checks that `arg`, of `len` elements, is a whole number of rows of `cols`.
pub(crate) fn check_rows(op: &'static str, arg: &str, len: usize, cols: usize) -> Result<(), Error> {
    match len.checked_rem(cols) {
        None if len > 0 => Err(Error::shape(op, format!("cols is 0 but {arg} has {len} elements"))),
        Some(rest) if rest > 0 => Err(Error::shape(
            op,
            format!(
                "{arg} has {len} elements, not a whole number of rows of cols = {cols} \
                 ({len} % {cols} = {rest})"
            ),
        )),
        _ => Ok(()),
    }
}

/// Checks that `arg` has `want` elements; `why` says where that number comes from.
pub(crate) fn check_len(
    op: &'static str,
    arg: &str,
    len: usize,
    want: usize,
    why: impl Display,
) -> Result<(), Error> {
    if len == want {
        return Ok(());
    }
    Err(Error::len(op, format!("{arg} has {len} elements but must have {want} ({why})")))
}

/// Rows per task when splitting `rows` over `threads`: a few tasks per thread for balance;
/// `None` when the call should stay on one thread.
pub(crate) fn rows_per_task(rows: usize, cols: usize, threads: usize) -> Option<usize> {
    if threads <= 1 || rows < 2 || rows * cols < PAR_MIN_ELEMENTS {
        return None;
    }
    Some(rows.div_ceil(threads * 4).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_per_task_splits_only_big_inputs() {
        assert_eq!(rows_per_task(1000, 1000, 1), None);
        assert_eq!(rows_per_task(4, 4, 8), None);
        assert_eq!(rows_per_task(1, 1 << 20, 8), None);
        assert_eq!(rows_per_task(1024, 1024, 2), Some(128));
    }

    #[test]
    fn checks_name_the_argument() {
        assert!(check_rows("op", "x", 6, 3).is_ok() && check_rows("op", "x", 0, 0).is_ok());
        let e = check_rows("op", "x", 7, 3).unwrap_err();
        assert_eq!(e.to_string(), "op: x has 7 elements, not a whole number of rows of cols = 3 (7 % 3 = 1)");
        let e = check_len("op", "mean", 3, 4, "one per row of x").unwrap_err();
        assert!(matches!(e, Error::Len { .. }));
        assert_eq!(e.to_string(), "op: mean has 3 elements but must have 4 (one per row of x)");
    }
}
