//! Borrowed strided matrix views: the argument type of every matrix kernel. A view is a slice
//! plus a shape and two strides, checked once when it is built, so kernels never re-check bounds.
//!
//! Strides are `usize` and counted in elements (not bytes): element `(i, j)` lives at
//! `data[i * row_stride + j * col_stride]`. Non-negative strides cover row-major, column-major,
//! padded leading dimensions and transposed views ([`MatRef::t`]); reversed views are not
//! expressible, which keeps every offset computation free of signed arithmetic.

use crate::Error;

/// An immutable `rows x cols` view of `f32`s with arbitrary (non-negative) strides.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

/// A mutable `rows x cols` view of `f32`s whose strides never map two elements to one slot.
#[derive(Debug)]
pub struct MatMut<'a> {
    data: &'a mut [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

/// The transpose and the shape accessors, which both views define alike.
macro_rules! shape_accessors {
    ($view:ident) => {
        impl<'a> $view<'a> {
            /// The transposed view, sharing the same data.
            pub fn t(self) -> $view<'a> {
                let (rows, cols, row_stride, col_stride) =
                    (self.cols, self.rows, self.col_stride, self.row_stride);
                $view { rows, cols, row_stride, col_stride, ..self }
            }

            /// Number of rows.
            pub fn rows(&self) -> usize {
                self.rows
            }

            /// Number of columns.
            pub fn cols(&self) -> usize {
                self.cols
            }

            /// Distance in elements between `(i, j)` and `(i + 1, j)`.
            pub fn row_stride(&self) -> usize {
                self.row_stride
            }

            /// Distance in elements between `(i, j)` and `(i, j + 1)`.
            pub fn col_stride(&self) -> usize {
                self.col_stride
            }
        }
    };
}

shape_accessors!(MatRef);
shape_accessors!(MatMut);

/// Checks that every element of the view lies inside a slice of `len` elements.
fn check_bounds(
    op: &'static str,
    len: usize,
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
) -> Result<(), Error> {
    if rows == 0 || cols == 0 {
        return Ok(());
    }
    let last = (rows - 1)
        .checked_mul(row_stride)
        .and_then(|r| (cols - 1).checked_mul(col_stride).and_then(|c| r.checked_add(c)));
    match last {
        Some(last) if last < len => Ok(()),
        _ => Err(Error::len(
            op,
            format!(
                "a {rows}x{cols} view with strides ({row_stride}, {col_stride}) needs {} \
                 elements, but data has {len}",
                last.map_or_else(|| "more than usize::MAX".to_string(), |l| (l + 1).to_string())
            ),
        )),
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Whether two distinct elements of a `rows x cols` view with these strides share a slot.
///
/// `(i, j)` and `(i', j')` collide iff `di * row_stride == dj * col_stride` for some
/// `0 < di < rows`, `0 < dj < cols` (or a zero stride along a dimension longer than one). The
/// smallest such pair is `di = col_stride / g`, `dj = row_stride / g` with `g = gcd`.
fn aliases(rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> bool {
    if rows == 0 || cols == 0 {
        return false;
    }
    if (rows > 1 && row_stride == 0) || (cols > 1 && col_stride == 0) {
        return true;
    }
    if rows == 1 || cols == 1 {
        return false;
    }
    let g = gcd(row_stride, col_stride);
    col_stride / g < rows && row_stride / g < cols
}

impl<'a> MatRef<'a> {
    /// A row-major contiguous view: `data.len()` must be exactly `rows * cols`.
    pub fn new(data: &'a [f32], rows: usize, cols: usize) -> Result<Self, Error> {
        check_exact("MatRef::new", data.len(), rows, cols)?;
        Ok(MatRef { data, rows, cols, row_stride: cols, col_stride: 1 })
    }

    /// A view with explicit strides in elements; every element must lie inside `data`.
    pub fn with_strides(
        data: &'a [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Result<Self, Error> {
        check_bounds("MatRef::with_strides", data.len(), rows, cols, row_stride, col_stride)?;
        Ok(MatRef { data, rows, cols, row_stride, col_stride })
    }

    /// The element at `(i, j)`, or `None` outside the shape.
    pub fn get(&self, i: usize, j: usize) -> Option<f32> {
        (i < self.rows && j < self.cols).then(|| self.data[i * self.row_stride + j * self.col_stride])
    }

    /// The underlying slice; element `(i, j)` is at `i * row_stride + j * col_stride`.
    pub fn as_slice(&self) -> &'a [f32] {
        self.data
    }

    /// The sub-view of rows `row0..row0 + rows` and columns `col0..col0 + cols`, or `None` if
    /// that range leaves the shape (so every view keeps all its elements inside its data).
    pub(crate) fn block(self, row0: usize, rows: usize, col0: usize, cols: usize) -> Option<MatRef<'a>> {
        if row0.checked_add(rows)? > self.rows || col0.checked_add(cols)? > self.cols {
            return None;
        }
        let offset = if rows == 0 || cols == 0 { 0 } else { row0 * self.row_stride + col0 * self.col_stride };
        Some(MatRef { data: self.data.get(offset..)?, rows, cols, ..self })
    }
}

fn check_exact(op: &'static str, len: usize, rows: usize, cols: usize) -> Result<(), Error> {
    match rows.checked_mul(cols) {
        Some(n) if n == len => Ok(()),
        _ => Err(Error::len(
            op,
            format!("a row-major {rows}x{cols} matrix needs {rows}*{cols} elements, but data has {len}"),
        )),
    }
}

impl<'a> MatMut<'a> {
    /// A row-major contiguous view: `data.len()` must be exactly `rows * cols`.
    pub fn new(data: &'a mut [f32], rows: usize, cols: usize) -> Result<Self, Error> {
        check_exact("MatMut::new", data.len(), rows, cols)?;
        Ok(MatMut { data, rows, cols, row_stride: cols, col_stride: 1 })
    }

    /// A view with explicit strides in elements; every element must lie inside `data` and no
    /// two distinct elements may share a slot (a zero stride, or `(2, 1)` on a 3x3 view, fails).
    pub fn with_strides(
        data: &'a mut [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Result<Self, Error> {
        const OP: &str = "MatMut::with_strides";
        check_bounds(OP, data.len(), rows, cols, row_stride, col_stride)?;
        if aliases(rows, cols, row_stride, col_stride) {
            return Err(Error::aliasing(
                OP,
                format!(
                    "a mutable {rows}x{cols} view with strides ({row_stride}, {col_stride}) maps \
                     two distinct elements to the same slot"
                ),
            ));
        }
        Ok(MatMut { data, rows, cols, row_stride, col_stride })
    }

    /// A read-only view of the same elements.
    pub fn as_ref(&self) -> MatRef<'_> {
        MatRef {
            data: self.data,
            rows: self.rows,
            cols: self.cols,
            row_stride: self.row_stride,
            col_stride: self.col_stride,
        }
    }

    /// A shorter-lived mutable view of the same elements.
    pub fn rb_mut(&mut self) -> MatMut<'_> {
        MatMut { data: self.data, ..*self }
    }

    /// The element at `(i, j)`, or `None` outside the shape.
    pub fn get(&self, i: usize, j: usize) -> Option<f32> {
        self.as_ref().get(i, j)
    }

    /// A mutable reference to the element at `(i, j)`, or `None` outside the shape.
    pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut f32> {
        if i < self.rows && j < self.cols {
            Some(&mut self.data[i * self.row_stride + j * self.col_stride])
        } else {
            None
        }
    }

    /// The underlying slice, starting at element `(0, 0)`.
    pub(crate) fn data_mut(&mut self) -> &mut [f32] {
        self.data
    }

    /// Splits off rows `at..` into a second view, when the rows occupy disjoint ranges of the
    /// slice (the row stride is the outer one). Returns `Err(self)` when they interleave.
    pub(crate) fn split_rows(self, at: usize) -> Result<(MatMut<'a>, MatMut<'a>), MatMut<'a>> {
        let row_span = match self.cols {
            0 => 0,
            cols => (cols - 1) * self.col_stride + 1,
        };
        if at == 0 || at >= self.rows || self.row_stride < row_span {
            return Err(self);
        }
        let (rows, cols, row_stride, col_stride) = (self.rows, self.cols, self.row_stride, self.col_stride);
        let (top, bottom) = self.data.split_at_mut(at * row_stride);
        let top = MatMut { data: top, rows: at, cols, row_stride, col_stride };
        let bottom = MatMut { data: bottom, rows: rows - at, cols, row_stride, col_stride };
        Ok((top, bottom))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_and_transpose_index_the_same_data() {
        let data: Vec<f32> = (0..6).map(|x| x as f32).collect();
        let a = MatRef::new(&data, 2, 3).unwrap();
        assert_eq!(a.get(1, 2), Some(5.0));
        let at = a.t();
        assert_eq!((at.rows(), at.cols()), (3, 2));
        assert_eq!(at.get(2, 1), Some(5.0));
        assert_eq!(a.get(2, 0), None);
    }

    #[test]
    fn bounds_are_checked_for_every_element() {
        let data = [0.0f32; 10];
        assert!(MatRef::with_strides(&data, 2, 3, 5, 2).is_ok()); // last = 5 + 4 = 9
        let err = MatRef::with_strides(&data, 2, 3, 6, 2).unwrap_err();
        assert!(err.to_string().contains("2x3 view with strides (6, 2) needs 11"), "{err}");
        assert!(MatRef::with_strides(&data, 0, 100, 1000, 1000).is_ok());
        assert!(MatRef::with_strides(&data, 2, 2, usize::MAX, 1).is_err());
        let err = MatRef::new(&data, 3, 3).unwrap_err();
        assert!(err.to_string().contains("3x3"), "{err}");
    }

    #[test]
    fn aliasing_strides_are_exactly_the_colliding_ones() {
        // Brute force over small shapes and strides against the closed form.
        for rows in 0..4 {
            for cols in 0..4 {
                for rs in 0..7 {
                    for cs in 0..7 {
                        let mut seen = std::collections::HashSet::new();
                        let collide = (0..rows)
                            .flat_map(|i| (0..cols).map(move |j| i * rs + j * cs))
                            .any(|o| !seen.insert(o));
                        assert_eq!(aliases(rows, cols, rs, cs), collide, "{rows}x{cols} ({rs},{cs})");
                    }
                }
            }
        }
        let mut data = [0.0f32; 9];
        let err = MatMut::with_strides(&mut data, 3, 3, 2, 1).unwrap_err();
        assert!(matches!(err, Error::Aliasing { .. }));
        assert!(err.to_string().contains("3x3 view with strides (2, 1)"), "{err}");
        let mut data = [0.0f32; 11];
        assert!(MatMut::with_strides(&mut data, 3, 3, 2, 3).is_ok());
    }

    #[test]
    fn split_rows_only_when_rows_are_disjoint() {
        let mut data = [0.0f32; 12];
        let c = MatMut::with_strides(&mut data, 3, 4, 4, 1).unwrap();
        let (top, bottom) = c.split_rows(1).unwrap();
        assert_eq!((top.rows(), bottom.rows()), (1, 2));
        let mut data = [0.0f32; 12];
        let c = MatMut::with_strides(&mut data, 4, 3, 1, 4).unwrap();
        assert!(c.split_rows(2).is_err());
    }
}
