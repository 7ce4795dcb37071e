//! The one error type of the crate: every bad argument is reported here, at the safe entry
//! point, with a message that names the operation, the argument and the shapes involved.

use std::fmt;

use crate::Isa;

/// Why a kernel call was refused. Nothing is written to any output when an error is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Two arguments disagree on a dimension, or a dimension is invalid for the operation,
    /// e.g. "matmul: a is 3x4 but b is 5x2 (a.cols must equal b.rows)".
    Shape { op: &'static str, message: String },
    /// A slice is too short (or of the wrong length) for the shape and strides it is viewed as.
    Len { op: &'static str, message: String },
    /// An output view's strides make two of its elements share memory.
    Aliasing { op: &'static str, message: String },
    /// The caller forced an ISA this CPU cannot run.
    IsaUnavailable { op: &'static str, isa: Isa },
}

impl Error {
    pub(crate) fn shape(op: &'static str, message: impl Into<String>) -> Self {
        Error::Shape { op, message: message.into() }
    }

    pub(crate) fn len(op: &'static str, message: impl Into<String>) -> Self {
        Error::Len { op, message: message.into() }
    }

    #[allow(dead_code)] // used by the kernels as they land
    pub(crate) fn aliasing(op: &'static str, message: impl Into<String>) -> Self {
        Error::Aliasing { op, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Shape { op, message } | Error::Len { op, message } | Error::Aliasing { op, message } => {
                write!(f, "{op}: {message}")
            }
            Error::IsaUnavailable { op, isa } => {
                // The features this CPU lacks, or (for an error built by hand on a CPU that has
                // them) all those the ISA needs.
                let (verb, features) = match isa.missing_features() {
                    missing if missing.is_empty() => ("needs", isa.required_features().to_vec()),
                    missing => ("lacks", missing),
                };
                let features = features.join("+");
                write!(f, "{op}: this CPU cannot run {isa} (it {verb} {features}); available: ")?;
                let available: Vec<&str> = Isa::available().iter().map(|i| i.name()).collect();
                f.write_str(&available.join(", "))
            }
        }
    }
}

impl std::error::Error for Error {}
