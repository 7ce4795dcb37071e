//! A matrix in a buffer under one of the stride layouts the gemm checks cross: the fixture the
//! tests, `harness run matmul` and the fuzz targets build their operands with.

use crate::reference::Rng;
use crate::{Error, MatMut, MatRef};

/// How a logical `rows x cols` matrix is laid out in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    RowMajor,
    ColMajor,
    /// Row-major with a leading dimension `cols + pad`.
    PaddedRows(usize),
    /// Column-major with a leading dimension `rows + pad`.
    PaddedCols(usize),
    /// Stored as its transpose (row-major `cols x rows`) and viewed through `.t()`.
    Transposed,
    /// Neither stride is 1: `(row, col)` at `row * (2 * cols + 1) + 2 * col`.
    Spread,
}

impl Layout {
    /// (row stride, col stride) of a logical `rows x cols` matrix.
    pub fn strides(self, rows: usize, cols: usize) -> (usize, usize) {
        match self {
            Layout::RowMajor => (cols, 1),
            Layout::ColMajor | Layout::Transposed => (1, rows),
            Layout::PaddedRows(pad) => (cols + pad, 1),
            Layout::PaddedCols(pad) => (1, rows + pad),
            Layout::Spread => (2 * cols + 1, 2),
        }
    }

    /// The slots from the first element to the last, both included (0 for an empty matrix).
    pub fn span(self, rows: usize, cols: usize) -> usize {
        if rows == 0 || cols == 0 {
            return 0;
        }
        let (rs, cs) = self.strides(rows, cols);
        (rows - 1) * rs + (cols - 1) * cs + 1
    }

    /// The `rows x cols` matrix this layout puts in `data`; `Transposed` through `.t()`.
    pub fn view(self, data: &[f32], rows: usize, cols: usize) -> Result<MatRef<'_>, Error> {
        let (rs, cs) = self.strides(rows, cols);
        match self {
            Layout::Transposed => MatRef::with_strides(data, cols, rows, rows, 1).map(MatRef::t),
            _ => MatRef::with_strides(data, rows, cols, rs, cs),
        }
    }

    /// [`Layout::view`], writable.
    pub fn view_mut(self, data: &mut [f32], rows: usize, cols: usize) -> Result<MatMut<'_>, Error> {
        let (rs, cs) = self.strides(rows, cols);
        match self {
            Layout::Transposed => MatMut::with_strides(data, cols, rows, rows, 1).map(MatMut::t),
            _ => MatMut::with_strides(data, rows, cols, rs, cs),
        }
    }
}

/// Every kind of layout once: unit and non-unit strides on either side, padding, transposes.
pub const LAYOUTS: [Layout; 6] = [
    Layout::RowMajor,
    Layout::ColMajor,
    Layout::PaddedRows(3),
    Layout::PaddedCols(5),
    Layout::Transposed,
    Layout::Spread,
];

/// Slots after a view's last element, so that a write past the end shows.
const SLACK: usize = 2;

/// A matrix's buffer plus how to view it. Every slot holds a value, those outside the view
/// (padding, and [`SLACK`] after the end) included.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    data: Vec<f32>,
    rows: usize,
    cols: usize,
    layout: Layout,
}

impl Stored {
    /// Element `(i, j)` is `value(i, j)`; every other slot holds `fill`.
    pub fn new(
        rows: usize,
        cols: usize,
        layout: Layout,
        fill: f32,
        value: impl Fn(usize, usize) -> f32,
    ) -> Self {
        let (rs, cs, len) = strides(rows, cols, layout);
        let mut data = vec![fill; len];
        for i in 0..rows {
            for j in 0..cols {
                data[i * rs + j * cs] = value(i, j);
            }
        }
        Stored { data, rows, cols, layout }
    }

    /// Every slot uniform in [-1, 1), drawn in buffer order.
    pub fn random(rows: usize, cols: usize, layout: Layout, rng: &mut Rng) -> Self {
        let (_, _, len) = strides(rows, cols, layout);
        Stored { data: rng.vec(len, -1.0, 1.0), rows, cols, layout }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The whole buffer, padding included.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    pub fn view(&self) -> MatRef<'_> {
        let view = self.layout.view(&self.data, self.rows, self.cols);
        view.expect("a layout's strides stay inside its buffer")
    }

    pub fn view_mut(&mut self) -> MatMut<'_> {
        let view = self.layout.view_mut(&mut self.data, self.rows, self.cols);
        view.expect("a layout's strides stay inside its buffer and never alias")
    }

    /// Element `(i, j)` of the view.
    pub fn get(&self, i: usize, j: usize) -> f32 {
        self.view().get(i, j).expect("(i, j) inside the shape")
    }

    /// The first slot outside the view whose bits differ in `after` (the same matrix after a
    /// kernel wrote it), if any.
    pub fn changed_padding(&self, after: &Stored) -> Option<usize> {
        let (rs, cs, len) = strides(self.rows, self.cols, self.layout);
        let mut used = vec![false; len];
        (0..self.rows).for_each(|i| (0..self.cols).for_each(|j| used[i * rs + j * cs] = true));
        (0..len).find(|&s| !used[s] && self.data[s].to_bits() != after.data[s].to_bits())
    }

    /// Whether the two buffers are equal bit for bit.
    pub fn bits_eq(&self, other: &Stored) -> bool {
        self.data.len() == other.data.len()
            && self.data.iter().zip(&other.data).all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// (row stride, col stride, buffer length) of a logical `rows x cols` view: its span, then
/// [`SLACK`] (at least one slot, even when empty).
fn strides(rows: usize, cols: usize, layout: Layout) -> (usize, usize, usize) {
    let (rs, cs) = layout.strides(rows, cols);
    let span = layout.span(rows, cols);
    (rs, cs, span + SLACK + usize::from(span == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_view_the_same_matrix() {
        for layout in LAYOUTS {
            let m = Stored::new(3, 4, layout, -7.0, |i, j| (10 * i + j) as f32);
            assert_eq!((m.view().rows(), m.view().cols(), m.get(2, 3)), (3, 4, 23.0), "{layout:?}");
            let mut written = m.clone();
            *written.view_mut().get_mut(2, 3).unwrap() = 0.0;
            assert_eq!(m.changed_padding(&written), None, "{layout:?}");
            written.data[m.data.len() - 1] = 1.0;
            assert_eq!(m.changed_padding(&written), Some(m.data.len() - 1), "{layout:?}");
        }
        let mut rng = Rng::new(1);
        assert_eq!(Stored::random(0, 5, Layout::Spread, &mut rng).data().len(), 3);
    }
}
