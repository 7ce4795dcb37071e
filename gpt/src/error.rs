//! The crate's one error type: a bad configuration, a kernel that refused its arguments, or a
//! checkpoint that cannot be read, each with a message naming what is wrong.

use std::fmt;

/// Why a model operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of range or inconsistent with another.
    Config(String),
    /// A batch or prompt does not fit the model (length, token ids).
    Input(String),
    /// A kernel refused its arguments (a bug in the glue if the configuration was valid).
    Kernel(kernels::Error),
    /// A checkpoint file is missing a tensor, has the wrong shape, or is not safetensors.
    Checkpoint(String),
    /// Reading or writing a file failed.
    Io { path: String, source: std::io::Error },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(m) => write!(f, "invalid configuration: {m}"),
            Error::Input(m) => write!(f, "invalid input: {m}"),
            Error::Kernel(e) => write!(f, "kernel error: {e}"),
            Error::Checkpoint(m) => write!(f, "checkpoint: {m}"),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Kernel(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<kernels::Error> for Error {
    fn from(e: kernels::Error) -> Self {
        Error::Kernel(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
