//! The blocked GEMM loop nest, written once and instantiated per ISA through [`GemmKernel`]
//! (the shape of bluss/matrixmultiply's `gemm_loop<K: GemmKernel>`).
//!
//! C is cut into `NC`-column blocks and the inner dimension into `KC` slices. For each pair a
//! `KC x NC` block of B is packed into `NR`-wide panels (zero-padded), and `MC x KC` blocks of
//! A are read in place or, when A's layout would thrash L1, copied with a padded leading
//! dimension; the microkernel then updates the `MR x NR` tiles of one `NR`-column strip of C
//! per call (`GemmKernel::strip`), broadcasting A's elements and loading B's rows as vectors.
//! Edge tiles run kernels specialised for their row count, with masked B loads and C stores.
//!
//! Small problems skip both copies (`direct`): their operands already sit in L2.
//!
//! Everything here is safe code. It is `#[inline(always)]` so that each ISA's
//! `#[target_feature]` entry compiles the whole nest (copies included) for that ISA.

use crate::arch::Kernel;
use crate::{MatMut, MatRef, parallel};

/// Inner-dimension slice. The B micro-panel (`KC x NR` floats) is reused across every row
/// tile of the A block, so it should stay in L1: 256 x 32 floats = 32 KiB for AVX-512 fits the
/// 48 KiB L1d of Sapphire Rapids with room for the A rows streaming past (16 KiB for AVX2's
/// NR = 16 fits a 32 KiB L1 too). 192 and 384 measured no better here.
pub(crate) const KC: usize = 256;
/// Columns of the packed B block: `KC x NC` floats = 1 MiB, half of this machine's 2 MiB L2
/// (Sapphire Rapids), so the block survives while every row tile of A passes it. Against 512
/// it halves how often A is copied for n = 1024 and measured 2-5% faster at 768 and 1024; a
/// 1 MiB-L2 part (Zen 4) would want 512, which a run-time cache query could pick.
pub(crate) const NC: usize = 1024;
/// Rows of the A block: `MC x KC` floats = 96 KiB, re-read once per B micro-panel, so it has
/// to stay in L2 next to the B block; 96 measured 2-5% faster than 240 or 480 at n = 512 and
/// 1024. A multiple of every kernel's `MR` (4, 6, 12), so only the last block has edge tiles.
pub(crate) const MC: usize = 96;

/// One `C <- alpha * A * B + beta * C` problem, shapes already checked.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    /// Run the no-copy path ([`direct`]) instead of [`blocked`]; decided once per call so that
    /// every thread computes its elements with the same sequence of operations.
    pub direct: bool,
    pub alpha: f32,
    pub a: MatRef<'a>,
    pub b: MatRef<'a>,
    pub beta: f32,
    pub c: MatMut<'a>,
    /// One `(jc, pc)` block of B already packed (shared by every thread): [`blocked`] then
    /// runs only that block, without packing.
    pub packed_b: Option<PackedB<'a>>,
    /// See [`Scale::c_first`]; only the direct path passes it on.
    pub c_first: bool,
}

/// Rows `pc..pc + kc` of B, from column `jc` on (at most `NC` columns), packed by [`pack_b`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct PackedB<'a> {
    data: &'a [f32],
    jc: usize,
    pc: usize,
    kc: usize,
}

/// The scale factors of one tile update: `C <- alpha * (A panel * B panel) + beta * C`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub alpha: f32,
    /// 0 means "do not read C".
    pub beta: f32,
    /// With alpha = beta = 1, the kernel may start its sums from C instead of adding C at the
    /// end: for a caller whose C is hot in L1 and who does not mind that order (attention's
    /// P V). The public GEMM keeps C's addition last, as every ISA does.
    pub c_first: bool,
}

/// An `rows x cols` tile of C (at most `MR x NR`, or a strip of any height), every element
/// inside `data`.
#[derive(Debug)]
pub(crate) struct Tile<'a> {
    data: &'a mut [f32],
    row_stride: usize,
    col_stride: usize,
    rows: usize,
    cols: usize,
}

impl<'a> Tile<'a> {
    /// The tile at the start of `data`, or `None` if one of its elements would lie outside.
    #[inline(always)]
    pub(crate) fn new(
        data: &'a mut [f32],
        row_stride: usize,
        col_stride: usize,
        rows: usize,
        cols: usize,
    ) -> Option<Self> {
        let fits = rows == 0 || cols == 0 || (rows - 1) * row_stride + (cols - 1) * col_stride < data.len();
        fits.then_some(Tile { data, row_stride, col_stride, rows, cols })
    }

    /// The tile's data, starting at element (0, 0); `(i, j)` is at
    /// `i * row_stride() + j * col_stride()` and is in bounds for `i < rows(), j < cols()`.
    #[inline(always)]
    pub(crate) fn data(&mut self) -> &mut [f32] {
        self.data
    }
    #[inline(always)]
    pub(crate) fn row_stride(&self) -> usize {
        self.row_stride
    }
    #[inline(always)]
    pub(crate) fn col_stride(&self) -> usize {
        self.col_stride
    }
    #[inline(always)]
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }
    #[inline(always)]
    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Rows `row..row + rows` of the tile, if they are inside it.
    #[inline(always)]
    pub(crate) fn rows_at(&mut self, row: usize, rows: usize) -> Option<Tile<'_>> {
        if row.checked_add(rows)? > self.rows {
            return None;
        }
        let data = self.data.get_mut(row * self.row_stride..)?;
        Tile::new(data, self.row_stride, self.col_stride, rows, self.cols)
    }

    /// Writes `scale.alpha * acc + scale.beta * C` for the tile's elements, reading `acc` as a
    /// row-major `_ x nr` block: the portable store every kernel can fall back to.
    #[inline(always)]
    pub(crate) fn store_from(&mut self, acc: &[f32], nr: usize, scale: Scale) {
        for i in 0..self.rows {
            for j in 0..self.cols {
                let slot = &mut self.data[i * self.row_stride + j * self.col_stride];
                let ab = scale.alpha * acc[i * nr + j];
                *slot = if scale.beta == 0.0 { ab } else { ab + scale.beta * *slot };
            }
        }
    }
}

/// The innermost operations of one ISA: its microkernel.
pub(crate) trait GemmKernel: Copy + Send + Sync {
    /// Rows of the C tile (A's elements are broadcast, one row per accumulator row).
    const MR: usize;
    /// Columns of the C tile (B is packed in panels this wide and loaded as vectors).
    const NR: usize;

    /// `tile <- scale.alpha * a * b + scale.beta * tile` for an `rows x k` view `a` (any
    /// strides: its elements are broadcast one at a time) and a `k x cols` view `b` whose
    /// column stride is 1 (unless `cols == 1`), with `rows <= MR`, `cols <= NR` and the tile of
    /// the same `rows x cols` shape.
    ///
    /// # Panics
    /// If the arguments break that contract (an internal error: the loops never do).
    fn kernel(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, tile: Tile<'_>);

    /// [`kernel`](Self::kernel) for a strip of C as tall as `a` (any number of rows), one
    /// `MR`-row tile after another. An ISA overrides it to run the whole strip inside its
    /// target features, without a call and a dispatch per tile.
    #[inline(always)]
    fn strip(self, a: MatRef<'_>, b: MatRef<'_>, scale: Scale, mut strip: Tile<'_>) {
        for row in (0..a.rows()).step_by(Self::MR) {
            let mr = Self::MR.min(a.rows() - row);
            let (a, tile) = strip_tile(a, &mut strip, row, mr);
            self.kernel(a, b, scale, tile);
        }
    }
}

/// Asserts the contract of [`GemmKernel::kernel`] for tiles of at most `mr x nr`: `a` is
/// `rows x k` with `1 <= rows <= mr`, `b` is `k x cols` with `cols <= nr` and unit column
/// stride (unless `cols == 1`), and the tile is `rows x cols`. Every microkernel checks it
/// before its raw loads and stores; the loops never break it.
#[inline(always)]
pub(crate) fn assert_tile(mr: usize, nr: usize, a: &MatRef<'_>, b: &MatRef<'_>, tile: &Tile<'_>) {
    let (rows, k, cols) = (a.rows(), a.cols(), b.cols());
    assert!(
        (1..=mr).contains(&rows)
            && cols <= nr
            && b.rows() == k
            && (b.col_stride() == 1 || cols == 1)
            && tile.rows() == rows
            && tile.cols() == cols,
        "a {rows}x{k} times b {}x{cols} into a {}x{} tile is not one {mr}x{nr} microkernel tile",
        b.rows(),
        tile.rows(),
        tile.cols()
    );
}

/// Rows `row..row + mr` of `a` and of `strip`, which the caller took inside both.
#[inline(always)]
pub(crate) fn strip_tile<'s, 'a>(
    a: MatRef<'a>,
    strip: &'s mut Tile<'_>,
    row: usize,
    mr: usize,
) -> (MatRef<'a>, Tile<'s>) {
    let a = a.block(row, mr, 0, a.cols()).expect("a strip's tile rows lie inside A");
    (a, strip.rows_at(row, mr).expect("a strip's tile rows lie inside C"))
}

/// Packing buffers, kept per thread and reused across calls.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    a: Vec<f32>,
    b: Vec<f32>,
}

/// Floats in a 64-byte cache line: the slack a buffer needs to hold `len` floats from a line
/// boundary on.
pub(crate) const LINE_FLOATS: usize = 16;

/// The index of the first element of `buf` (at least `LINE_FLOATS` long) that starts a cache
/// line.
#[inline(always)]
pub(crate) fn line_start(buf: &[f32]) -> usize {
    buf.as_ptr().align_offset(64).min(LINE_FLOATS)
}

/// The 64-byte aligned prefix of `len` floats inside `buf`, growing it as needed: aligned
/// panels let the kernels' vector loads never straddle a cache line.
#[inline(always)]
fn aligned(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() < len + LINE_FLOATS {
        buf.resize(len + LINE_FLOATS, 0.0);
    }
    let offset = line_start(buf);
    &mut buf[offset..offset + len]
}

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::default();
}

/// The largest problem (in `m * k + k * n` operand floats, 128 KiB) run without copying A or
/// packing B: the operands then sit in L2 and one `k x NR` column panel of B (at most 16 KiB
/// for square shapes) stays in L1 while every row tile passes it, so the copies would only
/// add work. Measured at n = 128: about 145 GFLOP/s direct against 112 with packing.
const DIRECT_MAX_FLOATS: usize = 32 * 1024;

/// The smallest `m * n * k` (about 200^3, ~0.1 ms on one core) run on more than one thread:
/// measured with `matmul_interleaved -- 128,192,256 2`, two threads ran 0.66x one thread at
/// n = 128, 0.93x at 192 and 1.18x at 256.
const PARALLEL_MIN_MNK: usize = 1 << 23;

/// `C <- alpha * A * B + beta * C` on `threads` workers: the task the matmul entry point
/// dispatches.
#[derive(Debug)]
pub(crate) struct Gemm<'a> {
    pub job: Job<'a>,
    pub threads: usize,
}

task!(Gemm<'_> => (), |task, kernel| run(kernel, task.job, task.threads));

/// One thread's share of a product, run with the ISA's features on a worker thread.
struct Serial<'a, 'w> {
    job: Job<'a>,
    ws: &'w mut Workspace,
}

task!(Serial<'_, '_> => (), |task, kernel| serial(kernel, task.job, task.ws));

/// Runs `job` on `threads` workers.
#[inline(always)]
fn run<K: Kernel>(kernel: K, job: Job<'_>, threads: usize) {
    const { assert!(MC.is_multiple_of(K::MR), "MC must be a multiple of every MR") };
    let Job { alpha, a, b, beta, c, .. } = job;
    let (m, k, n) = (a.rows(), a.cols(), b.cols());
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == 0.0 {
        scale_c(beta, c);
        return;
    }
    // The kernels' vectors run along C's rows; if C is column-major, compute C^T = B^T A^T.
    let unit_cols = n == 1 || c.col_stride() == 1;
    let unit_rows = m == 1 || c.row_stride() == 1;
    let transpose = match (unit_cols, unit_rows) {
        (true, true) => n < m,
        (true, false) => false,
        (false, true) => true,
        (false, false) => c.row_stride() < c.col_stride(),
    };
    let (a, b, c) = if transpose { (b.t(), a.t(), c.t()) } else { (a, b, c) };
    let (m, n) = (c.rows(), c.cols());
    let direct = (b.col_stride() == 1 || n == 1) && m * k + k * n <= DIRECT_MAX_FLOATS;

    // Threads take disjoint bands of C's rows (never a slice of k), so each element sees the
    // same sequence of operations whatever the thread count. Below PARALLEL_MIN_MNK waking a
    // second thread costs more than it saves.
    let threads = if m * n * k < PARALLEL_MIN_MNK { 1 } else { threads };
    if threads <= 1 {
        let job = Job { direct, alpha, a, b, beta, c, packed_b: None, c_first: false };
        if direct {
            // Nothing to pack: skip the thread-local lookup, a measurable cost at n = 16.
            return serial(kernel, job, &mut Workspace::default());
        }
        return with_workspace(|ws| serial(kernel, job, ws));
    }
    let band = m.div_ceil(threads).div_ceil(K::MR) * K::MR;
    let mut bands = Vec::with_capacity(threads);
    let mut rest = c;
    let mut start = 0;
    while start + band < m {
        match rest.split_rows(band) {
            Ok((top, bottom)) => {
                bands.push((start, top));
                rest = bottom;
                start += band;
            }
            Err(whole) => {
                rest = whole;
                break;
            }
        }
    }
    bands.push((start, rest));
    if direct {
        let one = |(start, c): (usize, MatMut<'_>)| {
            let a = a.block(start, c.rows(), 0, k).expect("a band of C's rows lies inside A");
            let job = Job { direct, alpha, a, b, beta, c, packed_b: None, c_first: false };
            kernel.vectorize(Serial { job, ws: &mut Workspace::default() });
        };
        use rayon::prelude::*;
        return parallel::install(bands.len(), || bands.into_par_iter().for_each(one));
    }
    // Every band multiplies the same B: pack each block of it once, the threads sharing both
    // the packing and the packed panels, instead of every thread packing all of B.
    let threads = bands.len();
    with_workspace(|ws| {
        parallel::install(threads, || {
            use rayon::prelude::*;
            for jc in (0..n).step_by(NC) {
                let nc = NC.min(n - jc);
                let panels = nc.div_ceil(K::NR);
                for pc in (0..k).step_by(KC) {
                    let kc = KC.min(k - pc);
                    let bpack = aligned(&mut ws.b, panels * K::NR * kc);
                    let per_thread = panels.div_ceil(threads);
                    bpack.par_chunks_mut(per_thread * K::NR * kc).enumerate().for_each(|(t, dst)| {
                        let first = t * per_thread * K::NR;
                        pack_b::<K>(dst, b, pc, kc, jc + first, (nc - first).min(per_thread * K::NR));
                    });
                    let packed_b = Some(PackedB { data: bpack, jc, pc, kc });
                    bands.par_iter_mut().for_each(|(start, c)| {
                        let a = a.block(*start, c.rows(), 0, k).expect("a band of C's rows lies inside A");
                        let job = Job { direct, alpha, a, b, beta, c: c.rb_mut(), packed_b, c_first: false };
                        with_workspace(|ws| kernel.vectorize(Serial { job, ws }));
                    });
                }
            }
        });
    });
}

/// Lends `work` this thread's packing buffers.
fn with_workspace(work: impl FnOnce(&mut Workspace)) {
    let mut ws = WORKSPACE.with(|slot| slot.take());
    work(&mut ws);
    WORKSPACE.with(|slot| slot.replace(ws));
}

/// `C <- beta * C` (zeros when `beta == 0`, without reading C).
fn scale_c(beta: f32, mut c: MatMut<'_>) {
    for i in 0..c.rows() {
        for j in 0..c.cols() {
            let slot = c.get_mut(i, j).expect("(i, j) lies inside C");
            *slot = if beta == 0.0 { 0.0 } else { beta * *slot };
        }
    }
}

/// The single-threaded algorithm; `m, n, k > 0` and `alpha != 0`.
#[inline(always)]
pub(crate) fn serial<K: GemmKernel>(kernel: K, job: Job<'_>, ws: &mut Workspace) {
    if job.direct {
        direct(kernel, job);
    } else {
        blocked(kernel, job, ws);
    }
}

/// Small problems: one kernel call per `NR`-column strip of C, reading A and B where they are.
#[inline(always)]
fn direct<K: GemmKernel>(kernel: K, job: Job<'_>) {
    let Job { alpha, a, b, beta, mut c, c_first, .. } = job;
    let (m, k, n) = (a.rows(), a.cols(), b.cols());
    let (rsc, csc) = (c.row_stride(), c.col_stride());
    let c = c.data_mut();
    let scale = Scale { alpha, beta, c_first };
    for col in (0..n).step_by(K::NR) {
        let nr = K::NR.min(n - col);
        let b = b.block(0, k, col, nr).expect("a strip of B's columns lies inside B");
        let strip = c.get_mut(col * csc..).and_then(|data| Tile::new(data, rsc, csc, m, nr));
        kernel.strip(a, b, scale, strip.expect("a strip of C's columns lies inside C"));
    }
}

/// The cache-blocked loop nest: B is packed (unless `job.packed_b` brings one block of it
/// packed already), A is read in place.
#[inline(always)]
fn blocked<K: GemmKernel>(kernel: K, job: Job<'_>, ws: &mut Workspace) {
    let Job { alpha, a, b, beta, mut c, packed_b, .. } = job;
    let (k, n) = (a.cols(), b.cols());
    let ws_a = &mut ws.a;
    if let Some(block) = packed_b {
        return row_blocks(kernel, a, &mut c, block, alpha, beta, ws_a);
    }
    for jc in (0..n).step_by(NC) {
        let nc = NC.min(n - jc);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            let bpack = aligned(&mut ws.b, nc.div_ceil(K::NR) * K::NR * kc);
            pack_b::<K>(bpack, b, pc, kc, jc, nc);
            let block = PackedB { data: bpack, jc, pc, kc };
            row_blocks(kernel, a, &mut c, block, alpha, beta, ws_a);
        }
    }
}

/// Multiplies every `MC`-row block of A by one packed block of B, into C.
#[inline(always)]
fn row_blocks<K: GemmKernel>(
    kernel: K,
    a: MatRef<'_>,
    c: &mut MatMut<'_>,
    block: PackedB<'_>,
    alpha: f32,
    beta: f32,
    ws_a: &mut Vec<f32>,
) {
    let PackedB { data: bpack, jc, pc, kc, .. } = block;
    let (m, n) = (c.rows(), c.cols());
    let (rsc, csc) = (c.row_stride(), c.col_stride());
    let c = c.data_mut();
    let scale = Scale { alpha, beta: if pc == 0 { beta } else { 1.0 }, c_first: false };
    for ic in (0..m).step_by(MC) {
        let mc = MC.min(m - ic);
        let a = copy_a(ws_a, a, ic, mc, pc, kc);
        for (jr, bpanel) in bpack.chunks_exact(K::NR * kc).enumerate() {
            let col = jc + jr * K::NR;
            let nr = K::NR.min(n - col);
            let bpanel =
                MatRef::with_strides(bpanel, kc, nr, K::NR, 1).expect("a packed panel holds kc x NR");
            let strip = c.get_mut(ic * rsc + col * csc..).and_then(|data| Tile::new(data, rsc, csc, mc, nr));
            kernel.strip(a, bpanel, scale, strip.expect("a strip of C's block lies inside C"));
        }
    }
}

/// Views rows `row0..row0 + mc`, columns `p0..p0 + kc` of A, copied into `buf` unless A is
/// row-major with a harmless leading dimension.
///
/// The copy keeps A's orientation (row- or column-major, so it is a sequence of `memcpy`s) but
/// pads its leading dimension by one cache line: with a power-of-two leading dimension such as
/// 1024, every row of the original starts in the same L1 set and a block of them cannot stay
/// in L1 or even L2 while B panels stream past.
#[inline(always)]
fn copy_a<'w>(
    buf: &'w mut Vec<f32>,
    a: MatRef<'w>,
    row0: usize,
    mc: usize,
    p0: usize,
    kc: usize,
) -> MatRef<'w> {
    const PAD: usize = 16;
    let src = a.block(row0, mc, p0, kc).expect("a block of A lies inside A");
    let data = src.as_slice();
    let (rs, cs) = (src.row_stride(), src.col_stride());
    // Only a leading dimension that is a multiple of 4 KiB puts every row in the same L1 set;
    // any other row-major A is read in place (the copy measured 2% slower there).
    // (A one-row view may carry any unused row stride, so no byte count is formed from it.)
    if cs == 1 && !rs.is_multiple_of(1024) {
        return src;
    }
    if rs == 1 && cs != 1 {
        let ld = mc + PAD;
        let dst = aligned(buf, ld * kc);
        for (p, col) in dst.chunks_exact_mut(ld).enumerate() {
            col[..mc].copy_from_slice(&data[p * cs..p * cs + mc]);
        }
        return MatRef::with_strides(dst, mc, kc, 1, ld).expect("the copy holds mc x kc");
    }
    let ld = kc + PAD;
    let dst = aligned(buf, ld * mc);
    for (i, row) in dst.chunks_exact_mut(ld).enumerate() {
        if cs == 1 {
            row[..kc].copy_from_slice(&data[i * rs..i * rs + kc]);
        } else {
            for (p, v) in row[..kc].iter_mut().enumerate() {
                *v = data[i * rs + p * cs];
            }
        }
    }
    MatRef::with_strides(dst, mc, kc, ld, 1).expect("the copy holds mc x kc")
}

/// Packs rows `p0..p0 + kc`, columns `col0..col0 + nc` of B into `NR`-column panels, each
/// stored row by row, zero-padding the last panel's missing columns.
#[inline(always)]
fn pack_b<K: GemmKernel>(dst: &mut [f32], b: MatRef<'_>, p0: usize, kc: usize, col0: usize, nc: usize) {
    let data = b.as_slice();
    let (rs, cs) = (b.row_stride(), b.col_stride());
    let panels = nc.div_ceil(K::NR);
    if cs == 1 {
        // Row by row: each row of the block is read once, sequentially (column panels first
        // would touch a new page per row, per panel).
        for p in 0..kc {
            let start = (p0 + p) * rs + col0;
            let src = &data[start..start + nc];
            for (q, chunk) in src.chunks(K::NR).enumerate() {
                let at = q * K::NR * kc + p * K::NR;
                let row = &mut dst[at..at + K::NR];
                // An element loop, not copy_from_slice: for NR floats a memmove call costs more
                // than the copy, and this loop compiles to a few vector moves.
                for (slot, &v) in row.iter_mut().zip(chunk) {
                    *slot = v;
                }
                row[chunk.len()..].fill(0.0);
            }
        }
        return;
    }
    for (q, panel) in dst.chunks_exact_mut(K::NR * kc).take(panels).enumerate() {
        let first = col0 + q * K::NR;
        let cols = K::NR.min(col0 + nc - first);
        if cols < K::NR {
            panel.fill(0.0);
        }
        if rs == 1 {
            for j in 0..cols {
                let start = (first + j) * cs + p0;
                let src = &data[start..start + kc];
                for (row, &v) in panel.chunks_exact_mut(K::NR).zip(src) {
                    row[j] = v;
                }
            }
        } else {
            for (p, row) in panel.chunks_exact_mut(K::NR).enumerate() {
                for (j, v) in row[..cols].iter_mut().enumerate() {
                    *v = data[(p0 + p) * rs + (first + j) * cs];
                }
            }
        }
    }
}
