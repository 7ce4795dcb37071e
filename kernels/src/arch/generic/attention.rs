//! The tiled attention loops, written once over the gemm microkernel of each ISA plus one
//! per-ISA routine (`exp_cols`, the masked exponentials of a score tile).
//!
//! Scores are computed transposed, `S^T = scale * K_blk Q_blk^T` (keys down, queries across),
//! so that every product is a microkernel-shaped `A * B` with B read row by row: K and V are
//! read in place, and only the query block (and, backward, its dO) is transposed, once per
//! query block. The online softmax then works on columns: a lane per query, reductions over
//! keys are vertical vector operations with no horizontal sums.
//!
//! The exponentials are taken as `2^(x log2 e)` (the ISA's `exp_small`): on AVX-512 the
//! reduction of the power of 2 is one instruction. The scores themselves stay in base e, so
//! that any finite additive mask, `f32::MIN` included, means what it says.
//!
//! Everything here is safe code, `#[inline(always)]` so that each ISA's `#[target_feature]`
//! entry compiles the whole loop (and the element-wise steps) for that ISA. [`Forward`] and
//! [`Backward`] are the tasks the entry points dispatch: they split the work over threads and
//! hand each block to the ISA again on its worker.

use rayon::prelude::*;

use super::attention_cols::{dot_rows, exp_cols, max_cols, weighted_rows};
use super::gemm::{self, GemmKernel, Job, LINE_FLOATS, Workspace, line_start};
use crate::arch::Kernel;
use crate::arch::scalar::exp_small;
use crate::attention_shape::{Mask, Shape};
use crate::{MatMut, MatRef, parallel};

/// Query rows per block: a multiple of every kernel's `MR` (4, 6, 12) and `NR` (8, 16, 32),
/// so no microkernel tile of a full block is partial (queries are the rows of `P V` and the
/// columns of `S^T`). The transposed Q block (`head_dim x 96`) is reused by every key block.
pub(crate) const BR: usize = 96;
/// Keys per block, a multiple of every `MR` (keys are the rows of `S^T`). 48 keeps the score
/// tile (18 KiB) and the K and V blocks (12 KiB each at head_dim 64) in the 48 KiB L1d next to
/// the Q block; measured single-threaded at S = 2048, D = 64: 96 keys ran ~40% slower, 24 ~10%.
pub(crate) const BC: usize = 48;

/// How far a scaled score may exceed the running max of its query before the forward pass
/// rescales that query's sum and output: `e^8` ~ 3000 bounds every exponential, far from f32
/// overflow for any realistic sequence length.
const RESCALE_MARGIN: f32 = 8.0;

/// Keys per block for a single query (decoding), as floats of K (and of V): 512 KiB, so that a
/// block of values stays in L2 when wide heads are summed in more than one pass (head_dim
/// 256: 13% faster than 4608 keys at once; the same at 128).
const DECODE_BLOCK_FLOATS: usize = 1 << 17;

/// One validated attention call: shapes were checked at the safe entry point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Problem<'a> {
    pub shape: Shape,
    pub scale: f32,
    pub causal: bool,
    pub mask: Option<Mask<'a>>,
    pub q: &'a [f32],
    pub k: &'a [f32],
    pub v: &'a [f32],
}

impl<'a> Problem<'a> {
    /// The `[q_len, kv_len]` mask of batch `b`, if any.
    #[inline(always)]
    fn mask_of(&self, b: usize) -> Option<&'a [f32]> {
        let n = self.shape.q_len * self.shape.kv_len;
        match self.mask? {
            Mask::Shared(m) => Some(m),
            Mask::PerBatch(m) => Some(&m[b * n..(b + 1) * n]),
        }
    }

    /// How many keys (a prefix) query `i` sees.
    #[inline(always)]
    fn visible(&self, i: usize) -> usize {
        let Shape { q_len, kv_len, .. } = self.shape;
        if self.causal { (i + kv_len + 1).saturating_sub(q_len).min(kv_len) } else { kv_len }
    }

    /// (query, key/value) element offsets of the heads `(b, h)` reads.
    #[inline(always)]
    fn head_offsets(&self, b: usize, h: usize) -> (usize, usize) {
        let Shape { heads, kv_heads, q_len, kv_len, head_dim, .. } = self.shape;
        let kvh = h / (heads / kv_heads);
        ((b * heads + h) * q_len * head_dim, (b * kv_heads + kvh) * kv_len * head_dim)
    }
}

/// One forward task: rows `q0..q0 + lse.len()` of head `h` in batch `b`.
#[derive(Debug)]
pub(crate) struct QueryBlock<'a> {
    pub b: usize,
    pub h: usize,
    pub q0: usize,
    /// `lse.len() x head_dim` output rows.
    pub out: &'a mut [f32],
    pub lse: &'a mut [f32],
}

/// One backward task: kv head `kvh` of batch `b` and the `group` query heads that read it.
#[derive(Debug)]
pub(crate) struct GroupTask<'a> {
    pub b: usize,
    pub kvh: usize,
    /// The group's rows of the forward results: `out`, `dout` (`group * q_len * head_dim`)
    /// and `lse` (`group * q_len`).
    pub saved: Saved<'a>,
    /// The group's dq and the kv head's dk, dv; overwritten.
    pub dq: &'a mut [f32],
    pub dk: &'a mut [f32],
    pub dv: &'a mut [f32],
}

/// Per-thread buffers, all O(block^2): nothing grows with the sequence length.
#[derive(Debug)]
pub(crate) struct Scratch {
    /// Q block transposed and multiplied by the scale, `head_dim x BR`.
    qt: Aligned,
    /// dO block transposed, `head_dim x BR` (backward).
    dot: Aligned,
    /// Score / probability tile, `BC x BR`.
    st: Aligned,
    /// dP / dS tile, `BC x BR` (backward).
    dpt: Aligned,
    /// Output accumulator, `BR x head_dim` (forward).
    o: Aligned,
    /// Per query: running max, running sum, the exponent shift; backward, D and the column
    /// sums of P that it does not need.
    m: Vec<f32>,
    l: Vec<f32>,
    shift: Vec<f32>,
    dd: Vec<f32>,
    unused_sums: Vec<f32>,
}

impl Scratch {
    pub(crate) fn new(head_dim: usize) -> Self {
        Scratch {
            qt: Aligned::zeros(head_dim * BR),
            dot: Aligned::zeros(head_dim * BR),
            st: Aligned::zeros(BC * BR),
            dpt: Aligned::zeros(BC * BR),
            o: Aligned::zeros(BR * head_dim),
            m: vec![0.0; BR],
            l: vec![0.0; BR],
            shift: vec![0.0; BR],
            dd: vec![0.0; BR],
            unused_sums: vec![0.0; BR],
        }
    }
}

/// A zeroed tile buffer that starts on a cache line, so that (with row strides that are
/// multiples of 16 floats) the kernels' vector loads and stores never straddle two lines.
#[derive(Debug)]
struct Aligned {
    data: Vec<f32>,
    start: usize,
    len: usize,
}

impl Aligned {
    fn zeros(len: usize) -> Self {
        let data = vec![0.0; len + LINE_FLOATS];
        let start = line_start(&data);
        Aligned { data, start, len }
    }
}

impl core::ops::Deref for Aligned {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        &self.data[self.start..self.start + self.len]
    }
}

impl core::ops::DerefMut for Aligned {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.data[self.start..self.start + self.len]
    }
}

/// A block of one of the operands, which the loops take inside it.
#[inline(always)]
fn view(data: &[f32], rows: usize, cols: usize, rs: usize, cs: usize) -> MatRef<'_> {
    MatRef::with_strides(data, rows, cols, rs, cs).expect("attention's blocks lie inside their operands")
}

/// A block of an output or a scratch tile, which the loops take inside it.
#[inline(always)]
fn view_mut(data: &mut [f32], rows: usize, cols: usize, rs: usize) -> MatMut<'_> {
    MatMut::with_strides(data, rows, cols, rs, 1).expect("attention's blocks lie inside their outputs")
}

/// `c <- alpha * a * b + beta * c` straight from the views (no packing: every operand here is
/// a block that already sits in L1 or L2).
#[inline(always)]
fn gemm<K: GemmKernel>(kernel: K, alpha: f32, a: MatRef<'_>, b: MatRef<'_>, beta: f32, c: MatMut<'_>) {
    let job = Job { direct: true, alpha, a, b, beta, c, packed_b: None, c_first: true };
    gemm::serial(kernel, job, &mut Workspace::default());
}

/// `dst[c * ld + r] = factor * src[r * cols + c]` for a row-major `rows x cols` `src`.
///
/// # Panics
/// If `src` holds fewer than `rows` rows or `dst` too few rows of `ld` (an internal error).
#[inline(always)]
pub(crate) fn transpose(src: &[f32], rows: usize, cols: usize, factor: f32, dst: &mut [f32], ld: usize) {
    debug_assert!(ld >= rows);
    for (r, row) in src[..rows * cols].chunks_exact(cols).enumerate() {
        for (c, &x) in row.iter().enumerate() {
            dst[c * ld + r] = factor * x;
        }
    }
}

/// `S^T` for keys `k0..k0 + bc` and the block's `br` queries from `q0`: scaled scores (`qt`
/// holds the queries already multiplied by the scale), plus the additive mask, with causally
/// hidden entries set to -inf. A block of one query (decoding) takes a dot product per key
/// from `q` (its row, unscaled) instead: as a matrix product it would use one lane of each
/// vector.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn scores<K: Kernel>(
    kernel: K,
    p: &Problem<'_>,
    mask: Option<&[f32]>,
    k: &[f32],
    (q, qt): (&[f32], &[f32]),
    (st, ld): (&mut [f32], usize),
    (q0, br): (usize, usize),
    (k0, bc): (usize, usize),
) {
    let Shape { q_len, kv_len, head_dim: d, .. } = p.shape;
    if br == 1 {
        dot_rows(kernel, &k[k0 * d..(k0 + bc) * d], d, q, p.scale, st, ld);
    } else {
        let k_blk = view(&k[k0 * d..], bc, d, d, 1);
        gemm(kernel, 1.0, k_blk, view(qt, d, br, BR, 1), 0.0, view_mut(st, bc, br, ld));
    }
    if mask.is_none() && !p.causal {
        return;
    }
    for (j, row) in st.chunks_exact_mut(ld).take(bc).enumerate() {
        let row = &mut row[..br];
        let key = k0 + j;
        if let Some(mask) = mask {
            for (i, s) in row.iter_mut().enumerate() {
                *s += mask[(q0 + i) * kv_len + key];
            }
        }
        if p.causal {
            // Query i sees this key when i >= key + q_len - kv_len.
            let first = (key + q_len).saturating_sub(kv_len).saturating_sub(q0).min(br);
            row[..first].fill(f32::NEG_INFINITY);
        }
    }
}

/// Forward pass of one query block: FlashAttention-2's online softmax over key blocks.
#[inline(always)]
fn forward_block<K: Kernel>(kernel: K, p: &Problem<'_>, blk: QueryBlock<'_>, s: &mut Scratch) {
    const {
        assert!(BR.is_multiple_of(K::MR) && BR.is_multiple_of(K::NR), "BR must be a multiple of MR and NR");
        assert!(BC.is_multiple_of(K::MR), "BC must be a multiple of MR");
    };
    let Shape { kv_len, head_dim: d, .. } = p.shape;
    let QueryBlock { b, h, q0, out, lse } = blk;
    let br = lse.len();
    let (q_off, kv_off) = p.head_offsets(b, h);
    let q = &p.q[q_off + q0 * d..q_off + (q0 + br) * d];
    let (k, v) = (&p.k[kv_off..kv_off + kv_len * d], &p.v[kv_off..kv_off + kv_len * d]);
    let mask = p.mask_of(b);
    kernel.transpose(q, br, d, p.scale, &mut s.qt, BR);
    let o = &mut s.o[..br * d];
    o.fill(0.0);
    let (m, l) = (&mut s.m[..br], &mut s.l[..br]);
    m.fill(f32::NEG_INFINITY);
    l.fill(0.0);
    let shift = &mut s.shift[..br];

    // A single query (decoding) keeps its scores contiguous and takes keys in runs of up to
    // 512 KiB (at most what the score tile holds), so that K and then V stream by in long runs.
    let (ld, step) = if br == 1 { (1, (DECODE_BLOCK_FLOATS / d).clamp(BC, BC * BR)) } else { (BR, BC) };
    // Keys past the last row's horizon are hidden from the whole block: never computed.
    let kv_end = p.visible(q0 + br - 1);
    for k0 in (0..kv_end).step_by(step) {
        let bc = step.min(kv_end - k0);
        scores(kernel, p, mask, k, (q, &s.qt), (&mut s.st, ld), (q0, br), (k0, bc));

        // The block's maximum per query (a lane per query: vertical max over the key rows).
        shift.copy_from_slice(m);
        max_cols(kernel, &s.st, bc, br, ld, shift);
        // Lazy rescaling: the running max moves only when a score passes it by more than
        // RESCALE_MARGIN, so after the first blocks a query almost never pays for an
        // exponential and a pass over its output row, and a block usually skips the loop.
        // Exponentials of scores up to the margin above the max stay far from overflow.
        let moves = |mi: f32, block_max: f32| {
            block_max > mi + RESCALE_MARGIN || (mi == f32::NEG_INFINITY && block_max > mi)
        };
        // A fold, not `any`, so that the check is one vectorised pass.
        if m.iter().zip(shift.iter()).fold(false, |seen, (&mi, &bm)| seen | moves(mi, bm)) {
            for ((mi, li), (&block_max, o_row)) in
                m.iter_mut().zip(l.iter_mut()).zip(shift.iter().zip(o.chunks_exact_mut(d)))
            {
                if moves(*mi, block_max) {
                    let alpha = exp_small(*mi - block_max);
                    *li *= alpha;
                    o_row.iter_mut().for_each(|x| *x *= alpha);
                    *mi = block_max;
                }
            }
        }
        // A query that has seen only -inf so far subtracts 0, never -inf - -inf.
        for (sh, &mi) in shift.iter_mut().zip(m.iter()) {
            *sh = if mi == f32::NEG_INFINITY { 0.0 } else { mi };
        }
        exp_cols(kernel, &mut s.st, bc, br, ld, shift, l);
        // O += P V, P = (S^T)^T read through a transposed view; for one query, a weighted sum
        // of the value rows.
        if br == 1 {
            weighted_rows(kernel, &s.st, ld, &v[k0 * d..(k0 + bc) * d], d, o);
        } else {
            let v_blk = view(&v[k0 * d..], bc, d, d, 1);
            gemm(kernel, 1.0, view(&s.st, br, bc, 1, ld), v_blk, 1.0, view_mut(o, br, d, d));
        }
    }

    for ((row, out), (&mi, (&li, lse))) in
        o.chunks_exact(d).zip(out.chunks_exact_mut(d)).zip(m.iter().zip(l.iter().zip(lse.iter_mut())))
    {
        // The sum is 0 only for a query that saw no key; NaN (from NaN inputs) goes through.
        if li != 0.0 {
            let inv = 1.0 / li;
            for (y, &x) in out.iter_mut().zip(row) {
                *y = x * inv;
            }
            *lse = mi + li.ln();
        } else {
            // The query saw no key.
            out.fill(0.0);
            *lse = f32::NEG_INFINITY;
        }
    }
}

/// Backward pass of one kv head and its query heads: every dq, dk, dv element the task owns
/// is accumulated in a fixed order, so the result does not depend on the thread count.
#[inline(always)]
fn backward_group<K: Kernel>(kernel: K, p: &Problem<'_>, t: GroupTask<'_>, s: &mut Scratch) {
    const {
        assert!(BR.is_multiple_of(K::MR) && BR.is_multiple_of(K::NR), "BR must be a multiple of MR and NR");
        assert!(BC.is_multiple_of(K::MR), "BC must be a multiple of MR");
    };
    let Shape { heads, kv_heads, q_len, kv_len, head_dim: d, .. } = p.shape;
    let GroupTask { b, kvh, saved: Saved { out, lse, dout }, dq, dk, dv } = t;
    dq.fill(0.0);
    dk.fill(0.0);
    dv.fill(0.0);
    let group = heads / kv_heads;
    let kv_off = (b * kv_heads + kvh) * kv_len * d;
    let (k, v) = (&p.k[kv_off..kv_off + kv_len * d], &p.v[kv_off..kv_off + kv_len * d]);
    let mask = p.mask_of(b);
    for g in 0..group {
        let h = kvh * group + g;
        let (q_off, _) = p.head_offsets(b, h);
        for q0 in (0..q_len).step_by(BR) {
            let br = BR.min(q_len - q0);
            let r0 = g * q_len + q0;
            let rows = r0 * d..(r0 + br) * d;
            let q = &p.q[q_off + q0 * d..q_off + (q0 + br) * d];
            let (o, d_o, lse, dq) =
                (&out[rows.clone()], &dout[rows.clone()], &lse[r0..r0 + br], &mut dq[rows]);
            kernel.transpose(q, br, d, p.scale, &mut s.qt, BR);
            kernel.transpose(d_o, br, d, 1.0, &mut s.dot, BR);
            let (dd, shift) = (&mut s.dd[..br], &mut s.shift[..br]);
            // D = rowsum(dO * O); a query that saw nothing has lse -inf and gets P = 0 from
            // e^(x - inf).
            for ((di, (o, d_o)), (sh, &ls)) in
                dd.iter_mut().zip(o.chunks_exact(d).zip(d_o.chunks_exact(d))).zip(shift.iter_mut().zip(lse))
            {
                *di = o.iter().zip(d_o).map(|(&x, &y)| x * y).sum();
                *sh = if ls == f32::NEG_INFINITY { f32::INFINITY } else { ls };
            }
            let kv_end = p.visible(q0 + br - 1);
            for k0 in (0..kv_end).step_by(BC) {
                let bc = BC.min(kv_end - k0);
                scores(kernel, p, mask, k, (q, &s.qt), (&mut s.st, BR), (q0, br), (k0, bc));
                // P^T = e^(S^T - lse), the column sums are not needed.
                exp_cols(kernel, &mut s.st, bc, br, BR, shift, &mut s.unused_sums[..br]);
                let k_blk = view(&k[k0 * d..], bc, d, d, 1);
                // dV += P^T dO
                let dv_blk = view_mut(&mut dv[k0 * d..], bc, d, d);
                gemm(kernel, 1.0, view(&s.st, bc, br, BR, 1), view(d_o, br, d, d, 1), 1.0, dv_blk);
                // dP^T = V dO^T
                let v_blk = view(&v[k0 * d..], bc, d, d, 1);
                gemm(kernel, 1.0, v_blk, view(&s.dot, d, br, BR, 1), 0.0, view_mut(&mut s.dpt, bc, br, BR));
                // dS^T = P^T * (dP^T - D)
                for (dp_row, p_row) in s.dpt.chunks_exact_mut(BR).zip(s.st.chunks_exact(BR)).take(bc) {
                    for ((ds, &pv), &di) in dp_row[..br].iter_mut().zip(&p_row[..br]).zip(dd.iter()) {
                        *ds = pv * (*ds - di);
                    }
                }
                // dQ += scale * dS K
                gemm(kernel, p.scale, view(&s.dpt, br, bc, 1, BR), k_blk, 1.0, view_mut(dq, br, d, d));
                // dK += scale * dS^T Q
                let dk_blk = view_mut(&mut dk[k0 * d..], bc, d, d);
                gemm(kernel, p.scale, view(&s.dpt, bc, br, BR, 1), view(q, br, d, d, 1), 1.0, dk_blk);
            }
        }
    }
}

/// The forward pass of a whole attention call: the task `Attention::forward` dispatches.
/// Splits batch x heads x query blocks over `threads`.
#[derive(Debug)]
pub(crate) struct Forward<'p, 'o> {
    pub problem: &'p Problem<'p>,
    pub out: &'o mut [f32],
    pub lse: &'o mut [f32],
    pub threads: usize,
}

task!(Forward<'_, '_> => (), |task, kernel| forward(kernel, task.problem, task.out, task.lse, task.threads));

/// The forward results the backward pass reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Saved<'a> {
    pub out: &'a [f32],
    pub lse: &'a [f32],
    pub dout: &'a [f32],
}

/// The backward pass of a whole attention call: the task `Attention::backward` dispatches.
/// Splits batch x kv heads over `threads`, each task owning its kv head's dk and dv and the
/// dq of the query heads that read it.
#[derive(Debug)]
pub(crate) struct Backward<'p, 'g> {
    pub problem: &'p Problem<'p>,
    pub saved: Saved<'p>,
    pub dq: &'g mut [f32],
    pub dk: &'g mut [f32],
    pub dv: &'g mut [f32],
    pub threads: usize,
}

task!(Backward<'_, '_> => (), |task, kernel| backward(kernel, task));

/// A forward query block or a backward kv group.
enum Block<'b> {
    Query(QueryBlock<'b>),
    Group(GroupTask<'b>),
}

/// One block of either pass, run with the ISA's features on whichever thread takes it.
struct BlockWork<'p, 'b, 's> {
    problem: &'p Problem<'p>,
    block: Block<'b>,
    scratch: &'s mut Scratch,
}

task!(BlockWork<'_, '_, '_> => (), |work, kernel| match work.block {
    Block::Query(blk) => forward_block(kernel, work.problem, blk, work.scratch),
    Block::Group(group) => backward_group(kernel, work.problem, group, work.scratch),
});

/// Splits the forward pass into (batch, head, query block) tasks.
#[inline(always)]
fn forward<K: Kernel>(kernel: K, p: &Problem<'_>, out: &mut [f32], lse: &mut [f32], threads: usize) {
    let Shape { heads, q_len, head_dim: d, .. } = p.shape;
    let task = |scratch: &mut Scratch, bh: usize, qb: usize, out: &mut [f32], lse: &mut [f32]| {
        let (b, h) = (bh / heads, bh % heads);
        let block = Block::Query(QueryBlock { b, h, q0: qb * BR, out, lse });
        kernel.vectorize(BlockWork { problem: p, block, scratch });
    };
    let heads_out = out.chunks_mut(q_len * d).zip(lse.chunks_mut(q_len));
    if threads == 1 || p.shape.batch * heads * q_len.div_ceil(BR) == 1 {
        let mut scratch = Scratch::new(d);
        for (bh, (out, lse)) in heads_out.enumerate() {
            for (qb, (out, lse)) in out.chunks_mut(BR * d).zip(lse.chunks_mut(BR)).enumerate() {
                task(&mut scratch, bh, qb, out, lse);
            }
        }
        return;
    }
    let mut blocks: Vec<(usize, usize, &mut [f32], &mut [f32])> = Vec::new();
    for (bh, (out, lse)) in heads_out.enumerate() {
        for (qb, (out, lse)) in out.chunks_mut(BR * d).zip(lse.chunks_mut(BR)).enumerate() {
            blocks.push((bh, qb, out, lse));
        }
    }
    parallel::install(threads, || {
        blocks
            .into_par_iter()
            .with_max_len(1)
            .for_each_init(|| Scratch::new(d), |scratch, (bh, qb, out, lse)| task(scratch, bh, qb, out, lse));
    });
}

/// Splits the backward pass into (batch, kv head) tasks.
#[inline(always)]
fn backward<K: Kernel>(kernel: K, job: Backward<'_, '_>) {
    let Backward { problem: p, saved: fwd, dq, dk, dv, threads } = job;
    let Shape { heads, kv_heads, q_len, kv_len, head_dim: d, .. } = p.shape;
    let group = heads / kv_heads;
    let (q_group, lse_group, kv_head) = (group * q_len * d, group * q_len, kv_len * d);
    let task = |scratch: &mut Scratch, bkv: usize, dq: &mut [f32], dk: &mut [f32], dv: &mut [f32]| {
        let (b, kvh) = (bkv / kv_heads, bkv % kv_heads);
        let (qs, ls) = (bkv * q_group, bkv * lse_group);
        let saved = Saved {
            out: &fwd.out[qs..qs + q_group],
            lse: &fwd.lse[ls..ls + lse_group],
            dout: &fwd.dout[qs..qs + q_group],
        };
        let group = GroupTask { b, kvh, saved, dq, dk, dv };
        kernel.vectorize(BlockWork { problem: p, block: Block::Group(group), scratch });
    };
    let tasks = dq.chunks_mut(q_group).zip(dk.chunks_mut(kv_head).zip(dv.chunks_mut(kv_head)));
    if threads == 1 || p.shape.batch * kv_heads == 1 {
        let mut scratch = Scratch::new(d);
        for (bkv, (dq, (dk, dv))) in tasks.enumerate() {
            task(&mut scratch, bkv, dq, dk, dv);
        }
        return;
    }
    let tasks: Vec<_> = tasks.enumerate().collect();
    parallel::install(threads, || {
        tasks.into_par_iter().with_max_len(1).for_each_init(
            || Scratch::new(d),
            |scratch, (bkv, (dq, (dk, dv)))| task(scratch, bkv, dq, dk, dv),
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Isa;
    use crate::arch::{Task, dispatch};

    /// Runs one ISA's `exp_cols` on a tile and returns the tile and the column sums.
    struct ExpCols {
        st: Vec<f32>,
        rows: usize,
        cols: usize,
        shift: Vec<f32>,
    }

    impl Task for ExpCols {
        type Output = (Vec<f32>, Vec<f32>);
        fn run<K: Kernel>(mut self, kernel: K) -> Self::Output {
            let mut sum = vec![1.0; self.cols];
            exp_cols(kernel, &mut self.st, self.rows, self.cols, self.cols, &self.shift, &mut sum);
            (self.st, sum)
        }
    }

    /// Runs one ISA's `transpose` into a NaN-filled buffer.
    struct Transpose {
        rows: usize,
        cols: usize,
        ld: usize,
    }

    impl Task for Transpose {
        type Output = (Vec<f32>, Vec<f32>);
        fn run<K: Kernel>(self, kernel: K) -> Self::Output {
            let Transpose { rows, cols, ld } = self;
            let src: Vec<f32> = (0..rows * cols).map(|i| i as f32).collect();
            let mut dst = vec![f32::NAN; cols * ld];
            kernel.transpose(&src, rows, cols, 0.5, &mut dst, ld);
            (src, dst)
        }
    }

    /// Every ISA's transpose (AVX-512's in-register 16 x 16 blocks and its edges) against
    /// the definition, leaving the padding of each destination row alone.
    #[test]
    fn transpose_matches_the_definition() {
        for (rows, cols, ld) in
            [(96, 64, 96), (32, 64, 96), (17, 33, 20), (16, 16, 16), (5, 3, 7), (48, 128, 96)]
        {
            for isa in Isa::ALL.into_iter().filter(|isa| isa.is_available()) {
                let (src, dst) = dispatch(isa, Transpose { rows, cols, ld });
                for c in 0..cols {
                    for r in 0..ld {
                        let got = dst[c * ld + r];
                        if r < rows {
                            assert_eq!(got, 0.5 * src[r * cols + c], "{isa} {rows}x{cols} ({r}, {c})");
                        } else {
                            assert!(got.is_nan(), "{isa} {rows}x{cols}: padding ({r}, {c}) written");
                        }
                    }
                }
            }
        }
    }

    /// Runs one ISA's `dot_rows` and `weighted_rows` on `n` rows of `d` floats.
    struct OneQuery {
        n: usize,
        d: usize,
    }

    /// Runs one ISA's `max_cols` and `exp_cols` on `x` as one contiguous column (`ld = 1`).
    struct Row(Vec<f32>);

    impl Task for Row {
        type Output = (f32, Vec<f32>, f32);
        fn run<K: Kernel>(self, kernel: K) -> Self::Output {
            let mut x = self.0;
            let (n, mut max, mut sum) = (x.len(), [-1e30], [0.0]);
            max_cols(kernel, &x, n, 1, 1, &mut max);
            exp_cols(kernel, &mut x, n, 1, 1, &max, &mut sum);
            (max[0], x, sum[0])
        }
    }

    /// Every ISA's max and exponentials of one contiguous column (one query's scores, as
    /// decoding lays them out), lengths around the vector widths, with masked (-inf) scores
    /// giving exactly 0.
    #[test]
    fn one_query_softmax_pieces_match_f64() {
        for n in [1, 7, 16, 17, 33, 4096 + 5] {
            let x: Vec<f32> = (0..n)
                .map(|i| if i % 5 == 3 { f32::NEG_INFINITY } else { ((i * 29 % 97) as f32 - 48.0) / 8.0 })
                .collect();
            let want_max = x.iter().fold(-1e30f32, |m, &v| m.max(v));
            for isa in Isa::ALL.into_iter().filter(|isa| isa.is_available()) {
                let (max, e, sum) = dispatch(isa, Row(x.clone()));
                assert_eq!(max, want_max, "{isa} n={n}");
                let mut want_sum = 0.0f64;
                for (&v, &got) in x.iter().zip(&e) {
                    let want = (f64::from(v) - f64::from(max)).exp();
                    want_sum += want;
                    assert!((f64::from(got) - want).abs() <= 1e-6 * want, "{isa} n={n}: e^{v} = {got}");
                }
                assert!((f64::from(sum) - want_sum).abs() <= 1e-5 * want_sum, "{isa} n={n}: sum {sum}");
            }
        }
    }

    impl Task for OneQuery {
        type Output = (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>);
        fn run<K: Kernel>(self, kernel: K) -> Self::Output {
            let OneQuery { n, d } = self;
            let rows: Vec<f32> = (0..n * d).map(|i| ((i * 37 % 101) as f32 - 50.0) / 16.0).collect();
            let x: Vec<f32> = (0..d).map(|i| ((i * 13 % 29) as f32 - 14.0) / 8.0).collect();
            let mut scores = vec![f32::NAN; n * 3];
            dot_rows(kernel, &rows, d, &x, 0.5, &mut scores, 3);
            let mut out: Vec<f32> = (0..d).map(|i| i as f32).collect();
            weighted_rows(kernel, &scores, 3, &rows, d, &mut out);
            (rows, x, scores, out)
        }
    }

    /// Every ISA's one-query scores (a dot product per key) and weighted sum of value rows
    /// against f64, for head sizes below, at and past the vector widths, leaving the slots
    /// between the strided scores alone.
    #[test]
    fn one_query_products_match_f64() {
        for (n, d) in [(5, 1), (7, 3), (48, 16), (9, 17), (48, 64), (33, 128), (4, 200)] {
            for isa in Isa::ALL.into_iter().filter(|isa| isa.is_available()) {
                let (rows, x, scores, out) = dispatch(isa, OneQuery { n, d });
                for (j, row) in rows.chunks(d).enumerate() {
                    let want: f64 =
                        0.5 * row.iter().zip(&x).map(|(&a, &b)| f64::from(a) * f64::from(b)).sum::<f64>();
                    let terms: f64 = row.iter().zip(&x).map(|(&a, &b)| f64::from(a * b).abs()).sum();
                    let got = f64::from(scores[3 * j]);
                    assert!(
                        (got - want).abs() <= 1e-6 * terms,
                        "{isa} n={n} d={d} score {j}: {got} vs {want}"
                    );
                    assert!(scores[3 * j + 1].is_nan() && scores[3 * j + 2].is_nan(), "{isa}: gap written");
                }
                for (c, &got) in out.iter().enumerate() {
                    let terms = rows.chunks(d).zip(scores.iter().step_by(3));
                    let want =
                        c as f64 + terms.clone().map(|(r, &s)| f64::from(s) * f64::from(r[c])).sum::<f64>();
                    let size = c as f64 + terms.map(|(r, &s)| f64::from(s * r[c]).abs()).sum::<f64>();
                    let got = f64::from(got);
                    assert!((got - want).abs() <= 1e-6 * size, "{isa} n={n} d={d} out {c}: {got} vs {want}");
                }
            }
        }
    }

    /// Every ISA's exponentials over the whole range they accept, within their stated error
    /// ((1.3 + |x|) ULP, from rounding x log2 e) of f64, with -inf and results below 2^-126
    /// giving exactly 0 and NaN staying NaN; the column sums add to what was there.
    #[test]
    fn exp_cols_is_accurate() {
        let (rows, cols) = (2003, 19);
        let mut st: Vec<f32> =
            (0..rows * cols).map(|i| -95.0 + 103.0 * i as f32 / (rows * cols) as f32).collect();
        st[5] = f32::NEG_INFINITY;
        st[6] = f32::NAN;
        let shift: Vec<f32> = (0..cols).map(|i| if i % 2 == 0 { 0.0 } else { 0.25 }).collect();
        for isa in Isa::ALL.into_iter().filter(|isa| isa.is_available()) {
            let (got, sum) = dispatch(isa, ExpCols { st: st.clone(), rows, cols, shift: shift.clone() });
            let mut want_sum = vec![1.0f64; cols];
            for (i, (&x, &y)) in st.iter().zip(&got).enumerate() {
                let d = f64::from(x - shift[i % cols]);
                if x.is_nan() {
                    assert!(y.is_nan(), "{isa}: e^NaN gave {y}");
                    continue;
                }
                let want = if d * std::f64::consts::LOG2_E < -126.0 { 0.0 } else { d.exp() };
                want_sum[i % cols] += f64::from(y);
                let ulp = f64::from(f32::MIN_POSITIVE).max(want * f64::from(f32::EPSILON));
                let bound = (1.5 + d.abs()) * ulp;
                assert!((f64::from(y) - want).abs() <= bound, "{isa}: e^{d} = {y}, want {want}");
            }
            for (c, (&s, &w)) in sum.iter().zip(&want_sum).enumerate() {
                if c == 6 % cols {
                    assert!(s.is_nan(), "{isa}: the NaN column's sum is {s}");
                } else {
                    assert!((f64::from(s) - w).abs() <= 1e-5 * w, "{isa}: column {c} sums to {s}, want {w}");
                }
            }
        }
    }
}
