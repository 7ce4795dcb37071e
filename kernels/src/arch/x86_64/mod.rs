//! x86-64 microkernels. Each ISA module exposes the same `MatmulKernel` token type, which can
//! only be built by code that has proved the CPU runs that ISA. `softmax_loop` (the softmax
//! family) and `attention_cols` (the column sweeps of attention's score tiles) are written
//! once over `vector::Vector`, the vector operations each ISA's `softmax` module supplies.

pub(crate) mod attention_cols;
pub(crate) mod avx2;
pub(crate) mod avx512;
pub(crate) mod softmax_loop;
pub(crate) mod vector;
