//! The x86-64 ISAs: each module's token (`avx2::Avx2`, `avx512::Avx512`) can only be built
//! by code that has proved the CPU runs that ISA, and implements [`Kernel`](super::Kernel)
//! with its intrinsics: vector operations, the exponentials' scaling and the GEMM
//! microkernel. The macros below are what the two write alike.

/// The [`Vector`](crate::arch::Vector) methods that are one intrinsic each on every x86 ISA,
/// for an `impl Vector` block: `$isa!` wraps the intrinsic in its SAFETY argument, `$v` is the
/// vector type, and the intrinsics are named in the order of the methods.
macro_rules! arithmetic {
    ($isa:ident, $v:ty, $set1:ident, $add:ident, $sub:ident, $mul:ident, $max:ident, $fmadd:ident, $fnmadd:ident) => {
        #[inline(always)]
        fn splat(self, x: f32) -> $v {
            $isa!($set1(x))
        }
        #[inline(always)]
        fn add(self, a: $v, b: $v) -> $v {
            $isa!($add(a, b))
        }
        #[inline(always)]
        fn sub(self, a: $v, b: $v) -> $v {
            $isa!($sub(a, b))
        }
        #[inline(always)]
        fn mul(self, a: $v, b: $v) -> $v {
            $isa!($mul(a, b))
        }
        #[inline(always)]
        fn max(self, a: $v, b: $v) -> $v {
            $isa!($max(a, b))
        }
        #[inline(always)]
        fn mul_add(self, a: $v, b: $v, c: $v) -> $v {
            $isa!($fmadd(a, b, c))
        }
        #[inline(always)]
        fn neg_mul_add(self, a: $v, b: $v, c: $v) -> $v {
            $isa!($fnmadd(a, b, c))
        }
        #[inline(always)]
        fn exp(self, v: $v) -> $v {
            exp(self, v)
        }
        #[inline(always)]
        fn exp_nonpositive(self, v: $v) -> $v {
            exp_nonpositive(self, v)
        }
        #[inline(always)]
        fn exp_small(self, v: $v) -> $v {
            exp_small(self, v)
        }
    };
}

/// `match rows` over the row counts a microkernel is instantiated for, calling
/// `$kernel::<rows, $consts...>($args...)`.
macro_rules! by_rows {
    ($rows:expr, [$($r:literal)*], $kernel:ident, $consts:tt, $args:tt) => {
        match $rows {
            $($r => by_rows!(@call $kernel, $r, $consts, $args),)*
            _ => unreachable!("the microkernel checked 1 <= rows <= MR"),
        }
    };
    (@call $kernel:ident, $r:literal, ($($c:tt)*), ($($arg:expr),*)) => {
        $kernel::<$r, $($c)*>($($arg),*)
    };
}

pub(crate) mod avx2;
pub(crate) mod avx512;
