//! How a judge calls a learner's attempt: one adapter per target, mirroring the main reference
//! approach's (for problems) or wrapping the kernel's plain signature with guard-page operands.
//! Each is written once as code: the judge gets its text, and this crate's tests compile every
//! adapter against the references (standing in for `yours`) and run their checks through it,
//! so an adapter that does not fit the stubs' signatures fails here, not in a learner's judge.

/// The judge's adapter of problem `$module`: `$adapter` turns `P::Input` into a call of
/// `yours::Solution` (or `yours::MyLinkedList`) and its `Outcome`. Names in scope: the
/// problem's module (`Spec`, `Input`, ...), `spec`, `list`, `Outcome`, `Arena`, `NodeId`.
macro_rules! problems {
    ($($module:ident => $adapter:expr;)+) => {
        /// The adapter's source text for the judge of problem module `module`.
        pub fn problem(module: &str) -> Option<&'static str> {
            match module {
                $(stringify!($module) => Some(stringify!($adapter)),)+
                _ => None,
            }
        }

        /// Every adapter, with the reference solution as `yours`.
        #[cfg(test)]
        pub(crate) mod against_the_references {
            $(
                pub mod $module {
                    #[allow(unused_imports)]
                    use problems::$module::*;
                    #[allow(unused_imports)]
                    use problems::{list, arena::{Arena, NodeId}, spec::{self, Outcome, Problem}};
                    use problems::$module as yours;

                    pub const RUN: fn(&<Spec as Problem>::Input) -> Outcome<<Spec as Problem>::Output> =
                        $adapter;
                }
            )+

            /// (module, its examples run through the adapter all pass).
            pub fn examples_pass() -> Vec<(&'static str, bool)> {
                vec![$((stringify!($module), super::examples_pass::<problems::$module::Spec>($module::RUN)),)+]
            }
        }
    };
}

problems! {
    p0002_add_two_numbers => |i| spec::rebuilt_pair(&i.l1, &i.l2, yours::Solution::add_two_numbers);
    p0019_remove_nth_node_from_end_of_list =>
        |i| spec::relinked(&i.head, |head| yours::Solution::remove_nth_from_end(head, i.n));
    p0021_merge_two_sorted_lists => |i| spec::relinked_pair(&i.list1, &i.list2, yours::Solution::merge_two_lists);
    p0023_merge_k_sorted_lists => |lists| spec::relinked_all(lists, yours::Solution::merge_k_lists);
    p0024_swap_nodes_in_pairs => |head| spec::relinked(head, yours::Solution::swap_pairs);
    p0025_reverse_nodes_in_k_group => |i| spec::relinked(&i.head, |head| yours::Solution::reverse_k_group(head, i.k));
    p0061_rotate_list => |i| spec::relinked(&i.head, |head| yours::Solution::rotate_right(head, i.k));
    p0082_remove_duplicates_from_sorted_list_ii => |head| spec::relinked(head, yours::Solution::delete_duplicates);
    p0083_remove_duplicates_from_sorted_list => |head| spec::relinked(head, yours::Solution::delete_duplicates);
    p0086_partition_list => |i| spec::relinked(&i.head, |head| yours::Solution::partition(head, i.x));
    p0092_reverse_linked_list_ii =>
        |i| spec::relinked(&i.head, |head| yours::Solution::reverse_between(head, i.left, i.right));
    p0141_linked_list_cycle => |input| {
        let (arena, head) = Arena::with_cycle(&input.head, input.pos);
        Outcome::plain(yours::Solution::has_cycle(&arena, head))
    };
    p0142_linked_list_cycle_ii => |input| solve(input, yours::Solution::detect_cycle);
    p0143_reorder_list => |head| {
        spec::relinked(head, |mut list| {
            yours::Solution::reorder_list(&mut list);
            list
        })
    };
    p0148_sort_list => |head| spec::relinked(head, yours::Solution::sort_list);
    p0160_intersection_of_two_linked_lists => |input| solve(input, yours::Solution::get_intersection_node);
    p0203_remove_linked_list_elements =>
        |i| spec::relinked(&i.head, |head| yours::Solution::remove_elements(head, i.val));
    p0206_reverse_linked_list => |head| spec::relinked(head, yours::Solution::reverse_list);
    p0234_palindrome_linked_list => |head| Outcome::plain(yours::Solution::is_palindrome(list::from_slice(head)));
    p0328_odd_even_linked_list => |head| spec::relinked(head, yours::Solution::odd_even_list);
    p0445_add_two_numbers_ii => |i| spec::rebuilt_pair(&i.l1, &i.l2, yours::Solution::add_two_numbers);
    p0707_design_linked_list => |ops| problems::drive_design!(yours::MyLinkedList, ops);
    p0876_middle_of_the_linked_list => |head| spec::relinked(head, yours::Solution::middle_node);
}

/// The judge's adapter of kernel `$name`: a `Plain` of its variant, calling `yours::$name`
/// through `guarded`, which places every operand against guard pages in a judge.
macro_rules! kernels {
    ($($name:ident: $variant:ident => $adapter:expr;)+) => {
        /// The adapter's source text (a `Plain`) for the judge of kernel `name`.
        pub fn kernel(name: &str) -> Option<&'static str> {
            match name {
                $(stringify!($name) => Some(concat!("Plain::", stringify!($variant), "(", stringify!($adapter), ")")),)+
                _ => None,
            }
        }

        /// Every adapter, with the library's kernels (through `yours`, below) as the attempt.
        #[cfg(test)]
        pub(crate) fn against_the_library() -> Vec<crate::kernels::Plain> {
            use crate::kernels::Plain;
            #[allow(unused_imports)]
            use crate::practice::operands::{guarded, guarded_ids};
            vec![$(Plain::$variant($adapter)),+]
        }
    };
}

kernels! {
    matmul: Matmul => |a, b, c, m, k, n| {
        guarded([("a", a), ("b", b)], [("c", c)], |[a, b], [c]| yours::matmul(a, b, c, m, k, n))
    };
    softmax: Softmax => |x, y, cols| guarded([("x", x)], [("y", y)], |[x], [y]| yours::softmax(x, y, cols));
    exp: Exp => |x, y| guarded([("x", x)], [("y", y)], |[x], [y]| yours::exp(x, y));
    attention: Attention => |q, k, v, out, q_len, kv_len, head_dim, causal| {
        guarded([("q", q), ("k", k), ("v", v)], [("out", out)], |[q, k, v], [out]| {
            yours::attention(q, k, v, out, q_len, kv_len, head_dim, causal)
        })
    };
    layer_norm: LayerNorm => |x, weight, bias, eps, y, mean, rstd| {
        guarded([("x", x), ("weight", weight), ("bias", bias)], [("y", y), ("mean", mean), ("rstd", rstd)],
            |[x, weight, bias], [y, mean, rstd]| yours::layer_norm(x, weight, bias, eps, y, mean, rstd))
    };
    rms_norm: RmsNorm => |x, weight, eps, y, rstd| {
        guarded([("x", x), ("weight", weight)], [("y", y), ("rstd", rstd)],
            |[x, weight], [y, rstd]| yours::rms_norm(x, weight, eps, y, rstd))
    };
    gelu: Gelu => |x, y, approx| {
        let approx = match approx {
            kernels::activation::Gelu::Erf => yours::Gelu::Erf,
            kernels::activation::Gelu::Tanh => yours::Gelu::Tanh,
        };
        guarded([("x", x)], [("y", y)], |[x], [y]| yours::gelu(x, y, approx))
    };
    silu: Silu => |x, y| guarded([("x", x)], [("y", y)], |[x], [y]| yours::silu(x, y));
    swiglu: Swiglu => |gate, up, y| {
        guarded([("gate", gate), ("up", up)], [("y", y)], |[gate, up], [y]| yours::swiglu(gate, up, y))
    };
    cross_entropy: CrossEntropy => |logits, targets, classes, ignore_index, losses| {
        guarded_ids([("targets", targets)], [("logits", logits)], [("losses", losses)],
            |[targets], [logits], [losses]| yours::cross_entropy(logits, targets, classes, ignore_index, losses))
    };
    embedding: Embedding => |table, dim, ids, out| {
        guarded_ids([("ids", ids)], [("table", table)], [("out", out)],
            |[ids], [table], [out]| yours::embedding(table, dim, ids, out))
    };
    rope: Rope => |x, heads, head_dim, positions, theta| {
        guarded_ids([("positions", positions)], [], [("x", x)],
            |[positions], [], [x]| yours::rope(x, heads, head_dim, positions, theta))
    };
}

/// The library's kernels behind the stubs' plain signatures: what the adapters' tests run as
/// `yours`.
#[cfg(test)]
mod yours {
    pub use kernels::activation::Gelu;
    use kernels::attention::{Attention, Params, Qkv, Shape};
    use kernels::softmax as op;
    use kernels::{Opts, activation, embedding as gather, loss, math, matmul as gemm, norm, rope as turn};

    pub fn matmul(a: &[f32], b: &[f32], c: &mut [f32], m: usize, k: usize, n: usize) {
        let (a, b) = (kernels::MatRef::new(a, m, k).unwrap(), kernels::MatRef::new(b, k, n).unwrap());
        gemm::gemm(1.0, a, b, 0.0, kernels::MatMut::new(c, m, n).unwrap(), &Opts::default()).unwrap();
    }

    pub fn softmax(x: &[f32], y: &mut [f32], cols: usize) {
        op::softmax(x, y, cols, &Opts::default()).unwrap();
    }

    pub fn exp(x: &[f32], y: &mut [f32]) {
        math::exp(x, y, &Opts::default()).unwrap();
    }

    #[allow(clippy::too_many_arguments)] // the stub's signature
    pub fn attention(
        q: &[f32],
        k: &[f32],
        v: &[f32],
        out: &mut [f32],
        q_len: usize,
        kv_len: usize,
        head_dim: usize,
        causal: bool,
    ) {
        let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len, kv_len, head_dim };
        let attn = Attention::new(shape, Params { causal, ..Params::default() }).unwrap();
        let mut lse = vec![0.0; q_len];
        attn.forward(Qkv { q, k, v }, out, &mut lse, &Opts::default()).unwrap();
    }

    #[allow(clippy::too_many_arguments)] // the stub's signature
    pub fn layer_norm(
        x: &[f32],
        weight: &[f32],
        bias: &[f32],
        eps: f32,
        y: &mut [f32],
        mean: &mut [f32],
        rstd: &mut [f32],
    ) {
        norm::layer_norm(x, weight, bias, eps, y, mean, rstd, &Opts::default()).unwrap();
    }

    pub fn rms_norm(x: &[f32], weight: &[f32], eps: f32, y: &mut [f32], rstd: &mut [f32]) {
        norm::rms_norm(x, weight, eps, y, rstd, &Opts::default()).unwrap();
    }

    pub fn gelu(x: &[f32], y: &mut [f32], approx: Gelu) {
        activation::gelu(x, y, approx, &Opts::default()).unwrap();
    }

    pub fn silu(x: &[f32], y: &mut [f32]) {
        activation::silu(x, y, &Opts::default()).unwrap();
    }

    pub fn swiglu(gate: &[f32], up: &[f32], y: &mut [f32]) {
        activation::swiglu(gate, up, y, &Opts::default()).unwrap();
    }

    pub fn cross_entropy(
        logits: &[f32],
        targets: &[u32],
        classes: usize,
        ignore_index: Option<u32>,
        losses: &mut [f32],
    ) -> f32 {
        loss::cross_entropy(logits, targets, classes, ignore_index, losses, &Opts::default()).unwrap()
    }

    pub fn embedding(table: &[f32], dim: usize, ids: &[u32], out: &mut [f32]) {
        gather::embedding(table, dim, ids, out, &Opts::default()).unwrap();
    }

    pub fn rope(x: &mut [f32], heads: usize, head_dim: usize, positions: &[u32], theta: f32) {
        turn::rope(x, heads, head_dim, positions, theta, &Opts::default()).unwrap();
    }
}

/// Whether every example of `P` passes through `run`.
#[cfg(test)]
fn examples_pass<P: problems::spec::Problem>(
    run: fn(&P::Input) -> problems::spec::Outcome<P::Output>,
) -> bool {
    P::examples().iter().all(|(input, expected)| run(input).output == *expected)
}

#[cfg(test)]
mod tests {
    use kernels::Isa;
    use problems::check::Status;
    use problems::registry::PROBLEMS;

    use super::*;
    use crate::kernels::{KernelConfig, attempt_check, attempt_plan};
    use crate::new::module_name;

    #[test]
    fn every_problem_has_an_adapter_whose_examples_pass_with_the_reference() {
        for entry in PROBLEMS {
            let module = module_name(&entry.info());
            let text = problem(&module).unwrap_or_else(|| panic!("no adapter for {module}"));
            assert!(text.contains("yours"), "{module}'s adapter must call `yours`: {text}");
        }
        for (module, pass) in against_the_references::examples_pass() {
            assert!(pass, "{module}: the reference fails its examples through the adapter");
        }
    }

    #[test]
    fn the_library_passes_every_applicable_check_of_an_attempt() {
        let config = KernelConfig { seed: 11, exhaustive: false, isa: Some(Isa::detect()) };
        let targets: Vec<_> = against_the_library().into_iter().map(|p| p.target()).collect();
        assert_eq!(targets, crate::practice::KernelTarget::ALL, "one adapter per kernel target, in order");
        for plain in against_the_library() {
            let name = plain.target().name();
            assert!(kernel(name).is_some(), "{name} has no adapter text");
            for planned in attempt_plan(plain.target()).into_iter().filter(|p| p.applies.is_ok()) {
                let line = attempt_check(plain, &planned.label, &config)
                    .unwrap_or_else(|| panic!("{name}: no check {}", planned.label));
                assert_eq!(line.status, Status::Passed, "{name} {}: {:?}", planned.label, line.failure);
            }
        }
    }
}
