//! Element-wise maps over slices, written once over [`Vector`]: an op supplies what it does
//! to one vector ([`Unary`]) and [`map`] runs it over full vectors and one masked tail.

use super::vector::Vector;
use crate::arch::{Kernel, Task};

/// What an element-wise op does to one vector of inputs. `apply` must be `#[inline(always)]`
/// so that it compiles inside the ISA's entry; tail lanes past the end hold `TAIL_FILL`.
pub(crate) trait Unary: Copy {
    /// The value the lanes past the end of a tail are loaded as (their results are dropped).
    const TAIL_FILL: f32 = 0.0;
    fn apply<K: Vector>(self, k: K, x: K::V) -> K::V;
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

/// `y[i] = op(x[i])` for every `i`: the task an element-wise entry point dispatches for each
/// chunk of its slices.
#[derive(Debug)]
pub(crate) struct Map<'a, U> {
    pub op: U,
    pub x: &'a [f32],
    pub y: &'a mut [f32],
}

impl<U: Unary> Task for Map<'_, U> {
    type Output = ();

    #[inline(always)]
    fn run<K: Kernel>(self, k: K) {
        map(k, self.op, self.x, self.y)
    }
}

/// `y[i] = op(x[i])`: full vectors, then one tail vector.
///
/// # Panics
/// If `x` and `y` differ in length (the entry points check that first).
#[inline(always)]
pub(crate) fn map<K: Vector, U: Unary>(k: K, op: U, x: &[f32], y: &mut [f32]) {
    assert_eq!(x.len(), y.len(), "map: the entry point checks equal lengths");
    let (n, lanes) = (x.len(), K::LANES);
    let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
    let mut i = 0;
    // SAFETY: CPU feature: `k` is the proof. Bounds: full vectors end at i + LANES <= n, the
    // tail covers the last n - i < LANES elements of both slices, masked.
    unsafe {
        while i + lanes <= n {
            k.store(yp.add(i), op.apply(k, k.load(xp.add(i))));
            i += lanes;
        }
        if i < n {
            let v = op.apply(k, k.load_tail(xp.add(i), n - i, k.splat(U::TAIL_FILL)));
            k.store_tail(yp.add(i), n - i, v);
        }
    }
}
