//! Guard-page tests: every public entry of `kernels` runs on every ISA, with 1 and 2 threads,
//! with all its operands (inputs and outputs) flush against a `PROT_NONE` page, once right
//! after their last elements and once right before their first, over shapes that hit every
//! tail of every lane width in every dimension and pass each multi-threading threshold. An
//! access out of bounds faults: SIGSEGV kills this test binary, after `common::guard` has
//! named the buffer and the case on stderr.
//!
//! Each guarded result must equal, bit for bit, the same call on ordinary `Vec` buffers.
//! Outputs and matrix padding start as NaN in the guarded buffers and as -7 in the `Vec` ones,
//! so an element left unwritten, a padding slot written or padding read into a result shows
//! as a mismatch.

#[macro_use]
mod common;

use common::guard::{Guard, GuardedBuf};
use kernels::attention::{Attention, Grads, Mask, Params, Qkv, Shape};
use kernels::reference::Rng;
use kernels::reference::loss::spec::Case as CeCase;
use kernels::reference::matmul::spec::{LAYOUTS, Layout};
use kernels::reference::norm::spec::{self as norm_spec, Case as NormCase, Norm};
use kernels::{Error, Isa, Opts};

/// Every dimension takes each of these: empty, 1, 2, either side of and at 8 and 16 lanes,
/// either side of 32 (the AVX-512 microkernel's width) and 64, and past the block sizes of gemm
/// (MC = 96 rows, KC = 256) and attention (BC = 48 keys, BR = 96 queries).
const SIZES: [usize; 14] = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 65, 100, 257];

const THREADS: [usize; 2] = [1, 2];

/// What outputs and padding start as in the guarded buffers, and in their `Vec` twins.
const GUARDED_FILL: f32 = f32::NAN;
const VEC_FILL: f32 = -7.0;

fn opts(isa: Isa, threads: usize) -> Opts {
    Opts { isa: Some(isa), threads }
}

/// Runs `guarded` with the guard pages after, then before, the operands, then `plain` on `Vec`
/// buffers, and asserts that each returns bitwise the same outputs (named `names`). The
/// guarded runs come first so that an access out of bounds faults in a guard page, and is
/// named, before it could corrupt the heap around a `Vec`.
fn compare(
    case: &str,
    names: &[&str],
    guarded: impl Fn(Guard) -> Vec<Vec<f32>>,
    plain: impl FnOnce() -> Vec<Vec<f32>>,
) {
    let got = Guard::BOTH.map(|guard| (guard, guarded(guard)));
    let want = plain();
    for (guard, got) in got {
        for ((name, got), want) in names.iter().zip(got).zip(&want) {
            assert_eq!(got.len(), want.len(), "{case}, guard page {guard}: {name} length");
            if let Some(i) = got.iter().zip(want).position(|(g, w)| g.to_bits() != w.to_bits()) {
                panic!(
                    "{case}, guard page {guard}: {name}[{i}] is {} with guard pages but {} with Vec buffers",
                    got[i], want[i]
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// matmul and gemm

/// Storage of the row-major `values` under `layout`, with `fill` in the slots no element maps
/// to. It runs exactly from the first element to the last (no slack after it, unlike
/// `Stored`), so that both touch a guard page.
fn store(layout: Layout, rows: usize, cols: usize, values: &[f32], fill: f32) -> Vec<f32> {
    let (rs, cs) = layout.strides(rows, cols);
    let mut data = vec![fill; layout.span(rows, cols)];
    for i in 0..rows {
        for j in 0..cols {
            data[i * rs + j * cs] = values[i * cols + j];
        }
    }
    data
}

/// The row-major values `layout` stores in `data`.
fn load(layout: Layout, rows: usize, cols: usize, data: &[f32]) -> Vec<f32> {
    let (rs, cs) = layout.strides(rows, cols);
    (0..rows).flat_map(|i| (0..cols).map(move |j| data[i * rs + j * cs])).collect()
}

/// 36 layout triples (A, B, C) in which every pair of layouts meets on every pair of operands.
fn layout_triples() -> Vec<[Layout; 3]> {
    let n = LAYOUTS.len();
    (0..n * n).map(|i| [LAYOUTS[i / n], LAYOUTS[i % n], LAYOUTS[(i / n + i % n) % n]]).collect()
}

#[derive(Clone, Copy, Debug)]
enum Call {
    Matmul,
    Gemm { alpha: f32, beta: f32 },
}

impl Call {
    /// Runs on A, B and C stored in `a`, `b` and `c` under `layouts`; panics on an error.
    fn run(
        self,
        layouts: [Layout; 3],
        (m, k, n): (usize, usize, usize),
        a: &[f32],
        b: &[f32],
        c: &mut [f32],
        opts: &Opts,
    ) {
        let [la, lb, lc] = layouts;
        let (a, b) = (la.view(a, m, k).unwrap(), lb.view(b, k, n).unwrap());
        let c = lc.view_mut(c, m, n).unwrap();
        match self {
            Call::Matmul => kernels::matmul::matmul(a, b, c, opts),
            Call::Gemm { alpha, beta } => kernels::matmul::gemm(alpha, a, b, beta, c, opts),
        }
        .unwrap();
    }

    /// Whether C is an input too (`beta != 0`), not only an output.
    fn reads_c(self) -> bool {
        matches!(self, Call::Gemm { beta, .. } if beta != 0.0)
    }
}

/// One product `A (m x k) * B (k x n)` on guarded A, B and C against the same on `Vec`s; C's
/// padding must keep its fill.
fn gemm_case(isa: Isa, (m, k, n): (usize, usize, usize), layouts: [Layout; 3], call: Call) {
    let [la, lb, lc] = layouts;
    let mut rng = Rng::new((m * 1_000_003 + k * 1009 + n) as u64);
    let (a, b, c) = (rng.vec(m * k, -1.0, 1.0), rng.vec(k * n, -1.0, 1.0), rng.vec(m * n, -1.0, 1.0));
    let c_start = |fill: f32| if call.reads_c() { c.clone() } else { vec![fill; m * n] };
    for threads in THREADS {
        let opts = opts(isa, threads);
        let case = format!("{call:?} {isa} threads={threads} m={m} k={k} n={n} layouts {layouts:?}");
        let guarded = |guard| {
            let ga = GuardedBuf::from_slice(&store(la, m, k, &a, GUARDED_FILL), guard, &format!("{case}: a"));
            let gb = GuardedBuf::from_slice(&store(lb, k, n, &b, GUARDED_FILL), guard, &format!("{case}: b"));
            let c0 = store(lc, m, n, &c_start(GUARDED_FILL), GUARDED_FILL);
            let mut gc = GuardedBuf::from_slice(&c0, guard, &format!("{case}: c"));
            call.run(layouts, (m, k, n), &ga, &gb, &mut gc, &opts);
            vec![gc.to_vec()]
        };
        let plain = || {
            let (a_vec, b_vec) = (store(la, m, k, &a, VEC_FILL), store(lb, k, n, &b, VEC_FILL));
            let mut c_vec = store(lc, m, n, &c_start(VEC_FILL), VEC_FILL);
            call.run(layouts, (m, k, n), &a_vec, &b_vec, &mut c_vec, &opts);
            // The guarded C must hold these elements and its padding as it was.
            vec![store(lc, m, n, &load(lc, m, n, &c_vec), GUARDED_FILL)]
        };
        compare(&case, &["c"], guarded, plain);
    }
}

/// `matmul`: each dimension through every size (the other two odd) under all 36 layout
/// triples, then past NC = 1024 columns in both orientations and past 2^23 = m * n * k, where
/// two threads split C (`PARALLEL_MIN_MNK` in `arch/gemm_loop.rs`).
fn matmul(isa: Isa) {
    for layouts in layout_triples() {
        for s in SIZES {
            for shape in [(s, 17, 33), (33, s, 17), (17, 9, s)] {
                gemm_case(isa, shape, layouts, Call::Matmul);
            }
        }
    }
    let [row, transposed, padded_cols] = [Layout::RowMajor, Layout::Transposed, Layout::PaddedCols(5)];
    gemm_case(isa, (3, 5, 1025), [row, row, row], Call::Matmul);
    // A column-major C is computed as C^T = B^T A^T: 1025 columns again.
    gemm_case(isa, (1025, 5, 3), [row, row, transposed], Call::Matmul);
    gemm_case(isa, (257, 129, 257), [transposed, padded_cols, row], Call::Matmul);
}

/// `gemm` with three (alpha, beta) pairs (beta = 0: C never read; alpha = 0: C only scaled)
/// over every (m, k, n) from `SIZES` with at most one of them past 33, each on one of the 36
/// layout triples in turn; then past 2^23 = m * n * k with B packed, and with A and B read in
/// place (`m * k + k * n <= 32K` floats, `DIRECT_MAX_FLOATS`).
fn gemm(isa: Isa) {
    let calls = [
        Call::Gemm { alpha: 1.5, beta: 0.0 },
        Call::Gemm { alpha: -0.5, beta: 1.25 },
        Call::Gemm { alpha: 0.0, beta: 0.5 },
    ];
    let triples = layout_triples();
    let mut i = 0;
    for m in SIZES {
        for k in SIZES {
            for n in SIZES {
                if [m, k, n].iter().filter(|&&d| d > 33).count() > 1 {
                    continue;
                }
                gemm_case(isa, (m, k, n), triples[i % triples.len()], calls[i % calls.len()]);
                i += 1;
            }
        }
    }
    let [row, padded_rows, spread] = [Layout::RowMajor, Layout::PaddedRows(3), Layout::Spread];
    gemm_case(isa, (257, 129, 257), [row, padded_rows, spread], Call::Gemm { alpha: 1.5, beta: -0.75 });
    gemm_case(isa, (1025, 8, 1025), [row, row, row], Call::Gemm { alpha: 0.5, beta: 0.0 });
}

// ---------------------------------------------------------------------------------------------
// softmax, log_softmax and their backward passes

type ForwardFn = fn(&[f32], &mut [f32], usize, &Opts) -> Result<(), Error>;
type InPlaceFn = fn(&mut [f32], usize, &Opts) -> Result<(), Error>;
type BackwardFn = fn(&[f32], &[f32], &mut [f32], usize, &Opts) -> Result<(), Error>;

/// (rows, cols) for the row-wise ops: every pair of sizes, then more over `PAR_MIN_ELEMENTS` =
/// 2^15 elements (`rows.rs`), where two threads split the rows (as 257 x 257 already does),
/// over many chunks of at most 64 rows (the norms' backward passes, `norm.rs`), and past
/// 4 MiB, where outputs are written with streaming stores (`generic::stream`), in rows of
/// every alignment.
fn row_shapes() -> Vec<(usize, usize)> {
    let mut shapes: Vec<_> = SIZES.iter().flat_map(|&r| SIZES.iter().map(move |&c| (r, c))).collect();
    shapes.extend([(33, 1025), (2, 16_400), (32_769, 1), (65, 16_131)]);
    shapes
}

/// Logits in [-8, 8) with some -inf (masked) among them.
fn logits(rows: usize, cols: usize) -> Vec<f32> {
    let mut rng = Rng::new((rows * 100_003 + cols) as u64);
    (0..rows * cols)
        .map(|_| if rng.next_u64().is_multiple_of(11) { f32::NEG_INFINITY } else { rng.uniform(-8.0, 8.0) })
        .collect()
}

/// What an output buffer starts as: `Fresh(len)` holds the fill of its kind of buffer (so that
/// an element left unwritten shows), `Input(values)` an in-place entry's input.
enum Out {
    Fresh(usize),
    Input(Vec<f32>),
}

/// Runs `call` (on its inputs and outputs, in the order the entry takes them, and `cols`) over
/// every row shape with guarded inputs and outputs: `inputs` builds the named inputs of a
/// shape, `outputs` names the outputs and what they start as.
fn row_sweep(
    isa: Isa,
    entry: &str,
    inputs: impl Fn(usize, usize) -> Vec<(&'static str, Vec<f32>)>,
    outputs: impl Fn(usize, usize) -> Vec<(&'static str, Out)>,
    call: impl Fn(&[&[f32]], &mut [&mut [f32]], usize, &Opts) -> Result<(), Error>,
) {
    for (rows, cols) in row_shapes() {
        // Without columns there are no rows: x is empty whatever `rows` says.
        let rows = if cols == 0 { 0 } else { rows };
        let (ins, outs) = (inputs(rows, cols), outputs(rows, cols));
        let names: Vec<&str> = outs.iter().map(|o| o.0).collect();
        for threads in THREADS {
            let opts = opts(isa, threads);
            let case = format!("{entry} {isa} threads={threads} rows={rows} cols={cols}");
            let guarded = |guard| {
                let label = |name: &str| format!("{case}: {name}");
                let ins: Vec<GuardedBuf> =
                    ins.iter().map(|(n, v)| GuardedBuf::from_slice(v, guard, &label(n))).collect();
                let mut outs: Vec<GuardedBuf> = outs
                    .iter()
                    .map(|(n, start)| match start {
                        Out::Fresh(len) => GuardedBuf::filled(*len, GUARDED_FILL, guard, &label(n)),
                        Out::Input(values) => GuardedBuf::from_slice(values, guard, &label(n)),
                    })
                    .collect();
                let ins: Vec<&[f32]> = ins.iter().map(|b| &b[..]).collect();
                let mut out_slices: Vec<&mut [f32]> = outs.iter_mut().map(|b| &mut b[..]).collect();
                call(&ins, &mut out_slices, cols, &opts).unwrap();
                outs.iter().map(|b| b.to_vec()).collect()
            };
            let plain = || {
                let mut outs: Vec<Vec<f32>> = outs
                    .iter()
                    .map(|(_, start)| match start {
                        Out::Fresh(len) => vec![VEC_FILL; *len],
                        Out::Input(values) => values.clone(),
                    })
                    .collect();
                let ins: Vec<&[f32]> = ins.iter().map(|(_, v)| &v[..]).collect();
                let mut out_slices: Vec<&mut [f32]> = outs.iter_mut().map(|v| &mut v[..]).collect();
                call(&ins, &mut out_slices, cols, &opts).unwrap();
                outs
            };
            compare(&case, &names, guarded, plain);
        }
    }
}

fn forward_sweep(isa: Isa, name: &str, f: ForwardFn) {
    let inputs = |rows, cols| vec![("x", logits(rows, cols))];
    let outputs = |rows, cols| vec![("y", Out::Fresh(rows * cols))];
    row_sweep(isa, name, inputs, outputs, |i, o, cols, opts| f(i[0], o[0], cols, opts));
}

fn in_place_sweep(isa: Isa, name: &str, f: InPlaceFn) {
    let outputs = |rows, cols| vec![("xy", Out::Input(logits(rows, cols)))];
    row_sweep(isa, name, |_, _| Vec::new(), outputs, |_, o, cols, opts| f(o[0], cols, opts));
}

/// `f` on the output of `forward` (so a log-softmax gradient sees -inf where it should) and an
/// upstream gradient in [-1, 1).
fn backward_sweep(isa: Isa, name: &str, forward: ForwardFn, f: BackwardFn) {
    let inputs = |rows, cols| {
        let mut y = vec![0.0; rows * cols];
        forward(&logits(rows, cols), &mut y, cols, &Opts::single(isa)).unwrap();
        let dy = Rng::new((rows * 7 + cols) as u64).vec(y.len(), -1.0, 1.0);
        vec![("y", y), ("dy", dy)]
    };
    let outputs = |rows, cols| vec![("dx", Out::Fresh(rows * cols))];
    row_sweep(isa, name, inputs, outputs, |i, o, cols, opts| f(i[0], i[1], o[0], cols, opts));
}

fn softmax(isa: Isa) {
    forward_sweep(isa, "softmax", kernels::softmax::softmax);
}

fn log_softmax(isa: Isa) {
    forward_sweep(isa, "log_softmax", kernels::softmax::log_softmax);
}

fn softmax_in_place(isa: Isa) {
    in_place_sweep(isa, "softmax_in_place", kernels::softmax::softmax_in_place);
}

fn log_softmax_in_place(isa: Isa) {
    in_place_sweep(isa, "log_softmax_in_place", kernels::softmax::log_softmax_in_place);
}

fn softmax_backward(isa: Isa) {
    backward_sweep(isa, "softmax_backward", kernels::softmax::softmax, kernels::softmax::softmax_backward);
}

fn log_softmax_backward(isa: Isa) {
    let (forward, backward): (ForwardFn, BackwardFn) =
        (kernels::softmax::log_softmax, kernels::softmax::log_softmax_backward);
    backward_sweep(isa, "log_softmax_backward", forward, backward);
}

// ---------------------------------------------------------------------------------------------
// layer norm, RMS norm and their backward passes

/// x with an offset, weight, bias, dy, and the statistics of the forward pass on one thread.
fn norm_inputs(rows: usize, cols: usize) -> Vec<(&'static str, Vec<f32>)> {
    let case = NormCase::random(Norm::Layer, rows, cols, 3.0, (rows * 1009 + cols) as u64);
    let out = norm_spec::forward(&case, &Opts::default()).unwrap();
    let rms = norm_spec::forward(&NormCase { bias: None, ..case.clone() }, &Opts::default()).unwrap();
    let (x, w, b, dy) = (case.x, case.weight, case.bias.expect("a layer norm case"), case.dy);
    vec![
        ("x", x),
        ("weight", w),
        ("bias", b),
        ("dy", dy),
        ("mean", out.mean),
        ("rstd", out.rstd),
        ("rms rstd", rms.rstd),
    ]
}

/// The named inputs of `entry`, in its order.
fn pick(all: Vec<(&'static str, Vec<f32>)>, names: &[&str]) -> Vec<(&'static str, Vec<f32>)> {
    names.iter().map(|n| all.iter().find(|(m, _)| m == n).cloned().expect("a known input")).collect()
}

fn layer_norm(isa: Isa) {
    let inputs = |r, c| pick(norm_inputs(r, c), &["x", "weight", "bias"]);
    let outputs = |r, c| vec![("y", Out::Fresh(r * c)), ("mean", Out::Fresh(r)), ("rstd", Out::Fresh(r))];
    row_sweep(isa, "layer_norm", inputs, outputs, |i, o, _, opts| {
        let [y, mean, rstd] = o else { unreachable!() };
        kernels::norm::layer_norm(i[0], i[1], i[2], 1e-5, y, mean, rstd, opts)
    });
}

fn rms_norm(isa: Isa) {
    let inputs = |r, c| pick(norm_inputs(r, c), &["x", "weight"]);
    let outputs = |r, c| vec![("y", Out::Fresh(r * c)), ("rstd", Out::Fresh(r))];
    row_sweep(isa, "rms_norm", inputs, outputs, |i, o, _, opts| {
        let [y, rstd] = o else { unreachable!() };
        kernels::norm::rms_norm(i[0], i[1], 1e-5, y, rstd, opts)
    });
}

fn layer_norm_backward(isa: Isa) {
    let inputs = |r, c| pick(norm_inputs(r, c), &["x", "weight", "mean", "rstd", "dy"]);
    let outputs =
        |r, c| vec![("dx", Out::Fresh(r * c)), ("dweight", Out::Fresh(c)), ("dbias", Out::Fresh(c))];
    row_sweep(isa, "layer_norm_backward", inputs, outputs, |i, o, _, opts| {
        let [dx, dw, db] = o else { unreachable!() };
        kernels::norm::layer_norm_backward(i[0], i[1], i[2], i[3], i[4], dx, dw, db, opts)
    });
}

fn rms_norm_backward(isa: Isa) {
    let inputs = |r, c| pick(norm_inputs(r, c), &["x", "weight", "rms rstd", "dy"]);
    let outputs = |r, c| vec![("dx", Out::Fresh(r * c)), ("dweight", Out::Fresh(c))];
    row_sweep(isa, "rms_norm_backward", inputs, outputs, |i, o, _, opts| {
        let [dx, dw] = o else { unreachable!() };
        kernels::norm::rms_norm_backward(i[0], i[1], i[2], i[3], dx, dw, opts)
    });
}

// ---------------------------------------------------------------------------------------------
// cross-entropy

/// `cross_entropy` (losses) or its backward pass (dlogits) over every row shape (rows of
/// `classes`), with guarded logits, targets and outputs; some rows are ignored, and with the
/// ignore index past `classes` as often as inside.
fn cross_entropy_sweep(isa: Isa, backward: bool) {
    let entry = if backward { "cross_entropy_backward" } else { "cross_entropy" };
    for (rows, classes) in row_shapes() {
        let ignore = Some(if rows % 2 == 0 { classes as u32 } else { 0 });
        let case = CeCase::random(rows, classes, 8.0, ignore, (rows * 31 + classes) as u64);
        let out_len = if backward { case.logits.len() } else { rows };
        let run = |logits: &[f32], targets: &[u32], out: &mut [f32], opts: &Opts| {
            let c = &case;
            if backward {
                kernels::loss::cross_entropy_backward(
                    logits,
                    targets,
                    classes,
                    c.ignore_index,
                    0.5,
                    out,
                    opts,
                )
            } else {
                kernels::loss::cross_entropy(logits, targets, classes, c.ignore_index, out, opts).map(|_| ())
            }
        };
        for threads in THREADS {
            let opts = opts(isa, threads);
            let label = format!("{entry} {isa} threads={threads} rows={rows} classes={classes}");
            let guarded = |guard| {
                let logits = GuardedBuf::from_slice(&case.logits, guard, &format!("{label}: logits"));
                let targets = GuardedBuf::from_u32s(&case.targets, guard, &format!("{label}: targets"));
                let mut out = GuardedBuf::filled(out_len, GUARDED_FILL, guard, &format!("{label}: out"));
                run(&logits, targets.as_u32s(), &mut out, &opts).unwrap();
                vec![out.to_vec()]
            };
            let plain = || {
                let mut out = vec![VEC_FILL; out_len];
                run(&case.logits, &case.targets, &mut out, &opts).unwrap();
                vec![out]
            };
            compare(&label, &["out"], guarded, plain);
        }
    }
}

fn cross_entropy(isa: Isa) {
    cross_entropy_sweep(isa, false);
}

fn cross_entropy_backward(isa: Isa) {
    cross_entropy_sweep(isa, true);
}

// ---------------------------------------------------------------------------------------------
// exp

/// `math::exp` over every size, 1000, and from 4 * 2^14 elements on, where two threads take
/// chunks of 2^14 (`PAR_CHUNK` in `elementwise.rs`; the last 17 elements form a chunk of their
/// own).
/// Inputs span overflow and underflow, with inf, -inf and NaN among them.
fn exp(isa: Isa) {
    for n in SIZES.into_iter().chain([1000, 65_536, 65_553]) {
        let mut rng = Rng::new(n as u64);
        let specials = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
        let x: Vec<f32> =
            (0..n).map(|i| if i % 13 == 5 { specials[i % 3] } else { rng.uniform(-100.0, 100.0) }).collect();
        for threads in THREADS {
            let opts = opts(isa, threads);
            let case = format!("exp {isa} threads={threads} n={n}");
            let guarded = |guard| {
                let gx = GuardedBuf::from_slice(&x, guard, &format!("{case}: x"));
                let mut gy = GuardedBuf::filled(n, GUARDED_FILL, guard, &format!("{case}: y"));
                kernels::math::exp(&gx, &mut gy, &opts).unwrap();
                vec![gy.to_vec()]
            };
            let plain = || {
                let mut y = vec![VEC_FILL; n];
                kernels::math::exp(&x, &mut y, &opts).unwrap();
                vec![y]
            };
            compare(&case, &["y"], guarded, plain);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// activations

/// Every activation pass over every size, 1000, from 4 * 2^14 elements on, where two threads
/// take chunks of 2^14 (`PAR_CHUNK` in `elementwise.rs`), and past 2^20, where outputs of
/// 4 MiB are written with streaming stores (`generic::stream`), with inputs spanning the tails
/// and NaN and infinities among them.
fn activations(isa: Isa) {
    for pass in kernels::reference::activation::Pass::ALL {
        for n in SIZES.into_iter().chain([1000, 65_536, 65_553, (1 << 20) + 3]) {
            let specials = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
            let inputs: Vec<Vec<f32>> = (0..pass.inputs())
                .map(|j| {
                    let mut rng = Rng::new((n * 10 + j) as u64);
                    (0..n)
                        .map(|i| if i % 17 == 5 { specials[i % 3] } else { rng.uniform(-20.0, 20.0) })
                        .collect()
                })
                .collect();
            let names = ["y0", "y1"];
            for threads in THREADS {
                let opts = opts(isa, threads);
                let case = format!("{} {isa} threads={threads} n={n}", pass.name());
                let guarded = |guard| {
                    let x: Vec<GuardedBuf> = inputs
                        .iter()
                        .enumerate()
                        .map(|(j, v)| GuardedBuf::from_slice(v, guard, &format!("{case}: input {j}")))
                        .collect();
                    let mut y: Vec<GuardedBuf> = (0..pass.outputs())
                        .map(|j| GuardedBuf::filled(n, GUARDED_FILL, guard, &format!("{case}: output {j}")))
                        .collect();
                    let x: Vec<&[f32]> = x.iter().map(|b| &b[..]).collect();
                    let mut y_slices: Vec<&mut [f32]> = y.iter_mut().map(|b| &mut b[..]).collect();
                    pass.run(&x, &mut y_slices, &opts).unwrap();
                    y.iter().map(|b| b.to_vec()).collect()
                };
                let plain = || {
                    let mut y = vec![vec![VEC_FILL; n]; pass.outputs()];
                    let x: Vec<&[f32]> = inputs.iter().map(|v| &v[..]).collect();
                    let mut y_slices: Vec<&mut [f32]> = y.iter_mut().map(|v| &mut v[..]).collect();
                    pass.run(&x, &mut y_slices, &opts).unwrap();
                    y
                };
                compare(&case, &names[..pass.outputs()], guarded, plain);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// embedding

/// (vocab, dim, tokens): every row width with 0, 1, 9 and 33 tokens (ids repeating), then past
/// `PAR_MIN_ELEMENTS` = 2^15 (`embedding.rs`), where two threads split the tokens forward and
/// the rows backward, and past 4 MiB of output.
fn embedding_shapes() -> Vec<(usize, usize, usize)> {
    let mut shapes: Vec<_> = SIZES
        .into_iter()
        .filter(|&dim| dim > 0)
        .flat_map(|dim| [(5, dim, 0), (5, dim, 1), (5, dim, 9), (40, dim, 33)])
        .collect();
    shapes.extend([(700, 65, 600), (3, 4100, 9), (1200, 1031, 1100)]);
    shapes
}

fn embedding_case(vocab: usize, dim: usize, tokens: usize) -> (Vec<f32>, Vec<u32>, Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new((vocab * 1009 + dim * 31 + tokens) as u64);
    let ids = (0..tokens).map(|_| rng.below(vocab as u64) as u32).collect();
    (rng.vec(vocab * dim, -1.0, 1.0), ids, rng.vec(tokens * dim, -1.0, 1.0), rng.vec(vocab * dim, -1.0, 1.0))
}

/// `embedding` with guarded table, ids and out.
fn embedding(isa: Isa) {
    for (vocab, dim, tokens) in embedding_shapes() {
        let (table, ids, _, _) = embedding_case(vocab, dim, tokens);
        for threads in THREADS {
            let opts = opts(isa, threads);
            let case = format!("embedding {isa} threads={threads} vocab={vocab} dim={dim} tokens={tokens}");
            let guarded = |guard| {
                let gtable = GuardedBuf::from_slice(&table, guard, &format!("{case}: table"));
                let gids = GuardedBuf::from_u32s(&ids, guard, &format!("{case}: ids"));
                let mut gout = GuardedBuf::filled(tokens * dim, GUARDED_FILL, guard, &format!("{case}: out"));
                kernels::embedding::embedding(&gtable, dim, gids.as_u32s(), &mut gout, &opts).unwrap();
                vec![gout.to_vec()]
            };
            let plain = || {
                let mut out = vec![VEC_FILL; tokens * dim];
                kernels::embedding::embedding(&table, dim, &ids, &mut out, &opts).unwrap();
                vec![out]
            };
            compare(&case, &["out"], guarded, plain);
        }
    }
}

/// `embedding_backward` with guarded ids, dout and dtable (which it adds into).
fn embedding_backward(isa: Isa) {
    for (vocab, dim, tokens) in embedding_shapes() {
        let (_, ids, dout, dtable) = embedding_case(vocab, dim, tokens);
        for threads in THREADS {
            let opts = opts(isa, threads);
            let case =
                format!("embedding_backward {isa} threads={threads} vocab={vocab} dim={dim} tokens={tokens}");
            let guarded = |guard| {
                let gids = GuardedBuf::from_u32s(&ids, guard, &format!("{case}: ids"));
                let gdout = GuardedBuf::from_slice(&dout, guard, &format!("{case}: dout"));
                let mut gdtable = GuardedBuf::from_slice(&dtable, guard, &format!("{case}: dtable"));
                kernels::embedding::embedding_backward(gids.as_u32s(), &gdout, dim, &mut gdtable, &opts)
                    .unwrap();
                vec![gdtable.to_vec()]
            };
            let plain = || {
                let mut d = dtable.clone();
                kernels::embedding::embedding_backward(&ids, &dout, dim, &mut d, &opts).unwrap();
                vec![d]
            };
            compare(&case, &["dtable"], guarded, plain);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// rope

/// `rope` and `rope_backward` in place on guarded x and positions: every pair count
/// (head_dim = 2 * pairs) with 1 and 3 heads and 0, 1 and 7 tokens, then past
/// `PAR_MIN_ELEMENTS` = 2^15 (`rope.rs`), where two threads split the tokens.
fn rope(isa: Isa) {
    let mut shapes: Vec<(usize, usize, usize)> = SIZES
        .into_iter()
        .flat_map(|pairs| [(0, 1, 2 * pairs), (1, 3, 2 * pairs), (7, 1, 2 * pairs)])
        .collect();
    shapes.extend([(300, 2, 66), (2, 1, 20_000)]);
    for (tokens, heads, head_dim) in shapes {
        let mut rng = Rng::new((tokens * 1000 + heads * 100 + head_dim) as u64);
        let positions: Vec<u32> = (0..tokens).map(|_| rng.below(1 << 20) as u32).collect();
        let x = rng.vec(tokens * heads * head_dim, -2.0, 2.0);
        type Turn = fn(&mut [f32], usize, usize, &[u32], f32, &Opts) -> Result<(), Error>;
        let turns: [(&str, Turn); 2] =
            [("rope", kernels::rope::rope), ("rope_backward", kernels::rope::rope_backward)];
        for (name, turn) in turns {
            for threads in THREADS {
                let opts = opts(isa, threads);
                let case = format!(
                    "{name} {isa} threads={threads} tokens={tokens} heads={heads} head_dim={head_dim}"
                );
                let guarded = |guard| {
                    let gpositions = GuardedBuf::from_u32s(&positions, guard, &format!("{case}: positions"));
                    let mut gx = GuardedBuf::from_slice(&x, guard, &format!("{case}: x"));
                    turn(&mut gx, heads, head_dim, gpositions.as_u32s(), 10_000.0, &opts).unwrap();
                    vec![gx.to_vec()]
                };
                let plain = || {
                    let mut y = x.clone();
                    turn(&mut y, heads, head_dim, &positions, 10_000.0, &opts).unwrap();
                    vec![y]
                };
                compare(&case, &["x"], guarded, plain);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// attention

/// (batch, heads, kv_heads): multi-head, grouped-query and multi-query.
const HEAD_LAYOUTS: [(usize, usize, usize); 3] = [(1, 2, 2), (2, 4, 2), (1, 3, 1)];

#[derive(Clone, Copy, Debug, PartialEq)]
enum MaskKind {
    None,
    Shared,
    PerBatch,
}

/// One attention problem with its inputs.
struct AttnCase {
    shape: Shape,
    causal: bool,
    mask_kind: MaskKind,
    mask: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    dout: Vec<f32>,
    /// Lengths of q (and out, dout, dq), k (and v, dk, dv) and lse: all 0 when any dimension
    /// is, as the entry points require.
    lens: (usize, usize, usize),
}

impl AttnCase {
    fn new(shape: Shape, causal: bool, mask_kind: MaskKind) -> Self {
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = shape;
        let dims = [batch, heads, kv_heads, q_len, kv_len, head_dim];
        let lens = if dims.contains(&0) {
            (0, 0, 0)
        } else {
            (batch * heads * q_len * head_dim, batch * kv_heads * kv_len * head_dim, batch * heads * q_len)
        };
        let mut rng =
            Rng::new(dims.iter().fold(mask_kind as u64 * 2 + u64::from(causal), |h, &d| h * 131 + d as u64));
        let mask_len = match mask_kind {
            MaskKind::None => 0,
            MaskKind::Shared => q_len * kv_len,
            MaskKind::PerBatch => batch * q_len * kv_len,
        };
        let mask = (0..mask_len)
            .map(|_| match rng.next_u64() % 4 {
                0 => f32::NEG_INFINITY,
                1 => rng.uniform(-3.0, 3.0),
                _ => 0.0,
            })
            .collect();
        AttnCase {
            shape,
            causal,
            mask_kind,
            mask,
            q: rng.vec(lens.0, -2.0, 2.0),
            k: rng.vec(lens.1, -1.0, 1.0),
            v: rng.vec(lens.1, -1.0, 1.0),
            dout: rng.vec(lens.0, -1.0, 1.0),
            lens,
        }
    }

    fn attention<'a>(&self, mask: &'a [f32]) -> Attention<'a> {
        let mask = match self.mask_kind {
            MaskKind::None => None,
            MaskKind::Shared => Some(Mask::Shared(mask)),
            MaskKind::PerBatch => Some(Mask::PerBatch(mask)),
        };
        Attention::new(self.shape, Params { causal: self.causal, scale: None, mask }).unwrap()
    }

    /// q, k, v and the mask in buffers guarded on side `guard`, named after `label`.
    fn guarded_inputs(&self, guard: Guard, label: &str) -> [GuardedBuf; 4] {
        let guarded = |x: &[f32], name| GuardedBuf::from_slice(x, guard, &format!("{label}: {name}"));
        [guarded(&self.q, "q"), guarded(&self.k, "k"), guarded(&self.v, "v"), guarded(&self.mask, "mask")]
    }

    fn label(&self, entry: &str, isa: Isa, threads: usize) -> String {
        let Shape { batch, heads, kv_heads, q_len, kv_len, head_dim } = self.shape;
        format!(
            "{entry} {isa} threads={threads} batch={batch} heads={heads} kv_heads={kv_heads} \
             q_len={q_len} kv_len={kv_len} head_dim={head_dim} causal={} mask={:?}",
            self.causal, self.mask_kind
        )
    }
}

/// Each of q_len, kv_len and head_dim through every size (the others fixed) and decoding
/// (q_len = 1) through every kv_len, each under the three head layouts, causal or not, and
/// without a mask, with a shared one or with one per batch in turn (so each size meets each
/// kind of mask twice); decoding past one run of `DECODE_BLOCK_FLOATS` = 2^17 floats of keys
/// (`arch/attention_loop.rs`: 2016 keys at head_dim 65, 510 at 257); then an empty batch and a
/// problem without heads. Two threads split every problem forward (several heads each) and
/// those with several (batch, kv head) pairs backward.
fn attention_cases() -> Vec<AttnCase> {
    let masks = [MaskKind::None, MaskKind::Shared, MaskKind::PerBatch];
    let mut cases = Vec::new();
    for (i, s) in SIZES.into_iter().enumerate() {
        for (q_len, kv_len, head_dim) in [(s, 17, 16), (9, s, 8), (7, 33, s), (1, s, 33)] {
            for (h, (batch, heads, kv_heads)) in HEAD_LAYOUTS.into_iter().enumerate() {
                for causal in [false, true] {
                    let shape = Shape { batch, heads, kv_heads, q_len, kv_len, head_dim };
                    cases.push(AttnCase::new(shape, causal, masks[(i + h + usize::from(causal)) % 3]));
                }
            }
        }
    }
    let mha = |kv_len, head_dim| Shape { batch: 1, heads: 2, kv_heads: 2, q_len: 1, kv_len, head_dim };
    let mqa = |kv_len, head_dim| Shape { batch: 1, heads: 3, kv_heads: 1, q_len: 1, kv_len, head_dim };
    for (kv_len, head_dim) in [(2100, 65), (1031, 257)] {
        cases.push(AttnCase::new(mha(kv_len, head_dim), false, MaskKind::Shared));
        cases.push(AttnCase::new(mqa(kv_len, head_dim), true, MaskKind::PerBatch));
    }
    let empty_batch = Shape { batch: 0, heads: 2, kv_heads: 1, q_len: 9, kv_len: 17, head_dim: 16 };
    let no_heads = Shape { batch: 2, heads: 0, kv_heads: 0, q_len: 9, kv_len: 17, head_dim: 16 };
    cases.push(AttnCase::new(empty_batch, true, MaskKind::PerBatch));
    cases.push(AttnCase::new(no_heads, false, MaskKind::Shared));
    cases
}

/// `Attention::forward` with guarded q, k, v, mask, out and lse.
fn attention_forward(isa: Isa) {
    for case in attention_cases() {
        let (q_n, _, lse_n) = case.lens;
        for threads in THREADS {
            let opts = opts(isa, threads);
            let label = case.label("Attention::forward", isa, threads);
            let guarded = |guard| {
                let [gq, gk, gv, gmask] = case.guarded_inputs(guard, &label);
                let mut gout = GuardedBuf::filled(q_n, GUARDED_FILL, guard, &format!("{label}: out"));
                let mut glse = GuardedBuf::filled(lse_n, GUARDED_FILL, guard, &format!("{label}: lse"));
                let qkv = Qkv { q: &gq, k: &gk, v: &gv };
                case.attention(&gmask).forward(qkv, &mut gout, &mut glse, &opts).unwrap();
                vec![gout.to_vec(), glse.to_vec()]
            };
            let plain = || {
                let (mut out, mut lse) = (vec![VEC_FILL; q_n], vec![VEC_FILL; lse_n]);
                let qkv = Qkv { q: &case.q, k: &case.k, v: &case.v };
                case.attention(&case.mask).forward(qkv, &mut out, &mut lse, &opts).unwrap();
                vec![out, lse]
            };
            compare(&label, &["out", "lse"], guarded, plain);
        }
    }
}

/// `Attention::backward` with guarded q, k, v, mask, out, lse, dout, dq, dk and dv, from the
/// forward pass of the same inputs.
fn attention_backward(isa: Isa) {
    for case in attention_cases() {
        let (q_n, kv_n, lse_n) = case.lens;
        let qkv = Qkv { q: &case.q, k: &case.k, v: &case.v };
        let attn = case.attention(&case.mask);
        let (mut out, mut lse) = (vec![0.0; q_n], vec![0.0; lse_n]);
        attn.forward(qkv, &mut out, &mut lse, &Opts::single(isa)).unwrap();
        for threads in THREADS {
            let opts = opts(isa, threads);
            let label = case.label("Attention::backward", isa, threads);
            let guarded = |guard| {
                let [gq, gk, gv, gmask] = case.guarded_inputs(guard, &label);
                let guarded = |x: &[f32], name| GuardedBuf::from_slice(x, guard, &format!("{label}: {name}"));
                let (gout, glse, gdout) =
                    (guarded(&out, "out"), guarded(&lse, "lse"), guarded(&case.dout, "dout"));
                let poisoned =
                    |len, name| GuardedBuf::filled(len, GUARDED_FILL, guard, &format!("{label}: {name}"));
                let (mut gdq, mut gdk, mut gdv) =
                    (poisoned(q_n, "dq"), poisoned(kv_n, "dk"), poisoned(kv_n, "dv"));
                let grads = Grads { dq: &mut gdq, dk: &mut gdk, dv: &mut gdv };
                let qkv = Qkv { q: &gq, k: &gk, v: &gv };
                case.attention(&gmask).backward(qkv, &gout, &glse, &gdout, grads, &opts).unwrap();
                vec![gdq.to_vec(), gdk.to_vec(), gdv.to_vec()]
            };
            let plain = || {
                let (mut dq, mut dk, mut dv) =
                    (vec![VEC_FILL; q_n], vec![VEC_FILL; kv_n], vec![VEC_FILL; kv_n]);
                let grads = Grads { dq: &mut dq, dk: &mut dk, dv: &mut dv };
                attn.backward(qkv, &out, &lse, &case.dout, grads, &opts).unwrap();
                vec![dq, dk, dv]
            };
            compare(&label, &["dq", "dk", "dv"], guarded, plain);
        }
    }
}

test_each_isa!(
    matmul,
    gemm,
    softmax,
    softmax_in_place,
    log_softmax,
    log_softmax_in_place,
    softmax_backward,
    log_softmax_backward,
    exp,
    activations,
    embedding,
    embedding_backward,
    rope,
    attention_forward,
    attention_backward,
    layer_norm,
    rms_norm,
    layer_norm_backward,
    rms_norm_backward,
    cross_entropy,
    cross_entropy_backward,
);

// ---------------------------------------------------------------------------------------------
// the guard pages themselves

/// Names the side a child process of [`touching_a_guard_page_kills_the_process`] reads past.
const TOUCH: &str = "GUARD_PAGES_TOUCH";

/// The guard pages fault for real: a child process that reads one f32 past the last element
/// (or before the first) of a guarded buffer dies of SIGSEGV, after naming the buffer.
#[test]
fn touching_a_guard_page_kills_the_process() {
    use std::os::unix::process::ExitStatusExt;
    for guard in Guard::BOTH {
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["touch_guard_page", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(TOUCH, format!("{guard:?}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&child.stderr);
        assert_eq!(child.status.signal(), Some(libc::SIGSEGV), "guard {guard}: {}\n{stderr}", child.status);
        let report = format!("guard page {guard} of `probe`");
        assert!(stderr.contains(&report), "guard {guard}: no `{report}` in stderr:\n{stderr}");
    }
}

/// The child of [`touching_a_guard_page_kills_the_process`]; does nothing unless [`TOUCH`] is set.
#[test]
#[ignore = "runs in a child process of touching_a_guard_page_kills_the_process"]
fn touch_guard_page() {
    let guard = match std::env::var(TOUCH).as_deref() {
        Ok("After") => Guard::After,
        Ok("Before") => Guard::Before,
        _ => return,
    };
    // No core file for a crash that is meant to happen.
    let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: setrlimit only reads the live `no_core`; lowering a limit needs no privilege.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &no_core) };
    let buf = GuardedBuf::from_slice(&[1.0; 7], guard, "probe");
    let x = buf.read_guard_page();
    panic!("read {x} from the guard page {guard} without a fault");
}
