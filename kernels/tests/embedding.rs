//! Token embedding and its gradient on every ISA against the f64 oracle and the PyTorch golden
//! cases (`kernels::reference::embedding`): the gather exact, the accumulated gradient within
//! 1e-6 relative, rows of repeated ids summed without cancellation error, bitwise the same on
//! any number of threads; finite differences of the gradient and every bad argument.

#[macro_use]
mod common;

use common::{bits_eq, within};
use kernels::embedding::{embedding, embedding_backward};
use kernels::reference::embedding::{self as spec, Case};
use kernels::reference::golden;
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;

fn golden_cases(isa: Isa) {
    common::golden_cases(isa, &golden::EMBEDDING, |case, opts, sink| spec::compare_golden(case, opts, sink));
}

/// Every row width around the lane widths, few tokens and many, few ids and many.
fn matches_reference(isa: Isa) {
    let mut worst = 0.0f64;
    for dim in common::tail_sizes(isa).into_iter().filter(|&d| d > 0).chain([2]) {
        for (vocab, tokens) in [(1, 0), (1, 3), (7, 1), (5, 40), (300, 100)] {
            let case = Case::random(vocab, dim, tokens, (dim * 1000 + tokens) as u64);
            let context = format!("{isa} {}", case.describe());
            case.compare(&Opts::single(isa), within(&context, &mut worst));
        }
    }
    println!("{isa}: worst gradient error {worst:.3} of its bound");
}

/// Terms that cancel: each row's sum is exact in f64 and must come out correctly rounded,
/// where summing in f32 would leave the rounding of the large terms behind.
fn repeated_ids_cancel(isa: Isa) {
    let dim = 19;
    let ids = [4u32, 4, 4, 1, 4];
    let big = 1e8f32 / 3.0;
    let mut dout = Vec::new();
    for (t, _) in ids.iter().enumerate() {
        dout.extend((0..dim).map(|j| match t {
            0 => big,
            1 => 1.0 + j as f32,
            2 => -big,
            3 => 2.5,
            _ => 0.125,
        }));
    }
    let mut dtable = vec![0.5f32; 5 * dim];
    embedding_backward(&ids, &dout, dim, &mut dtable, &Opts::single(isa)).unwrap();
    for j in 0..dim {
        assert_eq!(dtable[4 * dim + j], 0.5 + 1.0 + j as f32 + 0.125, "{isa}: column {j}");
        assert_eq!(dtable[dim + j], 3.0, "{isa}: column {j}");
        assert_eq!(dtable[j], 0.5, "{isa}: a row no token names changed");
    }
}

/// Enough tokens to split over threads, and few ids, so that rows repeat across the cuts:
/// 1, 2 and 3 threads give bitwise the same gather and gradient.
fn threads_agree(isa: Isa) {
    for (vocab, dim, tokens) in [(50, 64, 2048), (32000, 33, 1500), (2, 1024, 100)] {
        let case = Case::random(vocab, dim, tokens, 77);
        let one = case.run(&Opts::single(isa));
        for threads in [2, 3] {
            let many = case.run(&Opts { isa: Some(isa), threads });
            assert!(bits_eq(&one.0, &many.0), "{isa}: out differs on {threads} threads");
            assert!(
                bits_eq(&one.1, &many.1),
                "{isa}: dtable differs on {threads} threads ({})",
                case.describe()
            );
        }
    }
}

/// An output past 4 MiB, misaligned by one element, in rows of 1,031 (which start at every
/// alignment): on 1 and 2 threads, each row is its table row exactly and nothing before the
/// output is written.
fn large_outputs_are_exact_rows(isa: Isa) {
    let (vocab, dim, tokens) = (3000, 1_031, 1_100);
    let table: Vec<f32> = (0..vocab * dim).map(|i| i as f32).collect();
    let ids: Vec<u32> = (0..tokens as u32).map(|t| t * 7 % vocab as u32).collect();
    for threads in [1, 2] {
        let mut out = vec![0.0f32; tokens * dim + 1];
        embedding(&table, dim, &ids, &mut out[1..], &Opts { isa: Some(isa), threads }).unwrap();
        for (t, (&id, row)) in ids.iter().zip(out[1..].chunks(dim)).enumerate() {
            let want = &table[id as usize * dim..][..dim];
            assert!(bits_eq(row, want), "{isa}, {threads} threads: token {t} is not row {id}");
        }
        assert_eq!(out[0], 0.0, "{isa}: the element before the output is untouched");
    }
}

test_each_isa!(
    golden_cases,
    matches_reference,
    repeated_ids_cancel,
    threads_agree,
    large_outputs_are_exact_rows
);

#[test]
fn bad_arguments_are_errors_that_write_nothing() {
    let opts = Opts::default();
    let table = [1.0f32; 12]; // 4 rows of 3
    let mut out = [0.0f32; 6];
    let shape = |e: Error, text: &str| {
        assert!(matches!(e, Error::Shape { .. }), "{e}");
        assert!(e.to_string().contains(text), "{e} lacks {text}");
    };
    shape(embedding(&table, 0, &[0, 1], &mut out, &opts).unwrap_err(), "embedding: dim is 0");
    shape(
        embedding(&table, 5, &[0], &mut out[..5], &opts).unwrap_err(),
        "table has 12 elements, not a whole number of rows of dim = 5",
    );
    shape(
        embedding(&table, 3, &[1, 4], &mut out, &opts).unwrap_err(),
        "ids[1] = 4 is out of range for table of 4 rows",
    );
    let e = embedding(&table, 3, &[1, 2], &mut out[..5], &opts).unwrap_err();
    assert!(
        matches!(e, Error::Len { .. })
            && e.to_string().contains("out has 5 elements but ids.len() * dim = 2 * 3 = 6"),
        "{e}"
    );
    assert_eq!(out, [0.0; 6]);

    let mut dtable = [0.0f32; 12];
    let e = embedding_backward(&[0, 9], &[1.0; 6], 3, &mut dtable, &opts).unwrap_err();
    shape(e, "embedding_backward: ids[1] = 9 is out of range for dtable of 4 rows");
    shape(embedding_backward(&[0], &[1.0; 3], 0, &mut dtable, &opts).unwrap_err(), "dim is 0");
    shape(embedding_backward(&[0], &[1.0; 5], 5, &mut dtable, &opts).unwrap_err(), "dtable has 12 elements");
    let e = embedding_backward(&[0, 1], &[1.0; 7], 3, &mut dtable, &opts).unwrap_err();
    assert!(e.to_string().contains("dout has 7 elements but ids.len() * dim = 2 * 3 = 6"), "{e}");
    assert_eq!(dtable, [0.0; 12]);

    // No tokens, or an empty table and no tokens, are valid calls.
    embedding(&table, 3, &[], &mut [], &opts).unwrap();
    embedding_backward(&[], &[], 3, &mut [], &opts).unwrap();
    // An ISA this CPU lacks is refused by name.
    for isa in Isa::ALL {
        let r = embedding_backward(&[1], &[1.0; 3], 3, &mut dtable, &Opts::single(isa));
        let want = if isa.is_available() {
            Ok(())
        } else {
            Err(Error::IsaUnavailable { op: "embedding_backward", isa })
        };
        assert_eq!(r, want, "{isa}");
    }
}

proptest! {
    #![proptest_config(common::replayable(64, 0x0E3B_EDD1))]

    /// Random shapes and ids on every ISA: within the bounds of the reference, and 1 and 2
    /// threads bitwise equal.
    #[test]
    fn random_cases_on_every_isa(vocab in 1usize..20, dim in 1usize..40, tokens in 0usize..50, seed: u64) {
        let case = Case::random(vocab, dim, tokens, seed);
        common::agrees_on_every_isa(&case.describe(), |opts, sink| case.compare(opts, sink), |opts| case.run(opts))?;
    }

    /// The backward pass is the derivative of the forward one: central differences of
    /// `L(table) = sum(dout * embedding(table))` in f64, element by element of the table.
    #[test]
    fn gradient_matches_finite_differences(vocab in 1usize..6, dim in 1usize..5, tokens in 1usize..8, seed: u64) {
        let case = Case::random(vocab, dim, tokens, seed);
        let loss = |table: &[f32]| -> f64 {
            spec::embedding(table, dim, &case.ids).iter().zip(&case.dout).map(|(o, &d)| o * f64::from(d)).sum()
        };
        let fds = common::central_differences(&case.table, 0.5, loss);
        for isa in Isa::available() {
            let mut dtable = vec![0.0f32; case.table.len()];
            embedding_backward(&case.ids, &case.dout, dim, &mut dtable, &Opts::single(isa)).unwrap();
            for (i, (&d, &fd)) in dtable.iter().zip(&fds).enumerate() {
                prop_assert!((f64::from(d) - fd).abs() <= 1e-6 * (1.0 + fd.abs()), "{isa} dtable[{i}] = {d} vs {fd}");
            }
        }
    }
}
