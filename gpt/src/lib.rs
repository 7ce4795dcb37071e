//! A small decoder-only transformer (RMSNorm, RoPE attention, SwiGLU, tied embedding) whose
//! every layer, forward and backward, is a call into `kernels`; trained with AdamW on tasks
//! small enough to learn in minutes on a CPU, and checked against an f64 reference of itself.

pub mod adder;
pub mod chars;
pub mod checkpoint;
pub mod config;
mod error;
pub mod model;
pub mod optim;
pub mod params;
pub mod reference;
pub mod rng;
pub mod train;

pub use config::{ModelConfig, OptimConfig};
pub use error::{Error, Result};
pub use model::{Acts, Batch, IGNORE, KvCache, Model};
pub use train::{StepStats, Trainer};
