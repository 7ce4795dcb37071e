//! # exp
//!
//! Element-wise exponential: `y[i] = e^x[i]` for every `i`.
//!
//! ## Contract
//! - `x.len() == y.len()`, any length, any alignment; `y` is overwritten, never read.
//! - Every f32 bit pattern is a possible input. Special values:
//!   - NaN gives NaN;
//!   - `x > 88.7228` (where e^x exceeds `f32::MAX`), and `+inf`, give `+inf`;
//!   - where e^x is below the smallest normal f32 (`x < -87.3365`), and for `-inf`, the result
//!     is `+0` or a subnormal (flushing to `+0` is allowed and usually faster).
//!
//! ## Accuracy
//! Wherever e^x is a normal f32: within 2 ULP of the exact value (an ULP of a value in
//! `[2^e, 2^(e+1))` is `2^(e - 23)`). A good implementation stays under 1 ULP. The checks sweep
//! the start of every binade of both signs and the neighbours of the thresholds above.
//!
//! ## Speed
//! The limit is memory: `harness bench` reports G elements/s next to a plain copy of the same
//! bytes measured in the same run.
//!
//! ## Rules
//! The function must stay safe to call. Inside it, `std::arch` intrinsics and `unsafe` are
//! allowed, but every `unsafe` block needs a `// SAFETY:` comment saying why it is sound
//! (undocumented unsafe blocks are a compile error). Pick the instruction set at run time
//! (`is_x86_feature_detected!`) if you use one beyond the baseline. Both slices are placed right
//! against unmapped guard pages, so reading or writing even one element out of bounds crashes
//! instead of passing.

pub fn exp(x: &[f32], y: &mut [f32]) {
    todo!()
}
