//! The PyTorch float64 golden cases of `kernels/tests/data/` (format: `shared/golden/README.md`),
//! embedded in the crate so that an installed `harness` carries them, and their one parser,
//! which the tests use too.

use std::collections::BTreeMap;
use std::ops::Index;

/// `(file name, contents)` of each embedded case.
type Embedded = (&'static str, &'static str);

macro_rules! embed {
    ($($file:literal),* $(,)?) => {
        [$(($file, include_str!(concat!("../../tests/data/", $file)))),*]
    };
}

/// The softmax cases: `rows`, `cols`, `x`, `dy` and PyTorch's `softmax`, `log_softmax`,
/// `softmax_dx`, `log_softmax_dx`.
pub const SOFTMAX: [Embedded; 6] = embed!(
    "softmax_large_logits.txt",
    "softmax_masked_rows.txt",
    "softmax_negative_offset.txt",
    "softmax_one_col.txt",
    "softmax_small.txt",
    "softmax_wide.txt",
);

/// The attention cases: the shape, `causal`, `scale`, an optional `mask`, `q`, `k`, `v`,
/// `dout` and PyTorch's `out`, `lse`, `dq`, `dk`, `dv`.
pub const ATTENTION: [Embedded; 11] = embed!(
    "attn_additive_mask.txt",
    "attn_basic.txt",
    "attn_causal_decode.txt",
    "attn_causal_odd.txt",
    "attn_gqa.txt",
    "attn_head128.txt",
    "attn_large_logits.txt",
    "attn_mqa.txt",
    "attn_padding_mask.txt",
    "attn_scale.txt",
    "attn_single_query.txt",
);

/// The norm cases: `rows`, `cols`, `eps`, `x`, `weight`, `bias` (layer norm), `dy` and
/// PyTorch's `y`, `mean` (layer norm), `rstd`, `dx`, `dweight`, `dbias` (layer norm).
pub const NORM: [Embedded; 6] = embed!(
    "norm_layer_offset.txt",
    "norm_layer_small.txt",
    "norm_layer_wide.txt",
    "norm_rms_small.txt",
    "norm_rms_tiny.txt",
    "norm_rms_wide.txt",
);

/// The cross-entropy cases: `rows`, `classes`, `ignore_index` (-1: none), `logits`,
/// `targets`, `dloss` and PyTorch's `losses`, `loss`, `dlogits`.
pub const CROSS_ENTROPY: [Embedded; 6] = embed!(
    "ce_all_ignored.txt",
    "ce_basic.txt",
    "ce_ignore.txt",
    "ce_large_logits.txt",
    "ce_one_class.txt",
    "ce_wide.txt",
);

/// The activation cases: `n`, `x` (SwiGLU: `gate`, `up`), `dy` and PyTorch's `y` and `dx`
/// (SwiGLU: `dgate`, `dup`).
pub const ACTIVATION: [Embedded; 4] =
    embed!("act_gelu_erf.txt", "act_gelu_tanh.txt", "act_silu.txt", "act_swiglu.txt");

/// The embedding cases: `vocab`, `dim`, `tokens`, `table`, `ids`, `dout` and PyTorch's `out`
/// and `dtable`.
pub const EMBEDDING: [Embedded; 2] = embed!("emb_basic.txt", "emb_wide.txt");

/// The RoPE cases: `tokens`, `heads`, `head_dim`, `theta`, `positions`, `x`, `dy` and
/// PyTorch's `y` and `dx`.
pub const ROPE: [Embedded; 3] = embed!("rope_basic.txt", "rope_far.txt", "rope_llama.txt");

/// Every embedded case.
pub fn all() -> impl Iterator<Item = &'static Embedded> {
    SOFTMAX
        .iter()
        .chain(&ATTENTION)
        .chain(&NORM)
        .chain(&CROSS_ENTROPY)
        .chain(&ACTIVATION)
        .chain(&EMBEDDING)
        .chain(&ROPE)
}

/// One parsed case: every `key value...` line but `case`, the values as f64.
#[derive(Clone, Debug, PartialEq)]
pub struct Golden {
    name: &'static str,
    values: BTreeMap<String, Vec<f64>>,
}

impl Golden {
    /// Parses one file; `name` is what errors and panics call it.
    pub fn parse(name: &'static str, text: &str) -> Result<Golden, String> {
        let mut values = BTreeMap::new();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let Some(key) = words.next().filter(|&key| key != "case") else { continue };
            let numbers = words
                .map(|w| w.parse::<f64>().map_err(|e| format!("{name}: {key}: {w}: {e}")))
                .collect::<Result<_, _>>()?;
            values.insert(key.to_string(), numbers);
        }
        Ok(Golden { name, values })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn get(&self, key: &str) -> Option<&[f64]> {
        self.values.get(key).map(Vec::as_slice)
    }

    /// The values under `key`, rounded to f32 (inputs are exact f32 values).
    pub fn f32s(&self, key: &str) -> Vec<f32> {
        self[key].iter().map(|&v| v as f32).collect()
    }

    /// The single integer under `key` (a dimension or a flag).
    pub fn dim(&self, key: &str) -> usize {
        self[key][0] as usize
    }
}

/// `case["x"]`: the values under a key; panics naming the file when it has no such key.
impl Index<&str> for Golden {
    type Output = [f64];

    fn index(&self, key: &str) -> &[f64] {
        self.get(key).unwrap_or_else(|| panic!("golden case {}: no key {key}", self.name))
    }
}

/// Parses embedded cases; they are checked in, so a parse error is a bug and panics.
pub fn parse_all(cases: &[Embedded]) -> impl Iterator<Item = Golden> + '_ {
    cases.iter().map(|&(name, text)| Golden::parse(name, text).unwrap_or_else(|e| panic!("{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_case_parses() {
        for &(name, text) in all() {
            let case = Golden::parse(name, text).unwrap();
            let upstream = case.get("dy").or(case.get("dout")).or(case.get("dloss"));
            assert!(case.get("case").is_none() && upstream.is_some());
        }
        let g = Golden::parse("t", "case t\nrows 2\nx 1 -inf 0.5\n").unwrap();
        assert_eq!((g.dim("rows"), &g["x"]), (2, &[1.0, f64::NEG_INFINITY, 0.5][..]));
        assert_eq!(Golden::parse("t", "x 1 one").unwrap_err(), "t: x: one: invalid float literal");
    }

    #[test]
    fn every_data_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
        let mut on_disk: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        on_disk.sort();
        let mut embedded: Vec<&str> = all().map(|(name, _)| *name).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
