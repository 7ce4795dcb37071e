//! Element-wise maps over slices, written once over [`Vector`]: an op supplies what it does
//! to one vector of each input ([`Pointwise`], or [`Unary`] for one input and one output) and
//! [`map`] runs it over full vectors and one masked tail.

use super::stream;
use super::vector::Vector;
use crate::arch::{Kernel, Task};

/// What an element-wise op with `I` inputs and `O` outputs does to one vector of each input.
/// `apply` must be `#[inline(always)]` so that it compiles inside the ISA's entry; tail lanes
/// past the end hold 0 (their results are dropped).
pub(crate) trait Pointwise<const I: usize, const O: usize>: Copy {
    fn apply<K: Vector>(self, k: K, x: [K::V; I]) -> [K::V; O];
}

/// A [`Pointwise`] op with one input and one output.
pub(crate) trait Unary: Copy {
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V;
}

impl<U: Unary> Pointwise<1, 1> for U {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, [x]: [K::V; 1]) -> [K::V; 1] {
        [Unary::apply(self, k, x)]
    }
}

/// e^x per element (`Vector::exp`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exp;

impl Unary for Exp {
    #[inline(always)]
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V {
        k.exp(x)
    }
}

/// `y[o][i] = op(x[0][i], ..)[o]` for every `i`: the task an element-wise entry point
/// dispatches for each chunk of its slices, all of one length. With `stream`, the outputs
/// are written around the caches (`generic::stream`), for calls whose outputs are too large
/// to stay in them.
#[derive(Debug)]
pub(crate) struct Map<'a, U, const I: usize = 1, const O: usize = 1> {
    pub op: U,
    pub x: [&'a [f32]; I],
    pub y: [&'a mut [f32]; O],
    pub stream: bool,
}

impl<'a, U, const I: usize, const O: usize> Map<'a, U, I, O> {
    /// The map of a whole call, streamed if its outputs are large.
    pub(crate) fn new(op: U, x: [&'a [f32]; I], y: [&'a mut [f32]; O]) -> Self {
        let stream = stream::wanted(y.iter().map(|y| y.len()).sum());
        Map { op, x, y, stream }
    }
}

impl<U: Pointwise<I, O>, const I: usize, const O: usize> Task for Map<'_, U, I, O> {
    type Output = ();

    #[inline(always)]
    fn run<K: Kernel>(self, k: K) {
        map(k, self.op, self.x, self.y, self.stream)
    }
}

/// `y = op(x)` lane by lane: full vectors, then one tail vector; with `stream`, a head vector
/// first, up to the first output's first aligned vector, and the full vectors of every output
/// so aligned streamed.
///
/// # Panics
/// If the slices differ in length (the entry points check that first).
#[inline(always)]
pub(crate) fn map<K: Vector, U: Pointwise<I, O>, const I: usize, const O: usize>(
    k: K,
    op: U,
    x: [&[f32]; I],
    mut y: [&mut [f32]; O],
    stream: bool,
) {
    let n = y.first().map_or_else(|| x.first().map_or(0, |x| x.len()), |y| y.len());
    let same = x.iter().all(|x| x.len() == n) && y.iter().all(|y| y.len() == n);
    assert!(same, "map: the entry point checks equal lengths");
    let xp: [*const f32; I] = x.map(<[f32]>::as_ptr);
    let mut yp = [std::ptr::null_mut::<f32>(); O];
    for (p, y) in yp.iter_mut().zip(&mut y) {
        *p = y.as_mut_ptr();
    }
    let lanes = K::LANES;
    let mut i = 0;
    let mut streamed = [false; O];
    if stream && let Some(&first) = yp.first() {
        i = stream::head::<K>(first).min(n);
        // SAFETY: CPU feature: `k` is the proof. Bounds: the head covers [0, i), i <= n.
        unsafe { partial(k, op, xp, yp, 0, i) };
        for (s, p) in streamed.iter_mut().zip(yp) {
            *s = stream::aligned::<K>(p.wrapping_add(i));
        }
    }
    let mut v = [k.splat(0.0); I];
    // The outputs are distinct `&mut` slices, so no store lands in an input or another output.
    // SAFETY: CPU feature: `k` is the proof. Bounds: every slice holds n elements, full vectors
    // end at i + LANES <= n, the last n - i < LANES are masked; streamed outputs are aligned.
    unsafe {
        while i + lanes <= n {
            for (v, p) in v.iter_mut().zip(xp) {
                *v = k.load(p.add(i));
            }
            for ((p, r), &s) in yp.iter().zip(op.apply(k, v)).zip(&streamed) {
                stream::store(k, p.add(i), s, r);
            }
            i += lanes;
        }
        partial(k, op, xp, yp, i, n - i);
    }
    if streamed.contains(&true) {
        k.stream_fence();
    }
}

/// `y = op(x)` on the `len < LANES` elements from `at`, masked (nothing for `len` 0).
///
/// # Safety
/// Every pointer valid for `at + len` elements.
#[inline(always)]
unsafe fn partial<K: Vector, U: Pointwise<I, O>, const I: usize, const O: usize>(
    k: K,
    op: U,
    xp: [*const f32; I],
    yp: [*mut f32; O],
    at: usize,
    len: usize,
) {
    if len == 0 {
        return;
    }
    let zero = k.splat(0.0);
    let mut v = [zero; I];
    // SAFETY: CPU feature: `k` is the proof. Bounds: the caller's; masked to len lanes.
    unsafe {
        for (v, p) in v.iter_mut().zip(xp) {
            *v = k.load_tail(p.add(at), len, zero);
        }
        for (p, r) in yp.iter().zip(op.apply(k, v)) {
            k.store_tail(p.add(at), len, r);
        }
    }
}
