//! The tiny configuration and batches of `gpt::reference::checks`, shared by the tests.
#![allow(unused_imports)]

pub use gpt::reference::checks::{medium, random_batch, tiny};
