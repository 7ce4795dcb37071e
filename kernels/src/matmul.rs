//! Matrix multiplication `C <- alpha * A * B + beta * C` on strided f32 views: the safe entry
//! point checks shapes once, then runs the blocked algorithm of `arch::generic::gemm` with the
//! microkernel of the chosen ISA.

use crate::arch::{self, generic::gemm};
use crate::{Error, MatMut, MatRef, Opts};

/// Checks that `a` is m x k, `b` is k x n and `c` is m x n, naming the shapes otherwise.
pub(crate) fn check_shapes(
    op: &'static str,
    a: &MatRef<'_>,
    b: &MatRef<'_>,
    c: &MatMut<'_>,
) -> Result<(), Error> {
    let (m, k, n) = (a.rows(), a.cols(), b.cols());
    if b.rows() != k {
        return Err(Error::shape(
            op,
            format!("a is {m}x{k} but b is {}x{n} (a.cols must equal b.rows)", b.rows()),
        ));
    }
    if c.rows() != m || c.cols() != n {
        return Err(Error::shape(
            op,
            format!(
                "a is {m}x{k} and b is {k}x{n}, so c must be {m}x{n}, but c is {}x{}",
                c.rows(),
                c.cols()
            ),
        ));
    }
    Ok(())
}

/// `C <- alpha * A * B + beta * C` for views with any strides.
///
/// With `beta == 0` the old contents of C are never read (NaN in C does not leak); with
/// `alpha == 0` or an empty inner dimension A and B are not read and C becomes `beta * C`.
/// The result is bitwise the same for every `opts.threads`: threads split C's rows or columns,
/// never the inner dimension.
///
/// ```
/// use kernels::{matmul::gemm, MatMut, MatRef, Opts};
/// let a = [1.0, 2.0, 3.0, 4.0]; // 2x2
/// let b = [5.0, 6.0]; // 2x1
/// let mut c = [1.0, 1.0];
/// gemm(1.0, MatRef::new(&a, 2, 2)?, MatRef::new(&b, 2, 1)?, 10.0,
///      MatMut::new(&mut c, 2, 1)?, &Opts::default())?;
/// assert_eq!(c, [27.0, 49.0]);
/// # Ok::<(), kernels::Error>(())
/// ```
pub fn gemm(
    alpha: f32,
    a: MatRef<'_>,
    b: MatRef<'_>,
    beta: f32,
    c: MatMut<'_>,
    opts: &Opts,
) -> Result<(), Error> {
    const OP: &str = "matmul";
    check_shapes(OP, &a, &b, &c)?;
    let isa = opts.resolve_isa(OP)?;
    let job = gemm::Job { direct: false, alpha, a, b, beta, c, packed_b: None, c_first: false };
    arch::dispatch(isa, gemm::Gemm { job, threads: opts.thread_count() });
    Ok(())
}

/// `C <- A * B`.
pub fn matmul(a: MatRef<'_>, b: MatRef<'_>, c: MatMut<'_>, opts: &Opts) -> Result<(), Error> {
    gemm(1.0, a, b, 0.0, c, opts)
}
