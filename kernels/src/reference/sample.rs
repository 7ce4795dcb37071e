//! One element of a kernel's output held against the exact value and the error allowed there:
//! the unit every spec's `compare` hands out, so that tests assert on it, `harness run` keeps the
//! worst, and both judge NaN and infinities the same way.

use std::fmt;

/// Where an element sits: a flat index, or a row and a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    Flat(usize),
    Cell(usize, usize),
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Flat(i) => write!(f, "[{i}]"),
            At::Cell(i, j) => write!(f, "[{i}][{j}]"),
        }
    }
}

/// `got` (the kernel's f32) against `want` (the f64 oracle's), allowed `bound` of absolute error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The output it belongs to: `"C"`, `"softmax"`, `"dq"`, ...
    pub what: &'static str,
    pub at: At,
    pub got: f32,
    pub want: f64,
    pub bound: f64,
}

impl Sample {
    /// The error as a fraction of the bound: the element passes while this is at most 1. A NaN
    /// or an infinity on either side must be matched exactly (0), or the fraction is infinite.
    pub fn ratio(&self) -> f64 {
        let got = f64::from(self.got);
        if got.is_finite() && self.want.is_finite() {
            (got - self.want).abs() / self.bound.max(f64::MIN_POSITIVE)
        } else if got == self.want || (got.is_nan() && self.want.is_nan()) {
            0.0
        } else {
            f64::INFINITY
        }
    }

    pub fn passes(&self) -> bool {
        self.ratio() <= 1.0
    }
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Sample { what, at, got, want, bound } = self;
        let error = (f64::from(*got) - want).abs();
        write!(f, "{what}{at} = {got:e}, exact {want:e}: error {error:e}, bound {bound:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_matches_specials_exactly() {
        let s = |got: f32, want: f64, bound: f64| Sample { what: "y", at: At::Flat(0), got, want, bound };
        assert_eq!(s(1.5, 1.0, 1.0).ratio(), 0.5);
        assert!(s(f32::NAN, f64::NAN, 0.0).passes() && !s(f32::NAN, 1.0, 1e9).passes());
        assert!(s(f32::NEG_INFINITY, f64::NEG_INFINITY, 0.0).passes());
        assert!(!s(f32::INFINITY, 1.0, 1e9).passes() && !s(1.0, f64::INFINITY, 1e9).passes());
        assert!(s(0.0, 0.0, 0.0).passes() && !s(1e-30, 0.0, 0.0).passes());
        assert_eq!(At::Cell(2, 3).to_string(), "[2][3]");
    }
}
