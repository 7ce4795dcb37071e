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

pub mod p0002_add_two_numbers;
pub mod p0019_remove_nth_node_from_end_of_list;
pub mod p0021_merge_two_sorted_lists;
pub mod p0023_merge_k_sorted_lists;
pub mod p0024_swap_nodes_in_pairs;
pub mod p0025_reverse_nodes_in_k_group;
pub mod p0061_rotate_list;
pub mod p0082_remove_duplicates_from_sorted_list_ii;
pub mod p0083_remove_duplicates_from_sorted_list;
pub mod p0086_partition_list;
pub mod p0092_reverse_linked_list_ii;
pub mod p0141_linked_list_cycle;
pub mod p0142_linked_list_cycle_ii;
pub mod p0143_reorder_list;
pub mod p0148_sort_list;
pub mod p0160_intersection_of_two_linked_lists;
pub mod p0203_remove_linked_list_elements;
pub mod p0206_reverse_linked_list;
pub mod p0234_palindrome_linked_list;
pub mod p0328_odd_even_linked_list;
pub mod p0445_add_two_numbers_ii;
pub mod p0707_design_linked_list;
pub mod p0876_middle_of_the_linked_list;
