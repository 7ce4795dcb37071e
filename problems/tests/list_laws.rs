//! Laws of the list helpers, checked by quickcheck: building and reading back are inverses.

use problems::list::{self, List};
use quickcheck::quickcheck;

quickcheck! {
    fn from_slice_then_to_vec_round_trips(values: Vec<i32>) -> bool {
        list::to_vec(&list::from_slice(&values)) == values
    }

    fn into_vec_agrees_with_to_vec(values: Vec<i32>) -> bool {
        let head = list::from_iter(values.iter().copied());
        list::to_vec(&head) == list::into_vec(head)
    }

    fn iter_len_is_node_count(values: Vec<i32>) -> bool {
        let owned = List::from(values.as_slice());
        list::iter(&owned.0).count() == values.len()
    }

    fn structural_equality_matches_vec_equality(a: Vec<i32>, b: Vec<i32>) -> bool {
        (list::from_slice(&a) == list::from_slice(&b)) == (a == b)
    }
}
