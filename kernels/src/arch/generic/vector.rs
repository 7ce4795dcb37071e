//! The vector operations every generic sweep is written over (softmax, attention's columns,
//! exp, the FMA peak): `scalar` implements them on one lane, `avx2` and `avx512` on 8 and 16.

/// One ISA's f32 vector and its operations, each `#[inline(always)]` so that it inherits the
/// caller's target features. A value of the implementing type exists only once the CPU is
/// known to run the ISA, so the register-only operations are safe; the loads and stores are
/// `unsafe` for their bounds alone.
pub(crate) trait Vector: Copy + Send + Sync {
    /// A vector of `LANES` f32.
    type V: Copy;
    /// A lane mask, as a comparison returns it.
    type Mask: Copy;
    const LANES: usize;
    /// Whether [`mul_add`](Self::mul_add) rounds once (a hardware FMA). Without it the
    /// generic exp reduces its argument with an exactly representable split of ln 2.
    const FMA: bool;

    fn splat(self, x: f32) -> Self::V;
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`, correctly rounded.
    fn div(self, a: Self::V, b: Self::V) -> Self::V;
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// `-|x|`: the sign bit set (NaN stays NaN).
    fn neg_abs(self, x: Self::V) -> Self::V;
    /// `1 / v` within 2^-21 relative, for `v` in [1, 2] (NaN gives NaN): a hardware estimate
    /// refined by one Newton step where the ISA has one, which costs a fraction of a division.
    fn recip(self, v: Self::V) -> Self::V;
    /// `a * b + c`, one rounding where [`FMA`](Self::FMA) (else two).
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// `c - a * b`, one rounding where [`FMA`](Self::FMA) (else two).
    fn neg_mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Lanes where `a == b` (false where either is NaN).
    fn eq(self, a: Self::V, b: Self::V) -> Self::Mask;
    /// Lanes where `a != b` (true where either is NaN).
    fn ne(self, a: Self::V, b: Self::V) -> Self::Mask;
    /// `a` in the lanes of `mask`, `b` elsewhere.
    fn select(self, mask: Self::Mask, a: Self::V, b: Self::V) -> Self::V;
    fn no_lanes(self) -> Self::Mask;
    fn or_mask(self, a: Self::Mask, b: Self::Mask) -> Self::Mask;
    fn any(self, mask: Self::Mask) -> bool;
    /// The largest lane (order of the fold fixed per ISA).
    fn reduce_max(self, v: Self::V) -> f32;
    /// The sum of the lanes (order of the fold fixed per ISA).
    fn reduce_add(self, v: Self::V) -> f32;
    /// e^x: inf above `exp::EXP_HI`, +0 below `exp::EXP_LO`, NaN for NaN. The reduction
    /// and polynomial are `generic::exp`'s; the ISA supplies the scaling by 2^n.
    fn exp(self, v: Self::V) -> Self::V;
    /// [`exp`](Self::exp) for lanes `<= 0` or NaN, without the overflow fix-up.
    fn exp_nonpositive(self, v: Self::V) -> Self::V;
    /// 2^t for lanes `<= exp::EXP2_HI` or NaN: `exp::poly_2` of `t - floor(t)` scaled by
    /// 2^floor(t), within 1.3 ULP; +0 below `exp::EXP2_LO`, NaN for NaN; no overflow handling.
    fn exp2(self, t: Self::V) -> Self::V;
    /// e^x as `2^(x log2 e)`, for lanes `<= EXP2_HI ln 2` or NaN (attention's scores, and
    /// softmax's and cross-entropy's logits minus their max): the product's rounding makes the
    /// relative error grow with |x|, to about (1.3 + |x|) ULP, which only matters for terms
    /// already small against the largest.
    #[inline(always)]
    fn exp_small(self, x: Self::V) -> Self::V {
        self.exp2(self.mul(x, self.splat(super::exp::LOG2E)))
    }

    /// # Safety
    /// `p` valid for `LANES` reads.
    unsafe fn load(self, p: *const f32) -> Self::V;
    /// The first `len` (`< LANES`) lanes at `p`, the others set to `fill`.
    ///
    /// # Safety
    /// `p` valid for `len` reads; the other lanes are not accessed.
    unsafe fn load_tail(self, p: *const f32, len: usize, fill: Self::V) -> Self::V;
    /// # Safety
    /// `p` valid for `LANES` writes.
    unsafe fn store(self, p: *mut f32, v: Self::V);
    /// Stores the first `len` (`< LANES`) lanes of `v` at `p`.
    ///
    /// # Safety
    /// `p` valid for `len` writes; the other lanes are not accessed.
    unsafe fn store_tail(self, p: *mut f32, len: usize, v: Self::V);
    /// Stores `v` at `p` around the caches (a non-temporal store): the line is written whole,
    /// without first being read for ownership, and not kept. For outputs too large to stay in
    /// cache (`generic::stream`); [`stream_fence`](Self::stream_fence) must follow them.
    ///
    /// # Safety
    /// `p` valid for `LANES` writes and aligned to `LANES` f32.
    unsafe fn store_stream(self, p: *mut f32, v: Self::V);
    /// Orders the streaming stores before every store that follows, so that whoever is handed
    /// the output next sees it.
    fn stream_fence(self);
}
