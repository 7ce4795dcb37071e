//! Rotary position embedding, written once over [`Vector`]: per token, the angles
//! `position * inv_freq[i]` are formed and reduced modulo 2 pi in f64, their sines and cosines
//! taken in f32 (`trig`) once for all heads, and every head's pairs (i, i + head_dim/2)
//! rotated in place. [`Rope`] is the task the entry point dispatches for each run of tokens.

use super::elementwise::map;
use super::trig::SinCos;
use super::vector::Vector;

/// Rotates `x` (tokens of `heads` rows of `2 * inv_freq.len()`) in place by the angles of
/// `positions`, or by their negatives (`inverse`, the gradient's transpose rotation).
#[derive(Debug)]
pub(crate) struct Rope<'a> {
    pub x: &'a mut [f32],
    pub positions: &'a [u32],
    pub heads: usize,
    /// `theta^(-2i/head_dim)` for each pair i.
    pub inv_freq: &'a [f64],
    pub inverse: bool,
}

task!(Rope<'_> => (), |task, k| rope(k, task));

/// 1.5 * 2^52: adding it rounds an f64 below 2^51 in magnitude to an integer.
const ROUND_MAGIC_F64: f64 = 6_755_399_441_055_744.0;

/// `position * inv_freq[i]` reduced to [-pi, pi] in f64 (negated when `inverse`), then
/// rounded to f32. The product and the reduction each lose at most 2^-53 of the product, so
/// the angle is within 2^-52 |position * inv_freq| (1e-9 at positions below 10^7) before its
/// final rounding, where an f32 product would drift by 2^-24 of it.
#[inline(always)]
fn reduced_angles(position: u32, inv_freq: &[f64], inverse: bool, angles: &mut [f32]) {
    let (p, sign) = (f64::from(position), if inverse { -1.0 } else { 1.0 });
    for (angle, &f) in angles.iter_mut().zip(inv_freq) {
        let a = p * f;
        let turns = (a * (1.0 / std::f64::consts::TAU) + ROUND_MAGIC_F64) - ROUND_MAGIC_F64;
        *angle = (sign * (a - turns * std::f64::consts::TAU)) as f32;
    }
}

#[inline(always)]
fn rope<K: Vector>(k: K, task: Rope<'_>) {
    let Rope { x, positions, heads, inv_freq, inverse } = task;
    let half = inv_freq.len();
    let row = 2 * half;
    assert_eq!(x.len(), positions.len() * heads * row, "rope: the entry point checks the length");
    let (mut angles, mut sin, mut cos) = (vec![0.0f32; half], vec![0.0f32; half], vec![0.0f32; half]);
    for (&position, token) in positions.iter().zip(x.chunks_exact_mut((heads * row).max(1))) {
        reduced_angles(position, inv_freq, inverse, &mut angles);
        map(k, SinCos, [&angles], [&mut sin, &mut cos], false);
        for head in token.chunks_exact_mut(row) {
            rotate(k, head, &sin, &cos);
        }
    }
}

/// `(x1, x2) <- (x1 cos - x2 sin, x2 cos + x1 sin)` for the pairs (i, i + half) of one head.
///
/// # Panics
/// Unless `head` holds `2 * half` elements and `sin`, `cos` `half` each.
#[inline(always)]
fn rotate<K: Vector>(k: K, head: &mut [f32], sin: &[f32], cos: &[f32]) {
    let half = sin.len();
    assert!(head.len() == 2 * half && cos.len() == half, "rope: rows of one length");
    let (x1, x2) = (head.as_mut_ptr(), head[half..].as_mut_ptr());
    let (s, c) = (sin.as_ptr(), cos.as_ptr());
    let zero = k.splat(0.0);
    let mut i = 0;
    // SAFETY: CPU feature: `k` is the proof. Bounds: x1 and x2 each have `half` elements
    // (the two halves of `head`), as do s and c; full vectors end at i + LANES <= half, the
    // tail covers the last half - i < LANES elements, masked.
    unsafe {
        while i + K::LANES <= half {
            let (a, b) = turn(k, k.load(x1.add(i)), k.load(x2.add(i)), k.load(s.add(i)), k.load(c.add(i)));
            k.store(x1.add(i), a);
            k.store(x2.add(i), b);
            i += K::LANES;
        }
        if i < half {
            let len = half - i;
            let (a, b) = (k.load_tail(x1.add(i), len, zero), k.load_tail(x2.add(i), len, zero));
            let (a, b) = turn(k, a, b, k.load_tail(s.add(i), len, zero), k.load_tail(c.add(i), len, zero));
            k.store_tail(x1.add(i), len, a);
            k.store_tail(x2.add(i), len, b);
        }
    }
}

/// One vector of pairs turned: `(a cos - b sin, b cos + a sin)`.
#[inline(always)]
fn turn<K: Vector>(k: K, a: K::V, b: K::V, sin: K::V, cos: K::V) -> (K::V, K::V) {
    (k.neg_mul_add(b, sin, k.mul(a, cos)), k.mul_add(a, sin, k.mul(b, cos)))
}
