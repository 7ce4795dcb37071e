//! LeetCode linked-list solutions in safe Rust.
