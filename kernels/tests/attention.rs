//! Fused attention on every ISA against the f64 oracle (`kernels::reference::attention`) and
//! the PyTorch golden cases, within the tolerance of `kernels::reference::attention::spec`
//! (whose module doc derives it): random shapes (proptest), finite-difference gradients, the
//! key-permutation law (quickcheck), every error, and thread-count invariance.

#[macro_use]
mod common;

use common::within;
use kernels::attention::{Attention, Grads, Mask, Params, Qkv, Shape};
use kernels::reference::attention::spec::{self, Case, MaskData, MaskKind, Outputs, max_abs};
use kernels::reference::attention::{self as oracle};
use kernels::reference::{Rng, golden};
use kernels::{Error, Isa, Opts};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use quickcheck::{QuickCheck, TestResult};

/// [`Case::random`] with the mask kind as a number (0: none, 1: shared, 2: per batch), the
/// form proptest and the sweeps below draw it in.
fn random(shape: Shape, causal: bool, mask_kind: u8, dead_rows: bool, logit: f32, seed: u64) -> Case {
    let mask = [MaskKind::None, MaskKind::Shared, MaskKind::PerBatch][usize::from(mask_kind % 3)];
    Case::random(shape, causal, mask, dead_rows, logit, seed)
}

/// Runs forward and backward of `case` on `opts` against the oracle; returns the worst error
/// as a fraction of its bound.
fn check_against_oracle(what: &str, case: &Case, opts: &Opts) -> f64 {
    let mut worst = 0.0f64;
    case.compare(opts, within(what, &mut worst));
    worst
}

fn golden_cases(isa: Isa) {
    for g in golden::parse_all(&golden::ATTENTION) {
        let (case, want, grads) = Case::golden(&g);
        let (what, mut worst) = (format!("{isa} {}", g.name()), 0.0f64);
        spec::compare(&case.run(&Opts::single(isa)), &want, &grads, within(&what, &mut worst));
        println!("{what}: worst error {worst:.3} of its bound");
    }
}

/// Shapes that exercise every path deterministically: tails of every block, GQA, MQA,
/// q_len != kv_len both ways, decode, masks with dead rows, and several query/key blocks.
fn edge_shapes(isa: Isa) {
    let opts = Opts::single(isa);
    let lanes = isa.lanes();
    let mut worst = 0.0f64;
    let shapes = [
        (1, 1, 1, 1, 1, 1),
        (1, 2, 1, lanes - 1, lanes + 1, 3),
        (2, 4, 2, 2 * lanes + 3, 17, 8),
        (1, 3, 3, 17, 2 * lanes + 3, 17),
        (1, 2, 2, 1, 257, 64),
        (1, 2, 1, 200, 130, 16),
        (1, 1, 1, 97, 193, 128),
        (1, 2, 2, 65, 30, 8),
    ];
    for (n, &(batch, heads, kv_heads, q_len, kv_len, head_dim)) in shapes.iter().enumerate() {
        let shape = Shape { batch, heads, kv_heads, q_len: q_len.max(1), kv_len, head_dim };
        for (causal, mask_kind) in [(false, 0), (true, 0), (false, 1), (true, 2)] {
            let case = random(shape, causal, mask_kind, true, 1.0, n as u64 * 7 + mask_kind as u64);
            let what = format!("{isa} {shape:?} causal={causal} mask={mask_kind}");
            worst = worst.max(check_against_oracle(&what, &case, &opts));
        }
    }
    println!("{isa}: worst error {worst:.3} of its bound");
}

/// Dead rows: a fully masked row and early causal rows (kv_len < q_len) give 0, -inf, 0.
fn dead_rows(isa: Isa) {
    let opts = Opts::single(isa);
    let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 9, kv_len: 4, head_dim: 5 };
    let mut case = random(shape, true, 0, false, 1.0, 3);
    let mut mask = vec![0.0f32; 9 * 4];
    mask[8 * 4..].fill(f32::NEG_INFINITY);
    case.mask = Some(MaskData::Shared(mask));
    let Outputs { out, lse, grads: [dq, dk, dv] } = case.run(&opts);
    // Rows 0..5 see no key (causal offset 4 - 9 = -5), row 8 is masked out.
    for i in (0..5).chain([8]) {
        assert_eq!(lse[i], f32::NEG_INFINITY, "{isa}: lse[{i}]");
        assert!(out[i * 5..][..5].iter().all(|&x| x == 0.0), "{isa}: out row {i}");
    }
    assert!(lse[5].is_finite() && lse[7].is_finite());
    for i in (0..5).chain([8]) {
        assert!(dq[i * 5..][..5].iter().all(|&x| x == 0.0), "{isa}: dq row {i}");
    }
    assert!(dq.iter().chain(&dk).chain(&dv).all(|x| x.is_finite()));
    check_against_oracle(&format!("{isa} dead rows"), &case, &opts);
}

/// A key hidden by a -inf mask or by causality contributes exactly 0: giving its value row
/// 3e38 instead of 0 must not change a single bit of the rows that cannot see it (even the
/// smallest subnormal weight times 3e38 is 4e-7, several ULP of these outputs).
fn hidden_keys_contribute_exactly_zero(isa: Isa) {
    let opts = Opts::single(isa);
    for (q_len, kv_len, head_dim) in [(3, 5, 4), (70, 100, 17)] {
        let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len, kv_len, head_dim };
        let mut case = random(shape, true, 0, false, 1.0, 5);
        // Key 0 is masked for every query; the last key is causally hidden from all but the
        // last query (kv_len > q_len).
        let mut mask = vec![0.0f32; q_len * kv_len];
        for row in mask.chunks_mut(kv_len) {
            row[0] = f32::NEG_INFINITY;
        }
        case.mask = Some(MaskData::Shared(mask));
        let run = |hidden: f32| {
            let mut c = case.clone();
            c.v[..head_dim].fill(hidden);
            c.v[(kv_len - 1) * head_dim..].fill(hidden);
            let attn = Attention::new(shape, c.params()).unwrap();
            let (mut out, mut lse) = (vec![0.0; q_len * head_dim], vec![0.0; q_len]);
            attn.forward(c.qkv(), &mut out, &mut lse, &opts).unwrap();
            out.truncate((q_len - 1) * head_dim);
            out.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        };
        assert!(run(0.0) == run(3e38), "{isa}: a hidden key leaked into the output ({q_len}x{kv_len})");
    }
}

fn threads_agree(isa: Isa) {
    let shape = Shape { batch: 2, heads: 4, kv_heads: 2, q_len: 200, kv_len: 230, head_dim: 24 };
    for (causal, mask_kind) in [(true, 0), (false, 2)] {
        let case = random(shape, causal, mask_kind, false, 1.0, 11);
        let run = |threads: usize| {
            let Outputs { out, lse, grads: [dq, dk, dv] } = case.run(&Opts { isa: Some(isa), threads });
            [out, lse, dq, dk, dv].map(|t| t.iter().map(|x| x.to_bits()).collect::<Vec<_>>())
        };
        assert!(run(1) == run(2), "{isa}: 1 and 2 threads disagree (causal={causal})");
    }
}

/// Scores that climb key after key, by steps below and above the forward pass's rescaling
/// margin: the running max is stale for a while, then has to move within a key block and
/// across blocks, and the exponentials taken against a stale max must still add up exactly.
fn climbing_scores(isa: Isa) {
    let shape = Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 7, kv_len: 300, head_dim: 8 };
    for step in [0.01f32, 0.1, 0.5, 3.0] {
        let mut case = random(shape, false, 0, false, 1.0, 11);
        case.q.iter_mut().for_each(|x| *x = x.abs() + 0.5);
        // Key j's score grows like j * step, plus the random spread of its direction.
        let scale = (8f32).sqrt() / 8.0;
        for (j, key) in case.k.chunks_mut(8).enumerate() {
            key.iter_mut().for_each(|x| *x = (*x * 0.1 + j as f32 * step * scale) / 4.0);
        }
        check_against_oracle(&format!("{isa} climbing scores, step {step}"), &case, &Opts::single(isa));
    }
}

/// A NaN in a query makes that query's output and lse NaN, as in the reference, and leaves
/// the other queries alone; it is not mistaken for a query that saw no key.
fn nan_query_gives_nan(isa: Isa) {
    let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 3, kv_len: 50, head_dim: 8 };
    let mut case = random(shape, false, 0, false, 1.0, 5);
    case.q[8 + 3] = f32::NAN;
    let out = case.run(&Opts::single(isa));
    assert!(out.out[8..16].iter().all(|x| x.is_nan()) && out.lse[1].is_nan(), "{isa}: {:?}", &out.out[8..16]);
    for row in [0, 2] {
        assert!(out.out[row * 8..][..8].iter().all(|x| x.is_finite()) && out.lse[row].is_finite(), "{isa}");
    }
}

/// Gradients that cancel: with logits x8 and at most three visible keys, each softmax row is
/// nearly one-hot, so `dP - D` is close to 0 and dq is ~1e-3 while the products that make it
/// are ~1. Found by `random_shapes`; the error must be judged against the terms, and stay
/// within the bound there.
/// Decoding past one block of keys (one query takes them in runs of 2048 at head_dim 64):
/// plain scores, a score in a later run past the rescaling margin, and a mask that hides whole
/// runs.
fn long_decode(isa: Isa) {
    let shape = Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 1, kv_len: 5000, head_dim: 64 };
    let plain = random(shape, true, 0, false, 1.0, 31);
    check_against_oracle(&format!("{isa} long decode"), &plain, &Opts::single(isa));
    // One key in the second run scores 10 for the first head, past the margin above all the
    // others (about 0): the first run's sum, rescaled, still weighs about as much as that key.
    let mut outlier = plain.clone();
    outlier.k.iter_mut().for_each(|x| *x *= 0.01);
    let q0 = outlier.q[..64].to_vec();
    let c = 10.0 / (0.125 * q0.iter().map(|x| x * x).sum::<f32>());
    outlier.k[3000 * 64..3001 * 64].iter_mut().zip(&q0).for_each(|(k, &q)| *k = c * q);
    check_against_oracle(&format!("{isa} long decode, outlier"), &outlier, &Opts::single(isa));
    let mut masked = random(shape, false, 1, false, 1.0, 32);
    let mask = masked.mask.as_mut().unwrap().values_mut();
    for (key, m) in mask.iter_mut().enumerate() {
        *m = if (2048..4096).contains(&key) || key % 7 == 0 { f32::NEG_INFINITY } else { 0.0 };
    }
    check_against_oracle(&format!("{isa} long decode, masked runs"), &masked, &Opts::single(isa));
}

/// Uniform weights over many keys (scale 0, as the fuzz target found): each output is the mean
/// of 2^17 or 4096 values in [-1, 1), at most about 0.01, while the terms it sums are about 0.5
/// each. A one-lane sum rounds at the size of the terms, so the error is judged against them
/// (the oracle's `out_terms`), not against the small mean. A NaN query stays NaN in the oracle
/// as in the kernel.
fn uniform_weights_over_many_keys(isa: Isa) {
    let long = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 1, kv_len: 131_072, head_dim: 1 };
    let mut long_case = random(long, false, 0, false, 1.0, 42);
    long_case.scale = Some(0.0);
    check_against_oracle(&format!("{isa} uniform weights, 2^17 keys"), &long_case, &Opts::single(isa));
    let shape = Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 1, kv_len: 4096, head_dim: 4 };
    let mut case = random(shape, false, 1, false, 1.0, 41);
    case.scale = Some(0.0);
    check_against_oracle(&format!("{isa} uniform weights"), &case, &Opts::single(isa));
    case.q[4] = f32::NAN;
    let want = oracle::forward(&case.shape, &case.params(), &case.qkv());
    assert!(want.out[4..8].iter().all(|x| x.is_nan()) && want.lse[1].is_nan(), "oracle: {:?}", want.lse);
    check_against_oracle(&format!("{isa} uniform weights, NaN query"), &case, &Opts::single(isa));
}

/// `f32::MIN` as the additive mask (what many models use for "masked"): a finite mask, so a row
/// masked that way everywhere still averages the values, with an lse near `f32::MIN`, as the
/// f64 reference (and PyTorch) has it; rows masked that way in part ignore those keys.
fn huge_finite_mask(isa: Isa) {
    let shape = Shape { batch: 1, heads: 2, kv_heads: 2, q_len: 5, kv_len: 70, head_dim: 8 };
    let mut case = random(shape, false, 1, false, 1.0, 21);
    let mask = case.mask.as_mut().unwrap().values_mut();
    for (row, values) in mask.chunks_mut(70).enumerate() {
        for (key, m) in values.iter_mut().enumerate() {
            *m = if row == 0 || (row + key) % 3 == 0 { f32::MIN } else { 0.0 };
        }
    }
    let out = case.run(&Opts::single(isa));
    for h in 0..2 {
        let lse = out.lse[h * 5];
        assert!(lse.is_finite() && lse < -3e38, "{isa}: head {h}, fully masked row: lse {lse}");
        assert!(out.out[h * 5 * 8..][..8].iter().any(|&x| x != 0.0), "{isa}: fully masked row is 0");
    }
    check_against_oracle(&format!("{isa} f32::MIN mask"), &case, &Opts::single(isa));
}

fn cancelling_gradients(isa: Isa) {
    let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 49, kv_len: 3, head_dim: 64 };
    let case = random(shape, true, 1, false, 8.0, 6596995578248620241);
    let grads = oracle::backward(&case.shape, &case.params(), &case.qkv(), &case.dout);
    let ([dq, ..], [dq_terms, ..]) = (&grads.grads, &grads.terms);
    assert!(max_abs(dq) < 1e-2 * max_abs(dq_terms), "the case no longer cancels");
    check_against_oracle(&format!("{isa} cancelling gradients"), &case, &Opts::single(isa));
}

/// Random shapes against the oracle, proptest shrinking a failure to a small shape.
fn random_shapes(isa: Isa) {
    let dims = (1usize..=80, 1usize..=80, prop::sample::select(vec![1usize, 3, 8, 17, 64, 128]));
    let heads = (1usize..=2, 1usize..=2, 1usize..=3);
    let flags = (any::<bool>(), 0u8..3, any::<bool>(), prop::sample::select(vec![1.0f32, 8.0]), any::<u64>());
    // A fixed seed keeps every run on the same 24 shapes, so a failure replays exactly.
    let config = Config {
        cases: 24,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x5EED_A77E),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(
        &(dims, heads, flags),
        |((q_len, kv_len, head_dim), (batch, kv_heads, group), (causal, mask, dead, logit, seed))| {
            let shape = Shape { batch, heads: kv_heads * group, kv_heads, q_len, kv_len, head_dim };
            let case = random(shape, causal, mask, dead, logit, seed);
            check_against_oracle(
                &format!("{isa} {shape:?} causal={causal} mask={mask} logit={logit}"),
                &case,
                &Opts::single(isa),
            );
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{isa}: {e}");
    }
}

/// Loss `sum(out * dout)` by the f64 oracle, for finite differences.
fn loss(case: &Case) -> f64 {
    let f = oracle::forward(&case.shape, &case.params(), &case.qkv());
    f.out.iter().zip(&case.dout).map(|(&o, &d)| o * f64::from(d)).sum()
}

/// Central differences of the f64 loss, with inputs on a 2^-12 grid and a step of 2^-10 so
/// that `x +- h` is exact in f32; the truncation error is O(h^2) ~ 1e-6.
fn finite_differences(isa: Isa) {
    let h = 1.0 / 1024.0;
    let grid = |v: &mut Vec<f32>| v.iter_mut().for_each(|x| *x = (*x * 4096.0).round() / 4096.0);
    for (seed, (shape, causal, mask)) in [
        (Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 3, kv_len: 5, head_dim: 4 }, true, 0u8),
        (Shape { batch: 2, heads: 1, kv_heads: 1, q_len: 4, kv_len: 3, head_dim: 3 }, false, 2),
    ]
    .into_iter()
    .enumerate()
    {
        let mut case = random(shape, causal, mask, false, 2.0, seed as u64 + 40);
        grid(&mut case.q);
        grid(&mut case.k);
        grid(&mut case.v);
        let Outputs { grads: [dq, dk, dv], .. } = case.run(&Opts::single(isa));
        for (name, which, got) in [("dq", 0, &dq), ("dk", 1, &dk), ("dv", 2, &dv)] {
            for (idx, &g) in got.iter().enumerate() {
                let bump = |delta: f32| {
                    let mut c = case.clone();
                    let t = match which {
                        0 => &mut c.q,
                        1 => &mut c.k,
                        _ => &mut c.v,
                    };
                    t[idx] += delta;
                    loss(&c)
                };
                let fd = (bump(h) - bump(-h)) / (2.0 * f64::from(h));
                let err = (f64::from(g) - fd).abs();
                assert!(
                    err <= 1e-5 * (1.0 + fd.abs()),
                    "{isa} {shape:?} {name}[{idx}]: {g} vs finite difference {fd}"
                );
            }
        }
    }
}

test_each_isa!(
    golden_cases,
    hidden_keys_contribute_exactly_zero,
    edge_shapes,
    dead_rows,
    threads_agree,
    random_shapes,
    cancelling_gradients,
    climbing_scores,
    huge_finite_mask,
    long_decode,
    uniform_weights_over_many_keys,
    nan_query_gives_nan,
    finite_differences
);

/// Permuting keys and values together (and the mask's columns) leaves every output row as it
/// was, up to rounding (the summation order changes).
#[test]
fn law_key_permutation() {
    fn prop(seed: u64, kv_len: u8, perm_seed: u64) -> TestResult {
        let kv_len = usize::from(kv_len % 40) + 1;
        let shape = Shape { batch: 1, heads: 2, kv_heads: 1, q_len: 5, kv_len, head_dim: 7 };
        let case = random(shape, false, 1, false, 1.0, seed);
        // Fisher-Yates with the second seed.
        let mut perm: Vec<usize> = (0..kv_len).collect();
        let mut rng = Rng::new(perm_seed);
        for i in (1..kv_len).rev() {
            perm.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let d = shape.head_dim;
        let mut permuted = case.clone();
        for (new, &old) in perm.iter().enumerate() {
            permuted.k[new * d..][..d].copy_from_slice(&case.k[old * d..][..d]);
            permuted.v[new * d..][..d].copy_from_slice(&case.v[old * d..][..d]);
            if let (Some(m), Some(src)) = (permuted.mask.as_mut(), case.mask.as_ref()) {
                let (m, src) = (m.values_mut(), src.values());
                for i in 0..shape.q_len {
                    m[i * kv_len + new] = src[i * kv_len + old];
                }
            }
        }
        for isa in Isa::available() {
            let opts = Opts::single(isa);
            let run = |c: &Case| {
                let attn = Attention::new(shape, c.params()).unwrap();
                let (mut out, mut lse) = (vec![0.0; c.q.len()], vec![0.0; 10]);
                attn.forward(c.qkv(), &mut out, &mut lse, &opts).unwrap();
                (out, lse)
            };
            let (a, la) = run(&case);
            let (b, lb) = run(&permuted);
            let close = |x: f32, y: f32| x == y || (x - y).abs() <= 1e-5 * (1.0 + x.abs());
            if !a.iter().zip(&b).chain(la.iter().zip(&lb)).all(|(&x, &y)| close(x, y)) {
                return TestResult::error(format!("{isa}: {a:?} vs {b:?}"));
            }
        }
        TestResult::passed()
    }
    QuickCheck::new().tests(100).quickcheck(prop as fn(u64, u8, u64) -> TestResult);
}

#[test]
fn errors_name_the_argument_and_shapes() {
    let shape = Shape { batch: 1, heads: 4, kv_heads: 2, q_len: 3, kv_len: 5, head_dim: 2 };
    let e = Attention::new(Shape { kv_heads: 3, ..shape }, Params::default()).unwrap_err();
    assert!(
        matches!(e, Error::Shape { .. })
            && e.to_string().contains("heads = 4 is not a multiple of kv_heads = 3"),
        "{e}"
    );
    let e = Attention::new(Shape { kv_heads: 0, ..shape }, Params::default()).unwrap_err();
    assert!(matches!(e, Error::Shape { .. }) && e.to_string().contains("kv_heads is 0"), "{e}");
    let m = [0.0f32; 14];
    let e = Attention::new(shape, Params { mask: Some(Mask::Shared(&m)), ..Params::default() }).unwrap_err();
    assert!(
        matches!(e, Error::Len { .. })
            && e.to_string()
                .contains("mask (Shared) has 14 elements but must be [q_len, kv_len] = [3, 5], 15"),
        "{e}"
    );
    let m = [0.0f32; 15];
    let e = Attention::new(
        Shape { batch: 2, ..shape },
        Params { mask: Some(Mask::PerBatch(&m)), ..Params::default() },
    )
    .unwrap_err();
    assert!(e.to_string().contains("[batch, 1, q_len, kv_len] = [2, 1, 3, 5], 30"), "{e}");

    let attn = Attention::new(shape, Params::default()).unwrap();
    let (q, kv) = (vec![0.0f32; 24], vec![0.0f32; 20]);
    let (mut out, mut lse) = (vec![0.0f32; 24], vec![0.0f32; 12]);
    let opts = Opts::default();
    let e = attn.forward(Qkv { q: &q[1..], k: &kv, v: &kv }, &mut out, &mut lse, &opts).unwrap_err();
    assert!(
        matches!(e, Error::Len { .. })
            && e.to_string()
                .contains("q has 23 elements but must be [batch, heads, q_len, head_dim] = [1, 4, 3, 2], 24"),
        "{e}"
    );
    let e = attn.forward(Qkv { q: &q, k: &kv, v: &kv[1..] }, &mut out, &mut lse, &opts).unwrap_err();
    assert!(
        e.to_string()
            .contains("v has 19 elements but must be [batch, kv_heads, kv_len, head_dim] = [1, 2, 5, 2], 20"),
        "{e}"
    );
    let e = attn.forward(Qkv { q: &q, k: &kv, v: &kv }, &mut out[..20], &mut lse, &opts).unwrap_err();
    assert!(e.to_string().contains("out has 20"), "{e}");
    let e = attn.forward(Qkv { q: &q, k: &kv, v: &kv }, &mut out, &mut lse[..11], &opts).unwrap_err();
    assert!(
        e.to_string().contains("lse has 11 elements but must be [batch, heads, q_len] = [1, 4, 3], 12"),
        "{e}"
    );
    let (mut dq, mut dk, mut dv) = (vec![0.0f32; 24], vec![0.0f32; 20], vec![0.0f32; 20]);
    for (bad, name) in [(0, "out"), (1, "lse"), (2, "dout"), (3, "dq"), (4, "dk"), (5, "dv")] {
        let cut = |i: usize, n: usize| if i == bad { n - 1 } else { n };
        let grads = Grads { dq: &mut dq[..cut(3, 24)], dk: &mut dk[..cut(4, 20)], dv: &mut dv[..cut(5, 20)] };
        let e = attn
            .backward(
                Qkv { q: &q, k: &kv, v: &kv },
                &out[..cut(0, 24)],
                &lse[..cut(1, 12)],
                &q[..cut(2, 24)],
                grads,
                &opts,
            )
            .unwrap_err();
        assert!(
            matches!(e, Error::Len { .. })
                && e.to_string().starts_with(&format!("attention::backward: {name} has ")),
            "{e}"
        );
    }

    // A zero dimension: fine with empty slices, an error with data.
    let empty = Shape { q_len: 0, ..shape };
    let attn = Attention::new(empty, Params::default()).unwrap();
    assert!(attn.forward(Qkv { q: &[], k: &[], v: &[] }, &mut [], &mut [], &opts).is_ok());
    let e = attn.forward(Qkv { q: &[], k: &kv, v: &kv }, &mut [], &mut [], &opts).unwrap_err();
    assert!(
        matches!(e, Error::Shape { .. }) && e.to_string().contains("q_len is 0 but k has 20 elements"),
        "{e}"
    );

    for isa in Isa::ALL.into_iter().filter(|isa| !isa.is_available()) {
        let attn = Attention::new(shape, Params::default()).unwrap();
        let e =
            attn.forward(Qkv { q: &q, k: &kv, v: &kv }, &mut out, &mut lse, &Opts::single(isa)).unwrap_err();
        assert!(matches!(e, Error::IsaUnavailable { .. }), "{e}");
    }
}

/// A problem built once around a long-lived mask runs on inputs that live shorter.
#[test]
fn a_long_lived_mask_serves_short_lived_inputs() {
    static MASK: [f32; 2] = [0.0, f32::NEG_INFINITY];
    let shape = Shape { batch: 1, heads: 1, kv_heads: 1, q_len: 1, kv_len: 2, head_dim: 1 };
    let attn =
        Attention::new(shape, Params { mask: Some(Mask::Shared(&MASK)), ..Params::default() }).unwrap();
    for step in 0..2 {
        let kv = vec![1.0 + step as f32, 5.0];
        let (mut out, mut lse) = ([0.0], [0.0]);
        attn.forward(Qkv { q: &[1.0], k: &kv, v: &kv }, &mut out, &mut lse, &Opts::default()).unwrap();
        assert_eq!((out[0], lse[0]), (kv[0], kv[0]));
    }
}
