//! LeetCode linked-list problems solved in safe Rust, each with the specification that checks
//! it: published examples, a plain-`Vec` model, a generator within LeetCode's constraints and a
//! 10^6-node input. `harness run <id>` and `cargo test -p problems` run the same checks.
//! Lists that share a tail or hold a cycle (141, 142, 160) live in the index-based [`arena`].

pub mod arena;
pub mod check;
pub mod list;
pub mod mistakes;
pub mod registry;
pub mod spec;
pub mod timing;

pub use list::ListNode;

// `pub mod pNNNN_slug;` for every problem listed in registry.txt, written by the build script.
include!(concat!(env!("OUT_DIR"), "/modules.rs"));
