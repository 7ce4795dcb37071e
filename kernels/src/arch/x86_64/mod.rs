//! The x86-64 ISAs: each module's token (`avx2::Avx2`, `avx512::Avx512`) can only be built
//! by code that has proved the CPU runs that ISA, and implements [`Kernel`](super::Kernel)
//! with its intrinsics: vector operations, the exponentials' scaling and the GEMM
//! microkernel. The macros below are what the two write alike.

/// Runs intrinsics from code without a `#[target_feature]` of its own: the vector operations
/// and exponentials of an ISA's token, `#[inline(always)]` into that token's `vectorize`.
macro_rules! x86 {
    ($e:expr) => {
        // SAFETY: CPU feature: this code takes an ISA's token, which exists only after
        // `new_unchecked`, whose caller saw the ISA's features; it inlines into the token's
        // `vectorize`, compiled with them. Bounds: registers only, no memory is touched.
        unsafe { $e }
    };
}

/// An ISA's proof token `$name` and its [`Kernel`](crate::arch::Kernel) implementation:
/// `vectorize` runs every task inside one function compiled with `$features`; `$items` are
/// the ISA's overrides of the trait's provided methods.
macro_rules! token {
    ($(#[$doc:meta])* $name:ident, $features:literal, { $($items:item)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub(crate) struct $name {
            _proof: (),
        }

        impl $name {
            /// # Safety
            ///
            #[doc = concat!("The CPU must support ", $features, ".")]
            pub(crate) unsafe fn new_unchecked() -> Self {
                $name { _proof: () }
            }
        }

        impl $crate::arch::Kernel for $name {
            #[inline]
            fn vectorize<T: $crate::arch::Task>(self, task: T) -> T::Output {
                /// Every task compiled for the ISA.
                #[target_feature(enable = $features)]
                #[inline(never)]
                fn run<T: $crate::arch::Task>(kernel: $name, task: T) -> T::Output {
                    task.run(kernel)
                }
                // SAFETY: CPU feature: a token exists only after `new_unchecked`, whose caller
                // saw its features. Bounds: `run` is safe code with no other obligation.
                unsafe { run(self, task) }
            }

            $($items)*
        }
    };
}

/// The [`Vector`](crate::arch::Vector) methods written alike on every x86 ISA, for an `impl
/// Vector` block: `$v` is the vector type, `$mask` the comparison result, and each method is
/// named with its intrinsic (`$or` the bitwise or, `$rcp` the reciprocal estimate).
macro_rules! arithmetic {
    ($v:ty, $mask:ty, $set1:ident, $cmp:ident, $or:ident, $rcp:ident, binary: [$($op2:ident $f2:ident),*], ternary: [$($op3:ident $f3:ident),*]) => {
        #[inline(always)]
        fn splat(self, x: f32) -> $v {
            x86!($set1(x))
        }
        $(
            #[inline(always)]
            fn $op2(self, a: $v, b: $v) -> $v {
                x86!($f2(a, b))
            }
        )*
        $(
            #[inline(always)]
            fn $op3(self, a: $v, b: $v, c: $v) -> $v {
                x86!($f3(a, b, c))
            }
        )*
        #[inline(always)]
        fn eq(self, a: $v, b: $v) -> $mask {
            x86!($cmp::<_CMP_EQ_OQ>(a, b))
        }
        #[inline(always)]
        fn ne(self, a: $v, b: $v) -> $mask {
            x86!($cmp::<_CMP_NEQ_UQ>(a, b))
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
        fn exp2(self, t: $v) -> $v {
            exp2(self, t)
        }
        #[inline(always)]
        fn neg_abs(self, x: $v) -> $v {
            x86!($or(x, $set1(-0.0)))
        }
        #[inline(always)]
        fn recip(self, v: $v) -> $v {
            // The estimate r errs by e = 1 - v r, |e| < 2^-11 (2^-14 on AVX-512); r + r e errs
            // by about e^2.
            let r = x86!($rcp(v));
            self.mul_add(r, self.neg_mul_add(v, r, self.splat(1.0)), r)
        }
        #[inline(always)]
        fn stream_fence(self) {
            x86!(_mm_sfence())
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
