//! Full 12 x 32 tiles, a whole strip of them per call, with the k loop in assembly.
//!
//! The tile loop runs inside one function compiled for AVX-512, so consecutive tiles cost no
//! call, dispatch or bounds checks between them. The k loop is assembly: from intrinsics LLVM
//! computes each of the 12 A addresses with its own scalar add per step of k, and that loop
//! measured 1-2% slower in attention. Here the rows of A are reached from three base pointers
//! through the scaled index of the address (`a + {0, 1, 2, 3} * row stride`), four pointer adds
//! per step for its 24 FMAs, whatever A's and B's strides are. Accumulators, prefetches and
//! stores stay in intrinsics.

use core::arch::asm;
use core::arch::x86_64::*;

use super::{MR, NR, prefetch_tile, store};
use crate::arch::generic::gemm::{Scale, Tile};

/// Where the k loop reads: A's 12 rows and B's 32 columns at step `p` of k are
/// `a + i * a_rs + p * a_cs` and `b + p * b_rs .. + 32`, all strides in bytes.
#[derive(Clone, Copy)]
pub(super) struct Stream {
    pub a: *const f32,
    pub a_rs: usize,
    pub a_cs: usize,
    pub b: *const f32,
    pub b_rs: usize,
}

/// `tiles` full tiles stacked down one strip of C: tile `t` is
/// `c[t * MR * c_rs..] <- alpha * A[t * MR.., ..k] * B[..k, ..NR] + beta * c` (C row stride
/// `c_rs` elements, unit column stride).
///
/// # Safety
/// The CPU supports avx512f, avx2 and fma; A's `tiles * MR` rows and B's `k` rows, as `s` describes them
/// (byte strides), are readable; the `tiles * MR` rows of NR floats at `c` are writable.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline(never)]
pub(super) unsafe fn strip(s: &Stream, k: usize, tiles: usize, scale: Scale, c: *mut f32, c_rs: usize) {
    // Fetch C 64 steps before the end (as the intrinsics kernel does).
    let prefetch_at = k.saturating_sub(64);
    // C += A B where the caller allows it (attention's P V, C hot in L1): start the
    // accumulators from C instead of adding it at the end, which saves 24 additions per tile
    // on the FMA ports (measured 4% of attention's forward).
    let from_c = scale.c_first && scale.alpha == 1.0 && scale.beta == 1.0;
    let store_scale = if from_c { Scale { alpha: 1.0, beta: 0.0, c_first: false } } else { scale };
    for t in 0..tiles {
        let mut acc = [[_mm512_setzero_ps(); 2]; MR];
        let mut stream = Stream { a: s.a.wrapping_byte_add(t * MR * s.a_rs), ..*s };
        // Tile t's C rows lie inside the caller's `tiles * MR` writable rows; the loads of C read
        // its rows i < MR, NR floats each; `accumulate` reads tile t's A rows and B's k rows.
        // SAFETY: CPU feature: this function's avx512f. Bounds: all of the above, the caller's.
        unsafe {
            let data = core::slice::from_raw_parts_mut(c.add(t * MR * c_rs), (MR - 1) * c_rs + NR);
            let mut tile =
                Tile::new(data, c_rs, 1, MR, NR).expect("MR rows of NR floats fit the tile's data");
            if from_c {
                let row = tile.data().as_ptr();
                for (i, acc_i) in acc.iter_mut().enumerate() {
                    *acc_i = [_mm512_loadu_ps(row.add(i * c_rs)), _mm512_loadu_ps(row.add(i * c_rs + 16))];
                }
            }
            accumulate(&mut acc, &mut stream, prefetch_at);
            prefetch_tile(&mut tile);
            accumulate(&mut acc, &mut stream, k - prefetch_at);
            store::<MR, true>(&acc, store_scale, &mut tile);
        }
    }
}

/// One step of k: B's two vectors, then for each row of A a broadcast and two FMAs into that
/// row's accumulators (zmm8 + 2i, zmm9 + 2i). Broadcasts rotate through zmm2..zmm7 so that
/// consecutive rows do not wait on one register.
macro_rules! step {
    () => {
        concat!(
            "vmovups zmm0, zmmword ptr [{b}]\n",
            "vmovups zmm1, zmmword ptr [{b} + 64]\n",
            "vbroadcastss zmm2, dword ptr [{a0}]\n",
            "vbroadcastss zmm3, dword ptr [{a0} + {rs}]\n",
            "vbroadcastss zmm4, dword ptr [{a0} + {rs} * 2]\n",
            "vfmadd231ps zmm8, zmm0, zmm2\n",
            "vfmadd231ps zmm9, zmm1, zmm2\n",
            "vbroadcastss zmm5, dword ptr [{a0} + {rs3}]\n",
            "vfmadd231ps zmm10, zmm0, zmm3\n",
            "vfmadd231ps zmm11, zmm1, zmm3\n",
            "vbroadcastss zmm6, dword ptr [{a4}]\n",
            "vfmadd231ps zmm12, zmm0, zmm4\n",
            "vfmadd231ps zmm13, zmm1, zmm4\n",
            "vbroadcastss zmm7, dword ptr [{a4} + {rs}]\n",
            "vfmadd231ps zmm14, zmm0, zmm5\n",
            "vfmadd231ps zmm15, zmm1, zmm5\n",
            "vbroadcastss zmm2, dword ptr [{a4} + {rs} * 2]\n",
            "vfmadd231ps zmm16, zmm0, zmm6\n",
            "vfmadd231ps zmm17, zmm1, zmm6\n",
            "vbroadcastss zmm3, dword ptr [{a4} + {rs3}]\n",
            "vfmadd231ps zmm18, zmm0, zmm7\n",
            "vfmadd231ps zmm19, zmm1, zmm7\n",
            "vbroadcastss zmm4, dword ptr [{a8}]\n",
            "vfmadd231ps zmm20, zmm0, zmm2\n",
            "vfmadd231ps zmm21, zmm1, zmm2\n",
            "vbroadcastss zmm5, dword ptr [{a8} + {rs}]\n",
            "vfmadd231ps zmm22, zmm0, zmm3\n",
            "vfmadd231ps zmm23, zmm1, zmm3\n",
            "vbroadcastss zmm6, dword ptr [{a8} + {rs} * 2]\n",
            "vfmadd231ps zmm24, zmm0, zmm4\n",
            "vfmadd231ps zmm25, zmm1, zmm4\n",
            "vbroadcastss zmm7, dword ptr [{a8} + {rs3}]\n",
            "vfmadd231ps zmm26, zmm0, zmm5\n",
            "vfmadd231ps zmm27, zmm1, zmm5\n",
            "vfmadd231ps zmm28, zmm0, zmm6\n",
            "vfmadd231ps zmm29, zmm1, zmm6\n",
            "vfmadd231ps zmm30, zmm0, zmm7\n",
            "vfmadd231ps zmm31, zmm1, zmm7\n",
            "add {a0}, {acs}\n",
            "add {a4}, {acs}\n",
            "add {a8}, {acs}\n",
            "add {b}, {brs}\n",
        )
    };
}

/// Adds `A[0..12, p] * B[p, 0..32]` for `steps` steps of k to `acc` (row i's two vectors are
/// `acc[i]`), and advances `s` past them.
///
/// # Safety
/// The CPU supports avx512f; for every step `p < steps`, the 12 floats at byte offsets
/// `i * s.a_rs + p * s.a_cs` from `s.a` (`i < 12`) and the 32 floats from
/// `s.b + p * s.b_rs` bytes are readable.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn accumulate(acc: &mut [[__m512; 2]; MR], s: &mut Stream, steps: usize) {
    if steps == 0 {
        return;
    }
    let [
        [c0, c1],
        [c2, c3],
        [c4, c5],
        [c6, c7],
        [c8, c9],
        [c10, c11],
        [c12, c13],
        [c14, c15],
        [c16, c17],
        [c18, c19],
        [c20, c21],
        [c22, c23],
    ] = acc;
    let a0 = s.a.cast::<u8>();
    let (mut a0, mut a4, mut a8) = (a0, a0.wrapping_add(4 * s.a_rs), a0.wrapping_add(8 * s.a_rs));
    let mut b = s.b.cast::<u8>();
    // Each step reads the 12 A floats and 32 B floats of one p < steps and advances the
    // pointers by one step's strides; the block writes only the registers it declares.
    // SAFETY: CPU feature: avx512f, enabled here. Bounds: the caller vouches for those reads.
    unsafe {
        asm!(
            "test {quads}, {quads}",
            "jz 3f",
            "2:",
            step!(),
            step!(),
            step!(),
            step!(),
            "dec {quads}",
            "jnz 2b",
            "3:",
            "test {rest}, {rest}",
            "jz 5f",
            "4:",
            step!(),
            "dec {rest}",
            "jnz 4b",
            "5:",
            a0 = inout(reg) a0,
            a4 = inout(reg) a4,
            a8 = inout(reg) a8,
            b = inout(reg) b,
            quads = inout(reg) steps / 4 => _,
            rest = inout(reg) steps % 4 => _,
            rs = in(reg) s.a_rs,
            rs3 = in(reg) 3 * s.a_rs,
            acs = in(reg) s.a_cs,
            brs = in(reg) s.b_rs,
            out("zmm0") _, out("zmm1") _, out("zmm2") _, out("zmm3") _,
            out("zmm4") _, out("zmm5") _, out("zmm6") _, out("zmm7") _,
            inout("zmm8") *c0, inout("zmm9") *c1, inout("zmm10") *c2, inout("zmm11") *c3,
            inout("zmm12") *c4, inout("zmm13") *c5, inout("zmm14") *c6, inout("zmm15") *c7,
            inout("zmm16") *c8, inout("zmm17") *c9, inout("zmm18") *c10, inout("zmm19") *c11,
            inout("zmm20") *c12, inout("zmm21") *c13, inout("zmm22") *c14, inout("zmm23") *c15,
            inout("zmm24") *c16, inout("zmm25") *c17, inout("zmm26") *c18, inout("zmm27") *c19,
            inout("zmm28") *c20, inout("zmm29") *c21, inout("zmm30") *c22, inout("zmm31") *c23,
            options(nostack, readonly),
        );
    }
    let _ = (a4, a8);
    s.a = a0.cast();
    s.b = b.cast();
}
