//! The implementations of the memory-bound kernels at one shape (in the shape convention of
//! `bench::measure_attempt`): the naive version where there is one, then every ISA, forward
//! and backward. Each counts the elements of its output and the bytes it must move at least.

use std::hint::black_box;
use std::rc::Rc;

use kernels::activation::{self, Gelu};
use kernels::reference::{Rng, random_f32};
use kernels::{Isa, Opts, embedding, loss, math, naive, norm, rope, softmax};

use super::super::Kernel;
use super::rounds::Impl;

/// Every available ISA with its options.
fn isas(threads: usize) -> impl Iterator<Item = (Isa, Opts)> {
    Isa::available().into_iter().map(move |isa| (isa, Opts { isa: Some(isa), threads }))
}

/// The elements a call of `kernel` produces (or reads, for the loss) at `shape`.
pub fn elements(kernel: Kernel, shape: &[usize]) -> usize {
    match (kernel, shape) {
        (Kernel::Embedding, &[tokens, dim, _vocab]) => tokens * dim,
        _ => shape.iter().product(),
    }
}

/// A plain copy of `elements` f32: the roofline every memory-bound row is held against.
pub fn copy(elements: usize) -> Impl {
    let src = random_f32(elements, -1.0, 1.0, 9);
    let mut dst = vec![0.0f32; elements];
    let n = elements as f64;
    Impl::new("copy", n, 8.0 * n, move || black_box(&mut dst).copy_from_slice(black_box(&src)))
}

/// The implementations of memory-bound `kernel` at `shape`.
pub fn impls(kernel: Kernel, shape: &[usize], threads: usize) -> Vec<Impl> {
    match (kernel, shape) {
        (Kernel::Softmax, &[rows, cols]) => softmax_impls(rows, cols, threads),
        (Kernel::Exp, &[n]) => exp_impls(n, threads),
        (Kernel::Norm, &[rows, cols]) => norm_impls(rows, cols, threads),
        (Kernel::CrossEntropy, &[rows, classes]) => cross_entropy_impls(rows, classes, threads),
        (Kernel::Activation, &[n]) => activation_impls(n, threads),
        (Kernel::Embedding, &[tokens, dim, vocab]) => embedding_impls(tokens, dim, vocab, threads),
        (Kernel::Rope, &[tokens, heads, head_dim]) => rope_impls(tokens, heads, head_dim, threads),
        _ => unreachable!("{} is not measured at a shape of {} numbers", kernel.name(), shape.len()),
    }
}

fn softmax_impls(rows: usize, cols: usize, threads: usize) -> Vec<Impl> {
    let n = rows * cols;
    let x = Rc::new(random_f32(n, -8.0, 8.0, 3));
    let dy = Rc::new(random_f32(n, -1.0, 1.0, 4));
    let e = n as f64;
    let (x0, mut y0) = (x.clone(), vec![0.0; n]);
    let mut out = vec![Impl::new("naive three passes", e, 8.0 * e, move || {
        naive::softmax(&x0, &mut y0, cols).expect("whole rows")
    })];
    for (isa, opts) in isas(threads) {
        let (x0, mut y) = (x.clone(), vec![0.0; n]);
        out.push(Impl::new(isa.name(), e, 8.0 * e, move || {
            softmax::softmax(&x0, &mut y, cols, &opts).expect("valid")
        }));
        let mut y = vec![0.0; n];
        softmax::softmax(&x, &mut y, cols, &opts).expect("valid");
        let (dy, mut dx) = (dy.clone(), vec![0.0; n]);
        out.push(Impl::new(format!("{isa} backward"), e, 12.0 * e, move || {
            softmax::softmax_backward(&y, &dy, &mut dx, cols, &opts).expect("valid")
        }));
    }
    out
}

fn exp_impls(n: usize, threads: usize) -> Vec<Impl> {
    let x = Rc::new(random_f32(n, -80.0, 80.0, 4));
    let e = n as f64;
    let (x0, mut y0) = (x.clone(), vec![0.0; n]);
    let mut out = vec![Impl::new("f32::exp", e, 8.0 * e, move || naive::exp(&x0, &mut y0).expect("equal"))];
    for (isa, opts) in isas(threads) {
        let (x, mut y) = (x.clone(), vec![0.0; n]);
        out.push(Impl::new(isa.name(), e, 8.0 * e, move || math::exp(&x, &mut y, &opts).expect("valid")));
    }
    out
}

fn norm_impls(rows: usize, cols: usize, threads: usize) -> Vec<Impl> {
    let n = rows * cols;
    let e = n as f64;
    let (x, dy) = (Rc::new(random_f32(n, -2.0, 2.0, 1)), Rc::new(random_f32(n, -1.0, 1.0, 2)));
    let (w, b) = (Rc::new(random_f32(cols, 0.5, 1.5, 3)), Rc::new(random_f32(cols, -0.5, 0.5, 4)));
    let best = Opts::single(Isa::detect());
    let (mut mean, mut rstd, mut rms) = (vec![0.0; rows], vec![0.0; rows], vec![0.0; rows]);
    norm::layer_norm(&x, &w, &b, 1e-5, &mut vec![0.0; n], &mut mean, &mut rstd, &best).expect("valid");
    norm::rms_norm(&x, &w, 1e-5, &mut vec![0.0; n], &mut rms, &best).expect("valid");
    let (mean, rstd, rms) = (Rc::new(mean), Rc::new(rstd), Rc::new(rms));
    let mut out = Vec::new();
    let (x0, w0, b0, mut y) = (x.clone(), w.clone(), b.clone(), vec![0.0; n]);
    out.push(Impl::new("naive layer_norm", e, 8.0 * e, move || {
        naive::layer_norm(&x0, &w0, &b0, 1e-5, &mut y).expect("valid")
    }));
    let (x0, w0, mut y) = (x.clone(), w.clone(), vec![0.0; n]);
    out.push(Impl::new("naive rms_norm", e, 8.0 * e, move || {
        naive::rms_norm(&x0, &w0, 1e-5, &mut y).expect("valid")
    }));
    for (isa, opts) in isas(threads) {
        let (x0, w0, b0) = (x.clone(), w.clone(), b.clone());
        let (mut y, mut m, mut r) = (vec![0.0; n], vec![0.0; rows], vec![0.0; rows]);
        out.push(Impl::new(format!("{isa} layer_norm"), e, 8.0 * e, move || {
            norm::layer_norm(&x0, &w0, &b0, 1e-5, &mut y, &mut m, &mut r, &opts).expect("valid")
        }));
        let (x0, w0, dy0, m, r) = (x.clone(), w.clone(), dy.clone(), mean.clone(), rstd.clone());
        let (mut dx, mut dw, mut db) = (vec![0.0; n], vec![0.0; cols], vec![0.0; cols]);
        out.push(Impl::new(format!("{isa} layer_norm backward"), e, 12.0 * e, move || {
            norm::layer_norm_backward(&x0, &w0, &m, &r, &dy0, &mut dx, &mut dw, &mut db, &opts)
                .expect("valid")
        }));
        let (x0, w0, mut y, mut r) = (x.clone(), w.clone(), vec![0.0; n], vec![0.0; rows]);
        out.push(Impl::new(format!("{isa} rms_norm"), e, 8.0 * e, move || {
            norm::rms_norm(&x0, &w0, 1e-5, &mut y, &mut r, &opts).expect("valid")
        }));
        let (x0, w0, dy0, r) = (x.clone(), w.clone(), dy.clone(), rms.clone());
        let (mut dx, mut dw) = (vec![0.0; n], vec![0.0; cols]);
        out.push(Impl::new(format!("{isa} rms_norm backward"), e, 12.0 * e, move || {
            norm::rms_norm_backward(&x0, &w0, &r, &dy0, &mut dx, &mut dw, &opts).expect("valid")
        }));
    }
    out
}

fn cross_entropy_impls(rows: usize, classes: usize, threads: usize) -> Vec<Impl> {
    let n = rows * classes;
    let e = n as f64;
    let logits = Rc::new(random_f32(n, -8.0, 8.0, 5));
    let targets: Rc<Vec<u32>> = Rc::new((0..rows).map(|r| ((r * 7919) % classes) as u32).collect());
    let (l, t) = (logits.clone(), targets.clone());
    let mut out = vec![Impl::new("naive cross_entropy", e, 4.0 * e, move || {
        black_box(naive::cross_entropy(&l, &t, classes).expect("valid"));
    })];
    for (isa, opts) in isas(threads) {
        let (l, t, mut losses) = (logits.clone(), targets.clone(), vec![0.0f32; rows]);
        out.push(Impl::new(format!("{isa} cross_entropy"), e, 4.0 * e, move || {
            black_box(loss::cross_entropy(&l, &t, classes, None, &mut losses, &opts).expect("valid"));
        }));
        let (l, t, mut d) = (logits.clone(), targets.clone(), vec![0.0f32; n]);
        out.push(Impl::new(format!("{isa} cross_entropy backward"), e, 8.0 * e, move || {
            loss::cross_entropy_backward(&l, &t, classes, None, 1.0, &mut d, &opts).expect("valid")
        }));
    }
    out
}

/// GELU (both forms), SiLU and SwiGLU: x in [-6, 6), up in [-3, 3), dy in [-1, 1).
fn activation_impls(n: usize, threads: usize) -> Vec<Impl> {
    let e = n as f64;
    let x = Rc::new(random_f32(n, -6.0, 6.0, 1));
    let up = Rc::new(random_f32(n, -3.0, 3.0, 2));
    let dy = Rc::new(random_f32(n, -1.0, 1.0, 3));
    let mut out = Vec::new();
    for (isa, opts) in isas(threads) {
        for (name, approx) in [("gelu erf", Gelu::Erf), ("gelu tanh", Gelu::Tanh)] {
            let (x0, mut y) = (x.clone(), vec![0.0; n]);
            out.push(Impl::new(format!("{isa} {name}"), e, 8.0 * e, move || {
                activation::gelu(&x0, &mut y, approx, &opts).expect("valid")
            }));
            let (x0, dy0, mut dx) = (x.clone(), dy.clone(), vec![0.0; n]);
            out.push(Impl::new(format!("{isa} {name} backward"), e, 12.0 * e, move || {
                activation::gelu_backward(&x0, &dy0, &mut dx, approx, &opts).expect("valid")
            }));
        }
        let (x0, mut y) = (x.clone(), vec![0.0; n]);
        out.push(Impl::new(format!("{isa} silu"), e, 8.0 * e, move || {
            activation::silu(&x0, &mut y, &opts).expect("valid")
        }));
        let (x0, dy0, mut dx) = (x.clone(), dy.clone(), vec![0.0; n]);
        out.push(Impl::new(format!("{isa} silu backward"), e, 12.0 * e, move || {
            activation::silu_backward(&x0, &dy0, &mut dx, &opts).expect("valid")
        }));
        let (g, u, mut y) = (x.clone(), up.clone(), vec![0.0; n]);
        out.push(Impl::new(format!("{isa} swiglu"), e, 12.0 * e, move || {
            activation::swiglu(&g, &u, &mut y, &opts).expect("valid")
        }));
        let (g, u, dy0) = (x.clone(), up.clone(), dy.clone());
        let (mut dg, mut du) = (vec![0.0; n], vec![0.0; n]);
        out.push(Impl::new(format!("{isa} swiglu backward"), e, 20.0 * e, move || {
            activation::swiglu_backward(&g, &u, &dy0, &mut dg, &mut du, &opts).expect("valid")
        }));
    }
    out
}

/// `tokens` rows of `dim` gathered from a `vocab`-row table at random ids, and their gradient
/// added back (dout read, each touched row of dtable read and written).
fn embedding_impls(tokens: usize, dim: usize, vocab: usize, threads: usize) -> Vec<Impl> {
    let e = (tokens * dim) as f64;
    let mut rng = Rng::new(5);
    let ids: Rc<Vec<u32>> = Rc::new((0..tokens).map(|_| rng.below(vocab as u64) as u32).collect());
    let table = Rc::new(random_f32(vocab * dim, -1.0, 1.0, 6));
    let dout = Rc::new(random_f32(tokens * dim, -1.0, 1.0, 7));
    // One gradient table for every ISA (at 32000 rows it is 128 MiB), and one output: the
    // rounds keep no more in cache than a loop over one ISA alone would.
    let dtable = Rc::new(std::cell::RefCell::new(vec![0.0f32; vocab * dim]));
    let gathered = Rc::new(std::cell::RefCell::new(vec![0.0f32; tokens * dim]));
    let mut out = Vec::new();
    for (isa, opts) in isas(threads) {
        let (t, i, o) = (table.clone(), ids.clone(), gathered.clone());
        out.push(Impl::new(format!("{isa} embedding"), e, 8.0 * e, move || {
            embedding::embedding(&t, dim, &i, &mut o.borrow_mut(), &opts).expect("valid")
        }));
        let (i, d, dt) = (ids.clone(), dout.clone(), dtable.clone());
        out.push(Impl::new(format!("{isa} embedding backward"), e, 12.0 * e, move || {
            embedding::embedding_backward(&i, &d, dim, &mut dt.borrow_mut(), &opts).expect("valid")
        }));
    }
    out
}

/// `tokens` tokens at positions 0.., turned in place (theta 10000), and the gradient back.
fn rope_impls(tokens: usize, heads: usize, head_dim: usize, threads: usize) -> Vec<Impl> {
    let n = tokens * heads * head_dim;
    let e = n as f64;
    let positions: Rc<Vec<u32>> = Rc::new((0..tokens as u32).collect());
    let mut out = Vec::new();
    for (isa, opts) in isas(threads) {
        let (p, mut x) = (positions.clone(), random_f32(n, -1.0, 1.0, 8));
        out.push(Impl::new(format!("{isa} rope"), e, 8.0 * e, move || {
            rope::rope(&mut x, heads, head_dim, &p, 10_000.0, &opts).expect("valid")
        }));
        let (p, mut dx) = (positions.clone(), random_f32(n, -1.0, 1.0, 9));
        out.push(Impl::new(format!("{isa} rope backward"), e, 8.0 * e, move || {
            rope::rope_backward(&mut dx, heads, head_dim, &p, 10_000.0, &opts).expect("valid")
        }));
    }
    out
}
