//! What the fuzz targets share: the (ISA, threads) pairs every input runs on, [`padded`],
//! which stretches a short input to a whole problem description, and [`Source`], which turns
//! the fuzzer's bytes into f32 values and continues with a seeded generator once they run out,
//! so that a short input still describes a large, fully determined problem.

use std::borrow::Cow;

use kernels::{Isa, Opts};
pub use libfuzzer_sys::arbitrary::{Result, Unstructured};

/// Bytes that cover every target's shape, layout and flag choices (the values come after).
pub const STRUCTURE_BYTES: usize = 64;

/// `data`, extended to [`STRUCTURE_BYTES`] by a generator seeded with a hash of it.
///
/// libFuzzer starts with inputs of a few bytes and lengthens them only once short ones stop
/// finding new coverage, which for these targets takes longer than a typical run: without
/// this, every choice past the first few bytes would keep its default (alpha 1, row-major,
/// no mask...) for the whole run. Stretched, a short input is a random problem, and a long one
/// picks every choice itself.
pub fn padded(data: &[u8]) -> Cow<'_, [u8]> {
    if data.len() >= STRUCTURE_BYTES {
        return Cow::Borrowed(data);
    }
    // FNV-1a of the input and its length, so that "" and "\0" differ.
    let mut hash = 0xCBF2_9CE4_8422_2325u64;
    for &b in data.iter().chain(&[data.len() as u8]) {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    let mut fill = Source { bytes: &[], state: hash };
    let mut out = data.to_vec();
    while out.len() < STRUCTURE_BYTES {
        out.extend_from_slice(&fill.raw().to_le_bytes());
    }
    out.truncate(STRUCTURE_BYTES);
    Cow::Owned(out)
}

/// 2^-24, the unit roundoff of f32.
pub const U: f64 = 1.0 / 16_777_216.0;

/// The thread counts every input runs with; results must be bitwise the same for each.
pub const THREADS: [usize; 2] = [1, 2];

/// The length of an element-wise target's slices: 0 to 300, and one input in 32 just past
/// `parallel_elements`, where the op splits its slices over threads.
pub fn slice_len(u: &mut Unstructured<'_>, parallel_elements: usize) -> Result<usize> {
    if u.int_in_range(0u8..=31)? == 31 {
        return Ok(parallel_elements + u.int_in_range(0..=2000)?);
    }
    u.int_in_range(0..=300)
}

/// Every ISA this CPU runs, forced one at a time.
pub fn isas() -> Vec<Isa> {
    Isa::available()
}

/// `opts` forcing `isa` on `threads` worker threads.
pub fn opts(isa: Isa, threads: usize) -> Opts {
    Opts { isa: Some(isa), threads }
}

/// The bit patterns of `x`, to compare results exactly (NaN included).
pub fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// Values for a fuzz input: 4 bytes of the input per value while they last, then a SplitMix64
/// stream seeded from the input.
#[derive(Clone, Debug)]
pub struct Source<'a> {
    bytes: &'a [u8],
    state: u64,
}

impl<'a> Source<'a> {
    /// Reads the seed from `u` and takes the rest of its bytes as values.
    pub fn new(mut u: Unstructured<'a>) -> Result<Self> {
        let state = u.arbitrary::<u64>()?;
        Ok(Source { bytes: u.take_rest(), state })
    }

    /// 32 raw bits.
    pub fn raw(&mut self) -> u32 {
        if let Some((head, rest)) = self.bytes.split_first_chunk::<4>() {
            self.bytes = rest;
            return u32::from_le_bytes(*head);
        }
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as u32
    }

    /// Uniform in [0, n) (n > 0), up to a bias of n / 2^32.
    pub fn below(&mut self, n: usize) -> usize {
        ((u64::from(self.raw()) * n as u64) >> 32) as usize
    }

    /// Uniform in [-1, 1) on a 2^-23 grid.
    pub fn unit(&mut self) -> f32 {
        (self.raw() >> 8) as f32 / (1u32 << 23) as f32 - 1.0
    }

    /// Uniform in [lo, hi) (from `lo + (hi - lo) * t`, so `hi - lo` must be finite).
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let t = (self.raw() >> 8) as f32 / (1u32 << 24) as f32;
        lo + (hi - lo) * t
    }

    /// A value of either sign whose magnitude is `[1, 2) * 2^e` with `e` in `emin..=emax`.
    pub fn spread(&mut self, emin: i32, emax: i32) -> f32 {
        let r = self.raw();
        let mantissa = 1.0 + (r & 0x7F_FFFF) as f32 / (1u32 << 23) as f32;
        let e = emin + ((r >> 23) & 0xFF) as i32 % (emax - emin + 1);
        let sign = if r >> 31 == 1 { -1.0 } else { 1.0 };
        sign * mantissa * 2f32.powi(e)
    }

    /// `n` values of `f`.
    pub fn vec(&mut self, n: usize, mut f: impl FnMut(&mut Self) -> f32) -> Vec<f32> {
        (0..n).map(|_| f(self)).collect()
    }
}

/// The largest finite |x|, 0 when there is none.
pub fn max_abs(x: &[f64]) -> f64 {
    x.iter().filter(|v| v.is_finite()).fold(0.0f64, |m, v| m.max(v.abs()))
}
