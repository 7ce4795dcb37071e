//! Attention's work that is not a tile product, written once over [`Vector`]: the column
//! maxima and the masked exponentials of `S^T` (keys down, a lane per query across, so every
//! reduction over keys is a vertical vector operation), and for a single query (decoding),
//! where tiles would use one lane, its dot products with the keys, the max and exponentials of
//! its contiguous scores, and the weighted sum of the value rows.
//!
//! Full groups of `LANES` columns use plain loads and stores and only the last partial group a
//! tail (masked) access: on Sapphire Rapids masked accesses cost throughput even with every
//! lane enabled. Everything is `#[inline(always)]` into each ISA's entry.
//!
//! Each sweep checks that its arguments fit before it touches memory through raw pointers,
//! and panics if they do not: the attention loop never passes such arguments.

use super::vector::Vector;

/// Asserts that the `rows x cols` tile at the start of `st` (row stride `ld`) fits, with
/// `cols` entries of each per-column slice; `false` for an empty tile (nothing to do).
#[inline(always)]
fn fits(st_len: usize, rows: usize, cols: usize, ld: usize, per_column: &[usize]) -> bool {
    if rows == 0 || cols == 0 {
        return false;
    }
    assert!(
        ld >= cols && st_len >= (rows - 1) * ld + cols && per_column.iter().all(|&n| n >= cols),
        "a {rows}x{cols} tile (row stride {ld}) outside its {st_len} floats or per-column slices"
    );
    true
}

/// `st[j * ld + i] = e^(st[j * ld + i] - shift[i])` for `j < rows`, `i < cols`, adding each
/// column's new values to `sum[i]` in row order. A `-inf` difference gives exactly 0, as does
/// any result below the normal range (the ISA's `exp_small`; every difference is at most
/// attention's rescaling margin above 0, the shift being the running max or the lse).
#[inline(always)]
pub(crate) fn exp_cols<K: Vector>(
    k: K,
    st: &mut [f32],
    rows: usize,
    cols: usize,
    ld: usize,
    shift: &[f32],
    sum: &mut [f32],
) {
    if !fits(st.len(), rows, cols, ld, &[shift.len(), sum.len()]) {
        return;
    }
    // One query's contiguous scores (decoding): along the vector, not a lane per column.
    if cols == 1 && ld == 1 {
        sum[0] += exp_row(k, &mut st[..rows], shift[0]);
        return;
    }
    let (full, rem) = (cols / K::LANES, cols % K::LANES);
    let (st, shift, sum) = (st.as_mut_ptr(), shift.as_ptr(), sum.as_mut_ptr());
    // SAFETY: CPU feature: `k` is the proof. Bounds: group g covers columns g * LANES ..
    // g * LANES + len <= cols, inside shift and sum, and its rows j < rows reach at most
    // (rows - 1) * ld + cols - 1 < st.len() (checked by `fits`).
    unsafe {
        for g in 0..full {
            let at = g * K::LANES;
            exp_group::<K, true>(k, st.add(at), rows, ld, K::LANES, shift.add(at), sum.add(at));
        }
        if rem > 0 {
            let at = full * K::LANES;
            exp_group::<K, false>(k, st.add(at), rows, ld, rem, shift.add(at), sum.add(at));
        }
    }
}

/// `max[i] = max(max[i], st[j * ld + i] for j < rows)` for `i < cols`: the column maxima of a
/// score tile folded into the running maxima.
#[inline(always)]
pub(crate) fn max_cols<K: Vector>(k: K, st: &[f32], rows: usize, cols: usize, ld: usize, max: &mut [f32]) {
    if !fits(st.len(), rows, cols, ld, &[max.len()]) {
        return;
    }
    // One query's contiguous scores (decoding): along the vector, not a lane per column.
    if cols == 1 && ld == 1 {
        max[0] = max_row(k, &st[..rows], max[0]);
        return;
    }
    let (full, rem) = (cols / K::LANES, cols % K::LANES);
    let (st, max) = (st.as_ptr(), max.as_mut_ptr());
    // SAFETY: as in `exp_cols`, with `max` in place of shift and sum.
    unsafe {
        for g in 0..full {
            let at = g * K::LANES;
            max_group::<K, true>(k, st.add(at), rows, ld, K::LANES, max.add(at));
        }
        if rem > 0 {
            let at = full * K::LANES;
            max_group::<K, false>(k, st.add(at), rows, ld, rem, max.add(at));
        }
    }
}

/// `out[j * stride] = scale * (rows[j * d..][..d] . x[..d])` for every whole `d`-float row of
/// `rows` (one query's scores against a block of keys): vector products along each row, two
/// running sums, one horizontal sum per row.
#[inline(always)]
pub(crate) fn dot_rows<K: Vector>(
    k: K,
    rows: &[f32],
    d: usize,
    x: &[f32],
    scale: f32,
    out: &mut [f32],
    stride: usize,
) {
    let n = rows.len().checked_div(d).unwrap_or(0);
    if n == 0 {
        return;
    }
    let x = &x[..d];
    let (full, rem) = (d / K::LANES, d % K::LANES);
    assert!(stride > 0 && out.len() > (n - 1) * stride, "{n} scores of stride {stride} outside out");
    let (r, xp) = (rows.as_ptr(), x.as_ptr());
    // Four rows at a time share each load of x and keep eight independent sums in flight.
    let mut j = 0;
    while j + 4 <= n {
        // SAFETY: CPU feature: `k` is the proof. Bounds: rows j..j + 4 < n hold d floats each
        // inside `rows` (n * d <= rows.len()), as does x; full vectors end at (c + 1) * LANES
        // <= d and the tail reads the last rem < LANES.
        let dots = unsafe { dot4::<K>(k, r.add(j * d), d, xp, full, rem) };
        for (i, dot) in dots.into_iter().enumerate() {
            out[(j + i) * stride] = scale * dot;
        }
        j += 4;
    }
    for j in j..n {
        // SAFETY: as above, for the single row j < n.
        let dot = unsafe { dot1::<K>(k, r.add(j * d), xp, full, rem) };
        out[j * stride] = scale * dot;
    }
}

/// The dot products of the four rows at `r` (row stride `d`) with `x`, over `full` vectors and
/// a tail of `rem` floats.
///
/// # Safety
/// The caller's bounds: `full * LANES + rem` floats readable at `x` and at each `r + i * d`.
#[inline(always)]
unsafe fn dot4<K: Vector>(k: K, r: *const f32, d: usize, x: *const f32, full: usize, rem: usize) -> [f32; 4] {
    // SAFETY: the caller's bounds.
    unsafe {
        let zero = k.splat(0.0);
        let mut acc = [zero; 4];
        for c in 0..full {
            let at = c * K::LANES;
            let xv = k.load(x.add(at));
            for (i, a) in acc.iter_mut().enumerate() {
                *a = k.mul_add(k.load(r.add(i * d + at)), xv, *a);
            }
        }
        if rem > 0 {
            let at = full * K::LANES;
            let xv = k.load_tail(x.add(at), rem, zero);
            for (i, a) in acc.iter_mut().enumerate() {
                *a = k.mul_add(k.load_tail(r.add(i * d + at), rem, zero), xv, *a);
            }
        }
        acc.map(|a| k.reduce_add(a))
    }
}

/// The dot product of the row at `r` with `x`, as [`dot4`] for one row.
///
/// # Safety
/// As for [`dot4`], for one row.
#[inline(always)]
unsafe fn dot1<K: Vector>(k: K, r: *const f32, x: *const f32, full: usize, rem: usize) -> f32 {
    // SAFETY: the caller's bounds.
    unsafe {
        let zero = k.splat(0.0);
        let mut acc = zero;
        for c in 0..full {
            let at = c * K::LANES;
            acc = k.mul_add(k.load(r.add(at)), k.load(x.add(at)), acc);
        }
        if rem > 0 {
            let at = full * K::LANES;
            acc = k.mul_add(k.load_tail(r.add(at), rem, zero), k.load_tail(x.add(at), rem, zero), acc);
        }
        k.reduce_add(acc)
    }
}

/// `out[..d] += sum_j w[j * stride] * rows[j * d..][..d]` over the whole `d`-float rows of
/// `rows`: one query's `P V` (decoding), reading the value rows in order, with up to eight
/// vectors of `out` held in registers across them.
#[inline(always)]
pub(crate) fn weighted_rows<K: Vector>(
    k: K,
    w: &[f32],
    stride: usize,
    rows: &[f32],
    d: usize,
    out: &mut [f32],
) {
    let n = rows.len().checked_div(d).unwrap_or(0);
    if n == 0 {
        return;
    }
    assert!(
        out.len() >= d && stride > 0 && w.len() > (n - 1) * stride,
        "{n} weights of stride {stride} or {d} outputs outside their slices"
    );
    let (full, rem) = (d / K::LANES, d % K::LANES);
    let (o, r, w) = (out.as_mut_ptr(), rows.as_ptr(), w.as_ptr());
    // SAFETY: CPU feature: `k` is the proof. Bounds: the groups cover vectors v < full, floats
    // v * LANES .. (v + 1) * LANES <= d of `out` and of each of the n rows (n * d <= rows.len());
    // the tail covers the last rem < LANES floats; w[j * stride] for j < n is inside w.
    unsafe {
        let mut v = 0;
        while v + 8 <= full {
            weighted_group::<K, 8>(k, w, stride, r.add(v * K::LANES), d, n, o.add(v * K::LANES));
            v += 8;
        }
        while v < full {
            weighted_group::<K, 1>(k, w, stride, r.add(v * K::LANES), d, n, o.add(v * K::LANES));
            v += 1;
        }
        if rem > 0 {
            let (at, zero) = (full * K::LANES, k.splat(0.0));
            let mut acc = k.load_tail(o.add(at), rem, zero);
            for j in 0..n {
                acc = k.mul_add(k.splat(*w.add(j * stride)), k.load_tail(r.add(j * d + at), rem, zero), acc);
            }
            k.store_tail(o.add(at), rem, acc);
        }
    }
}

/// [`weighted_rows`] for `N` whole vectors of `out` at `o`, held in registers while the `n`
/// rows (row stride `d` floats, from `r`) go by.
///
/// # Safety
/// `N * LANES` floats at `o` readable and writable, at `r + j * d` readable for `j < n`, and
/// `w[j * stride]` readable for `j < n`.
#[inline(always)]
unsafe fn weighted_group<K: Vector, const N: usize>(
    k: K,
    w: *const f32,
    stride: usize,
    r: *const f32,
    d: usize,
    n: usize,
    o: *mut f32,
) {
    // SAFETY: the caller's bounds, read and written through `load` and `store`.
    unsafe {
        let mut acc: [K::V; N] = core::array::from_fn(|i| k.load(o.add(i * K::LANES)));
        for j in 0..n {
            let (wj, row) = (k.splat(*w.add(j * stride)), r.add(j * d));
            for (i, a) in acc.iter_mut().enumerate() {
                *a = k.mul_add(wj, k.load(row.add(i * K::LANES)), *a);
            }
        }
        for (i, a) in acc.iter().enumerate() {
            k.store(o.add(i * K::LANES), *a);
        }
    }
}

/// The largest of `init` and the elements of `x` (one query's contiguous scores).
#[inline(always)]
fn max_row<K: Vector>(k: K, x: &[f32], init: f32) -> f32 {
    let (full, rem) = (x.len() / K::LANES, x.len() % K::LANES);
    let p = x.as_ptr();
    // SAFETY: CPU feature: `k` is the proof. Bounds: vector v < full covers x[v * LANES..
    // (v + 1) * LANES], the tail the last rem < LANES elements.
    unsafe {
        let mut acc = k.splat(init);
        for v in 0..full {
            acc = k.max(acc, k.load(p.add(v * K::LANES)));
        }
        if rem > 0 {
            acc = k.max(acc, k.load_tail(p.add(full * K::LANES), rem, k.splat(f32::NEG_INFINITY)));
        }
        k.reduce_max(acc)
    }
}

/// Replaces each `v` of `x` by `e^(v - shift)` (the ISA's `exp_small`) and returns their sum
/// (one query's contiguous scores). A `-inf` difference gives exactly 0.
#[inline(always)]
fn exp_row<K: Vector>(k: K, x: &mut [f32], shift: f32) -> f32 {
    let (full, rem) = (x.len() / K::LANES, x.len() % K::LANES);
    let p = x.as_mut_ptr();
    // SAFETY: CPU feature: `k` is the proof. Bounds: as in `max_row`, read and written.
    unsafe {
        let sh = k.splat(shift);
        let mut sum = k.splat(0.0);
        for v in 0..full {
            let at = p.add(v * K::LANES);
            let e = k.exp_small(k.sub(k.load(at), sh));
            k.store(at, e);
            sum = k.add(sum, e);
        }
        if rem > 0 {
            let at = p.add(full * K::LANES);
            let e = k.exp_small(k.sub(k.load_tail(at, rem, k.splat(f32::NEG_INFINITY)), sh));
            k.store_tail(at, rem, e);
            // The lanes past the end are e^-inf = 0.
            sum = k.add(sum, e);
        }
        k.reduce_add(sum)
    }
}

/// [`exp_cols`] for the `len` columns at `st` (all `LANES` of them when `FULL`).
///
/// # Safety
/// `len` elements at `shift`, at `sum` and at each row `st + j * ld`, `j < rows`, are valid
/// for reads (and, but for `shift`, writes); `len == LANES` when `FULL`, `len < LANES` if not.
#[inline(always)]
unsafe fn exp_group<K: Vector, const FULL: bool>(
    k: K,
    st: *mut f32,
    rows: usize,
    ld: usize,
    len: usize,
    shift: *const f32,
    sum: *mut f32,
) {
    // SAFETY: the caller's bounds, accessed through `load` and `store` with the same `len`.
    unsafe {
        let sh = load::<K, FULL>(k, shift, len);
        let mut acc = k.splat(0.0);
        for j in 0..rows {
            let row = st.add(j * ld);
            let e = k.exp_small(k.sub(load::<K, FULL>(k, row, len), sh));
            store::<K, FULL>(k, row, len, e);
            acc = k.add(acc, e);
        }
        store::<K, FULL>(k, sum, len, k.add(load::<K, FULL>(k, sum, len), acc));
    }
}

/// [`max_cols`] for the `len` columns at `st` (all `LANES` of them when `FULL`).
///
/// # Safety
/// As for [`exp_group`], with `max` read and written.
#[inline(always)]
unsafe fn max_group<K: Vector, const FULL: bool>(
    k: K,
    st: *const f32,
    rows: usize,
    ld: usize,
    len: usize,
    max: *mut f32,
) {
    // SAFETY: the caller's bounds, accessed through `load` and `store` with the same `len`.
    unsafe {
        // Four running maxima: a single chain would wait on `max`'s latency at every row.
        let mut acc = [load::<K, FULL>(k, max, len); 4];
        let quads = rows / 4;
        for q in 0..quads {
            for (i, acc) in acc.iter_mut().enumerate() {
                *acc = k.max(*acc, load::<K, FULL>(k, st.add((4 * q + i) * ld), len));
            }
        }
        for j in 4 * quads..rows {
            acc[0] = k.max(acc[0], load::<K, FULL>(k, st.add(j * ld), len));
        }
        let acc = k.max(k.max(acc[0], acc[1]), k.max(acc[2], acc[3]));
        store::<K, FULL>(k, max, len, acc);
    }
}

/// The `len` floats at `p` (a whole vector when `FULL`), other lanes 0.
///
/// # Safety
/// `p` valid for `len` reads; `len == LANES` when `FULL`, `len < LANES` if not.
#[inline(always)]
unsafe fn load<K: Vector, const FULL: bool>(k: K, p: *const f32, len: usize) -> K::V {
    // SAFETY: the caller's obligations, which are `load`'s and `load_tail`'s.
    unsafe { if FULL { k.load(p) } else { k.load_tail(p, len, k.splat(0.0)) } }
}

/// Stores the first `len` lanes of `v` at `p` (a whole vector when `FULL`).
///
/// # Safety
/// `p` valid for `len` writes; `len == LANES` when `FULL`, `len < LANES` if not.
#[inline(always)]
unsafe fn store<K: Vector, const FULL: bool>(k: K, p: *mut f32, len: usize, v: K::V) {
    // SAFETY: the caller's obligations, which are `store`'s and `store_tail`'s.
    unsafe {
        if FULL {
            k.store(p, v);
        } else {
            k.store_tail(p, len, v);
        }
    }
}
