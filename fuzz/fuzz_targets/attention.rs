//! `attention::Attention` forward and backward on every ISA and on 1 and 2 threads against
//! `kernels::reference::attention`: any batch (0 to 2), heads (0 to 6) and kv_heads (0 to 3),
//! q_len and kv_len 0 to 100, head_dim 0 to 72, causal or not, no mask, a shared or a
//! per-batch one (0, -inf or f32::MIN, and values in [-3, 3], with fully masked rows), the
//! default scale or another, queries of up to 8 times the keys' size, within the bounds of
//! `tests/attention.rs`. One input in 32 is a single query against more keys than one run of
//! decoding takes (head_dim 32 to 128, up to 4696 keys). Shapes whose heads are not a multiple of kv_heads, masks of the wrong
//! length and slices of the wrong length must be errors that write nothing. A NaN in a query
//! must make that query's output and lse NaN (as `tests/attention.rs` has it) and leave the
//! other queries within the bound.

#![no_main]

use kernels::attention::{Attention, Grads, Mask, Params, Qkv, Shape};
use kernels::reference::attention as oracle;
use kernels::reference::attention::spec::GRADS;
use kernels::{Error, Isa, Opts};
use kernels_fuzz::{Result, Source, THREADS, Unstructured, bits, isas, max_abs, opts, padded};
use libfuzzer_sys::fuzz_target;

/// Relative error bound of out and lse at unit logits (`tests/attention.rs`).
const TOL: f64 = 2e-6;

/// `batch * heads * q_len * kv_len * (head_dim + 1)` above which an input is checked for its
/// errors only: the f64 oracle stays within milliseconds.
const MAX_WORK: usize = 400_000;

/// Floats of K in one run of decoding (512 KiB): a decode input has a few more keys.
const DECODE_FLOATS: usize = 1 << 17;

/// What the output buffers of a call expected to fail hold.
const GUARD: f32 = -7.0;

/// How the mask is made.
#[derive(Clone, Copy, Debug)]
struct MaskSpec {
    /// 0 none, 1 shared, 2 per batch.
    kind: u8,
    /// Each element masked with probability `masked / 16`.
    masked: usize,
    /// Masked elements are f32::MIN rather than -inf.
    finite: bool,
    /// Every `dead`-th row of each mask is masked entirely (0: none).
    dead: usize,
    /// Added to the mask's length (a wrong length must be refused).
    len_delta: isize,
}

/// Everything one case needs, owned.
#[derive(Debug)]
struct Case {
    shape: Shape,
    causal: bool,
    scale: Option<f32>,
    mask: Option<(bool, Vec<f32>)>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    dout: Vec<f32>,
}

impl Case {
    fn params(&self) -> Params<'_> {
        Params {
            causal: self.causal,
            scale: self.scale,
            mask: self
                .mask
                .as_ref()
                .map(|(per_batch, m)| if *per_batch { Mask::PerBatch(m) } else { Mask::Shared(m) }),
        }
    }

    fn qkv(&self) -> Qkv<'_> {
        Qkv { q: &self.q, k: &self.k, v: &self.v }
    }
}

/// What one (ISA, threads) run computes.
struct Outputs {
    out: Vec<f32>,
    lse: Vec<f32>,
    /// dq, dk, dv; empty when the case has a NaN query.
    grads: [Vec<f32>; 3],
}

impl Outputs {
    fn bits(&self) -> Vec<Vec<u32>> {
        [&self.out, &self.lse].into_iter().chain(&self.grads).map(|t| bits(t)).collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(Unstructured::new(&padded(data)));
});

fn run(mut u: Unstructured<'_>) -> Result<()> {
    let decode = u.int_in_range(0u8..=31)? == 31;
    let shape = if decode {
        // head_dim from 32 keeps kv_len, and the f64 oracle's time, within 4096 + 600 keys.
        let (kv_heads, group, head_dim) =
            (u.int_in_range(1..=2)?, u.int_in_range(1..=2)?, u.int_in_range(32..=128)?);
        let kv_len = DECODE_FLOATS.div_ceil(head_dim) + u.int_in_range(0..=600)?;
        Shape { batch: 1, heads: kv_heads * group, kv_heads, q_len: 1, kv_len, head_dim }
    } else {
        Shape {
            batch: u.int_in_range(0..=2)?,
            heads: u.int_in_range(0..=6)?,
            kv_heads: u.int_in_range(0..=3)?,
            q_len: u.int_in_range(0..=100)?,
            kv_len: u.int_in_range(0..=100)?,
            head_dim: u.int_in_range(0..=72)?,
        }
    };
    let causal = u.arbitrary()?;
    let scale = match u.int_in_range(0u8..=7)? {
        0..=3 => None,
        4 => Some(1.0),
        5 => Some(0.0),
        6 => Some(-0.5),
        _ => Some(f32::from(u.arbitrary::<i8>()?) / 64.0),
    };
    let mask = MaskSpec {
        kind: u.int_in_range(0..=2)?,
        masked: u.int_in_range(0..=8)?,
        finite: u.ratio(1, 8)?,
        dead: u.int_in_range(0..=3)?,
        len_delta: match u.int_in_range(0u8..=15)? {
            14 => 1,
            15 => -1,
            _ => 0,
        },
    };
    let logit = *u.choose(&[1.0f32, 1.0, 8.0, 0.25, 3.0])?;
    let nan_query = u.ratio(1, 16)?;
    let bad_arg = u.int_in_range(0usize..=31)?;
    let mut src = Source::new(u)?;

    let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = shape;
    let heads_ok = !(kv_heads == 0 && heads > 0) && (kv_heads == 0 || heads.is_multiple_of(kv_heads));
    let empty = [batch, heads, kv_heads, q_len, kv_len, head_dim].contains(&0);
    let (q_elems, kv_elems) =
        if empty { (0, 0) } else { (batch * heads * q_len * head_dim, batch * kv_heads * kv_len * head_dim) };
    let mut case = Case {
        shape,
        causal,
        scale,
        mask: make_mask(&mut src, shape, mask),
        q: src.vec(q_elems, |s| logit * s.unit()),
        k: src.vec(kv_elems, |s| s.unit()),
        v: src.vec(kv_elems, |s| s.unit()),
        dout: src.vec(q_elems, |s| s.unit()),
    };
    if nan_query && !case.q.is_empty() {
        let at = src.below(case.q.len());
        case.q[at] = f32::NAN;
    }

    let mask_ok = mask.kind == 0 || mask.len_delta == 0;
    let attn = Attention::new(shape, case.params());
    assert_eq!(attn.is_ok(), heads_ok && mask_ok, "{shape:?} mask {mask:?}: {attn:?}");
    let attn = match attn {
        Ok(attn) => attn,
        Err(Error::Shape { .. }) if !heads_ok => return Ok(()),
        Err(Error::Len { .. }) if !mask_ok => return Ok(()),
        Err(e) => panic!("{shape:?} mask {mask:?}: wrong error {e:?}"),
    };
    if bad_arg < 9 {
        check_bad_length(&attn, &case, bad_arg);
    }
    for isa in Isa::ALL.into_iter().filter(|isa| !isa.is_available()) {
        let (mut out, mut lse) = (vec![0.0; case.q.len()], vec![0.0; lse_len(&case)]);
        let r = attn.forward(case.qkv(), &mut out, &mut lse, &Opts::single(isa));
        assert!(matches!(r, Err(Error::IsaUnavailable { .. })), "{isa} is unavailable: {r:?}");
    }
    if !decode && batch * heads * q_len * kv_len * (head_dim + 1) > MAX_WORK {
        return Ok(());
    }
    if empty {
        // Empty slices are the only valid ones; there is nothing to compare.
        for isa in isas() {
            let fwd = attn.forward(case.qkv(), &mut [], &mut [], &Opts::single(isa));
            let grads = Grads { dq: &mut [], dk: &mut [], dv: &mut [] };
            let bwd = attn.backward(case.qkv(), &[], &[], &[], grads, &Opts::single(isa));
            assert_eq!((fwd, bwd), (Ok(()), Ok(())), "{isa} {shape:?}");
        }
        return Ok(());
    }

    let has_nan = case.q.iter().any(|x| x.is_nan());
    let want = oracle::forward(&shape, &case.params(), &case.qkv());
    let want_grads = (!has_nan).then(|| oracle::backward(&shape, &case.params(), &case.qkv(), &case.dout));
    for isa in isas() {
        let what = |threads: usize| {
            format!(
                "{isa} threads={threads} {shape:?} causal={causal} scale={scale:?} logit={logit} mask={mask:?} \
                 nan={has_nan}"
            )
        };
        let one = run_case(&attn, &case, &opts(isa, 1), &what(1));
        for &threads in &THREADS[1..] {
            let other = run_case(&attn, &case, &opts(isa, threads), &what(threads));
            assert!(one.bits() == other.bits(), "{}: differs from 1 thread", what(threads));
        }
        let bound = check_forward(&what(1), &case, &want, &one);
        if let Some(want_grads) = &want_grads {
            check_backward(&what(1), &one, want_grads, bound);
        }
    }
    Ok(())
}

fn lse_len(case: &Case) -> usize {
    case.q.len().checked_div(case.shape.head_dim).unwrap_or(0)
}

/// The mask of `spec`, or None; its length is off by `len_delta`.
fn make_mask(src: &mut Source<'_>, shape: Shape, spec: MaskSpec) -> Option<(bool, Vec<f32>)> {
    let per_batch = match spec.kind {
        0 => return None,
        kind => kind == 2,
    };
    let Shape { batch, q_len, kv_len, .. } = shape;
    let len = if per_batch { batch } else { 1 } * q_len * kv_len;
    let masked = if spec.finite { f32::MIN } else { f32::NEG_INFINITY };
    let mut m = src.vec(len, |s| match s.below(16) {
        r if r < spec.masked => masked,
        r if r < spec.masked + 3 => s.uniform(-3.0, 3.0),
        _ => 0.0,
    });
    if spec.dead > 0 && kv_len > 0 {
        for row in m.chunks_mut(kv_len).step_by(spec.dead) {
            row.fill(masked);
        }
    }
    match spec.len_delta {
        1 => m.push(0.0),
        -1 if m.pop().is_none() => m.push(0.0),
        _ => {}
    }
    Some((per_batch, m))
}

/// Forward, then (without a NaN query) backward from its outputs, into NaN-filled buffers so
/// that an element left unwritten shows.
fn run_case(attn: &Attention<'_>, case: &Case, opts: &Opts, what: &str) -> Outputs {
    let (mut out, mut lse) = (vec![f32::NAN; case.q.len()], vec![f32::NAN; lse_len(case)]);
    assert_eq!(attn.forward(case.qkv(), &mut out, &mut lse, opts), Ok(()), "{what}: forward");
    if case.q.iter().any(|x| x.is_nan()) {
        return Outputs { out, lse, grads: [vec![], vec![], vec![]] };
    }
    let mut grads =
        [vec![f32::NAN; case.q.len()], vec![f32::NAN; case.k.len()], vec![f32::NAN; case.v.len()]];
    let [dq, dk, dv] = &mut grads;
    let r = attn.backward(case.qkv(), &out, &lse, &case.dout, Grads { dq, dk, dv }, opts);
    assert_eq!(r, Ok(()), "{what}: backward");
    Outputs { out, lse, grads }
}

/// out and lse against the oracle within `TOL * (1 + max|lse| / 4)` (`tests/attention.rs`:
/// a score carries a rounding error proportional to its size, and the largest |lse| is about
/// the largest score): out as max |error| over the largest `sum_j P_j |v_j|` (the size of the
/// terms its sum rounds at), lse as |error| / (1 + |lse|);
/// infinities exactly. A query holding NaN must give a NaN output row and lse. Returns the
/// bound.
fn check_forward(what: &str, case: &Case, want: &oracle::Forward, got: &Outputs) -> f64 {
    let d = case.shape.head_dim;
    let bound = TOL * (1.0 + max_abs(&want.lse) / 4.0);
    let (mut e_out, mut e_lse) = (0.0f64, 0.0f64);
    for (row, (&g_lse, &w_lse)) in got.lse.iter().zip(&want.lse).enumerate() {
        let (g_out, w_out) = (&got.out[row * d..][..d], &want.out[row * d..][..d]);
        if case.q[row * d..][..d].iter().any(|x| x.is_nan()) {
            // NaN when the query sees a key, as the reference and the tests have it. When it
            // sees none, its scores are NaN + -inf: neither the docs nor the tests say whether
            // that is a NaN or a dead row, so either is accepted.
            let nan_row = g_lse.is_nan() && g_out.iter().all(|x| x.is_nan());
            let dead_row = g_lse == f32::NEG_INFINITY && g_out.iter().all(|&x| x == 0.0);
            let sees = sees_a_key(case, row);
            assert!(
                nan_row || (!sees && dead_row),
                "{what}: query {row} holds NaN (sees a key: {sees}) but gives lse {g_lse:e}, out {g_out:?}"
            );
            continue;
        }
        assert!(!g_lse.is_nan(), "{what}: lse[{row}] is NaN (want {w_lse:e})");
        if w_lse.is_infinite() || g_lse.is_infinite() {
            assert_eq!(f64::from(g_lse), w_lse, "{what}: lse[{row}]");
        } else {
            e_lse = e_lse.max((f64::from(g_lse) - w_lse).abs() / (1.0 + w_lse.abs()));
        }
        for (c, (&g, &w)) in g_out.iter().zip(w_out).enumerate() {
            assert!(!g.is_nan(), "{what}: out[{row}][{c}] is NaN (want {w:e})");
            if w.is_infinite() || g.is_infinite() {
                assert_eq!(f64::from(g), w, "{what}: out[{row}][{c}]");
                continue;
            }
            e_out = e_out.max((f64::from(g) - w).abs());
        }
    }
    let scale = max_abs(&want.out_terms);
    let e_out = if scale == 0.0 { e_out } else { e_out / scale };
    assert!(e_out <= bound, "{what}: out error {e_out:e} > {bound:e}");
    assert!(e_lse <= bound, "{what}: lse error {e_lse:e} > {bound:e}");
    bound
}

/// Whether the query of lse row `row` sees a key: one neither hidden by causality nor masked
/// with -inf.
fn sees_a_key(case: &Case, row: usize) -> bool {
    let Shape { heads, q_len, kv_len, .. } = case.shape;
    let (b, i) = (row / (heads * q_len), row % q_len);
    (0..kv_len).any(|j| {
        let hidden = case.causal && j + q_len > i + kv_len;
        let add = match &case.mask {
            None => 0.0,
            Some((false, m)) => m[i * kv_len + j],
            Some((true, m)) => m[(b * q_len + i) * kv_len + j],
        };
        !hidden && add != f32::NEG_INFINITY
    })
}

/// dq, dk, dv against the oracle within 4 times the forward bound, each measured as max
/// |error| over the largest sum of absolute terms that makes an element (`terms`), not over
/// the gradient itself, which `dP - D` can cancel far below the products' rounding.
fn check_backward(what: &str, got: &Outputs, want: &oracle::Backward, bound: f64) {
    let gbound = 4.0 * bound;
    for (t, name) in GRADS.into_iter().enumerate() {
        let (got, want, terms) = (&got.grads[t], &want.grads[t], &want.terms[t]);
        assert_eq!(got.len(), want.len(), "{what}: {name} length");
        let mut err = 0.0f64;
        for (i, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
            assert!(!g.is_nan(), "{what}: {name}[{i}] is NaN (want {w:e})");
            if w.is_infinite() || g.is_infinite() {
                assert_eq!(f64::from(g), w, "{what}: {name}[{i}]");
                continue;
            }
            err = err.max((f64::from(g) - w).abs());
        }
        let scale = max_abs(terms);
        let e = if scale == 0.0 { err } else { err / scale };
        assert!(e <= gbound, "{what}: {name} error {e:e} > {gbound:e}");
    }
}

/// One slice of the wrong length (`which` in 0..9 picks it; longer by one, or shorter when it
/// has elements): an error from every ISA, with every output left as it was.
fn check_bad_length(attn: &Attention<'_>, case: &Case, which: usize) {
    let names = ["q", "k", "v", "out", "lse", "dout", "dq", "dk", "dv"];
    let lens = [
        case.q.len(),
        case.k.len(),
        case.v.len(),
        case.q.len(),
        lse_len(case),
        case.q.len(),
        case.q.len(),
        case.k.len(),
        case.v.len(),
    ];
    let len = |i: usize| match (i == which, lens[i]) {
        (false, n) => n,
        (true, 0) => 1,
        (true, n) if n % 2 == 0 => n - 1,
        (true, n) => n + 1,
    };
    let filled = |i: usize| -> Vec<f32> { vec![GUARD; len(i)] };
    let (q, k, v, dout) = (filled(0), filled(1), filled(2), filled(5));
    let qkv = Qkv { q: &q, k: &k, v: &v };
    let what =
        format!("{} has {} elements, not {} ({:?})", names[which], len(which), lens[which], case.shape);
    let refused = |r: std::result::Result<(), Error>, outputs: &[&[f32]], op: &str| {
        assert!(matches!(r, Err(Error::Len { .. } | Error::Shape { .. })), "{op}: {what}: {r:?}");
        let written = outputs.iter().any(|t| t.iter().any(|x| x.to_bits() != GUARD.to_bits()));
        assert!(!written, "{op}: {what}: a refused call wrote an output");
    };
    for isa in isas() {
        let o = Opts::single(isa);
        if which < 5 {
            let (mut out, mut lse) = (filled(3), filled(4));
            let r = attn.forward(qkv, &mut out, &mut lse, &o);
            refused(r, &[&out, &lse], "forward");
        }
        let (out, lse) = (filled(3), filled(4));
        let (mut dq, mut dk, mut dv) = (filled(6), filled(7), filled(8));
        let r = attn.backward(qkv, &out, &lse, &dout, Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv }, &o);
        refused(r, &[&dq, &dk, &dv], "backward");
    }
}
