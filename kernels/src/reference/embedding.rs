//! Token embedding and its gradient, written once: the f64 oracles, what the kernels must
//! satisfy (the gather exactly, the accumulated gradient within [`GRAD_REL`]), seeded cases
//! with repeated ids, and the `compare` drivers of the tests, `harness run` and golden cases.

use super::golden::Golden;
use super::{At, Rng, Sample};
use crate::Opts;
use crate::embedding::{embedding as kernel_forward, embedding_backward as kernel_backward};

/// Gradient bound: `GRAD_REL |exact| + terms 2^-52 sum|terms|` per element of `dtable`,
/// `terms` counting the previous contents and every token's row added. The kernels round
/// each element once from an f64 sum (half an ULP, 6e-8 relative), and the f64 sum itself is
/// within `terms 2^-53` of the magnitudes it adds.
pub const GRAD_REL: f64 = 1e-6;

/// `table[ids[t]]` for every token, in f64.
pub fn embedding(table: &[f32], dim: usize, ids: &[u32]) -> Vec<f64> {
    ids.iter().flat_map(|&id| table[id as usize * dim..][..dim].iter().map(|&v| f64::from(v))).collect()
}

/// `dtable + scatter-add of dout by id` in f64, and for each element the sum of the absolute
/// values added and how many terms that was (for [`grad_bound`]).
pub fn embedding_backward(
    ids: &[u32],
    dout: &[f32],
    dim: usize,
    dtable: &[f32],
) -> (Vec<f64>, Vec<(f64, f64)>) {
    let mut sum: Vec<f64> = dtable.iter().map(|&v| f64::from(v)).collect();
    let mut size: Vec<(f64, f64)> = sum.iter().map(|v| (v.abs(), 1.0)).collect();
    for (&id, row) in ids.iter().zip(dout.chunks_exact(dim)) {
        let start = id as usize * dim;
        for (j, &g) in row.iter().enumerate() {
            sum[start + j] += f64::from(g);
            size[start + j].0 += f64::from(g).abs();
            size[start + j].1 += 1.0;
        }
    }
    (sum, size)
}

/// See [`GRAD_REL`]; `(abs_sum, terms)` as [`embedding_backward`] gives them.
pub fn grad_bound(exact: f64, (abs_sum, terms): (f64, f64)) -> f64 {
    GRAD_REL * exact.abs() + terms * abs_sum / 4_503_599_627_370_496.0
}

/// One problem: a `[vocab, dim]` table, token ids, an upstream gradient and the gradient's
/// previous contents (the backward pass adds into it).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub dim: usize,
    pub table: Vec<f32>,
    pub ids: Vec<u32>,
    pub dout: Vec<f32>,
    pub dtable: Vec<f32>,
}

impl Case {
    /// Random values from `seed`; every third token takes one of the first 3 ids, so that
    /// rows repeat; the gradient starts from values in [-1, 1).
    pub fn random(vocab: usize, dim: usize, tokens: usize, seed: u64) -> Case {
        let mut rng = Rng::new(seed);
        let ids = (0..tokens)
            .map(|t| {
                let range = if t % 3 == 0 { vocab.min(3) } else { vocab };
                rng.below(range.max(1) as u64) as u32
            })
            .collect();
        Case {
            dim,
            table: rng.vec(vocab * dim, -2.0, 2.0),
            ids,
            dout: rng.vec(tokens * dim, -1.0, 1.0),
            dtable: rng.vec(vocab * dim, -1.0, 1.0),
        }
    }

    pub fn vocab(&self) -> usize {
        self.table.len() / self.dim
    }

    pub fn describe(&self) -> String {
        format!("{} tokens from a {}x{} table", self.ids.len(), self.vocab(), self.dim)
    }

    /// The kernels' `(out, dtable)`; panics if they refuse a valid call.
    pub fn run(&self, opts: &Opts) -> (Vec<f32>, Vec<f32>) {
        let mut out = vec![0.0; self.ids.len() * self.dim];
        kernel_forward(&self.table, self.dim, &self.ids, &mut out, opts).expect("a valid call");
        let mut dtable = self.dtable.clone();
        kernel_backward(&self.ids, &self.dout, self.dim, &mut dtable, opts).expect("a valid call");
        (out, dtable)
    }

    /// Runs both passes and hands every output, against the oracle, to `sink`.
    pub fn compare(&self, opts: &Opts, sink: impl FnMut(Sample)) {
        let want_out = embedding(&self.table, self.dim, &self.ids);
        let want = embedding_backward(&self.ids, &self.dout, self.dim, &self.dtable);
        samples(self.dim, &self.run(opts), &want_out, want, sink);
    }
}

fn samples(
    dim: usize,
    (out, dtable): &(Vec<f32>, Vec<f32>),
    want_out: &[f64],
    (want_dtable, sizes): (Vec<f64>, Vec<(f64, f64)>),
    mut sink: impl FnMut(Sample),
) {
    for (i, (&got, &want)) in out.iter().zip(want_out).enumerate() {
        sink(Sample { what: "out", at: At::Cell(i / dim, i % dim), got, want, bound: 0.0 });
    }
    for (i, (&got, &want)) in dtable.iter().zip(&want_dtable).enumerate() {
        let bound = grad_bound(want, sizes[i]);
        sink(Sample { what: "dtable", at: At::Cell(i / dim, i % dim), got, want, bound });
    }
}

/// A golden case: the gather against PyTorch's `out`, and the gradient, added into zeros,
/// against its `dtable`.
pub fn compare_golden(golden: &Golden, opts: &Opts, sink: impl FnMut(Sample)) {
    let dim = golden.dim("dim");
    let ids: Vec<u32> = golden["ids"].iter().map(|&v| v as u32).collect();
    let table = golden.f32s("table");
    let case = Case { dim, dtable: vec![0.0; table.len()], table, ids, dout: golden.f32s("dout") };
    assert_eq!(case.vocab(), golden.dim("vocab"), "golden case {}: table is not vocab x dim", golden.name());
    let (_, sizes) = embedding_backward(&case.ids, &case.dout, dim, &case.dtable);
    samples(dim, &case.run(opts), &golden["out"], (golden["dtable"].to_vec(), sizes), sink);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_gather_and_sum_by_id() {
        let table = [0.0f32, 1.0, 2.0, 3.0];
        assert_eq!(embedding(&table, 2, &[1, 1, 0]), vec![2.0, 3.0, 2.0, 3.0, 0.0, 1.0]);
        let (sum, sizes) = embedding_backward(&[1, 1], &[0.5, -1.0, 0.25, 2.0], 2, &[1.0; 4]);
        assert_eq!(sum, vec![1.0, 1.0, 1.75, 2.0]);
        assert_eq!(sizes[2], (1.75, 3.0));
        let case = Case::random(10, 3, 30, 1);
        assert!(case.ids.iter().filter(|&&id| id < 3).count() >= 10);
        assert_eq!((case.vocab(), case.dout.len()), (10, 90));
    }
}
