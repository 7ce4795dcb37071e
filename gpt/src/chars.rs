//! The character-level task: a text's distinct characters as the vocabulary, its last tenth
//! held out, training windows drawn from the rest, and held-out bits per character.

use kernels::Opts;

use crate::model::{Acts, Batch, Model};
use crate::rng::Rng;
use crate::{Error, Result};

/// A text split into the part trained on and the tenth held out (its end), as token ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chars {
    /// Token `i` is `vocab[i]`: the text's distinct characters in code-point order.
    pub vocab: Vec<char>,
    pub train: Vec<u32>,
    pub held_out: Vec<u32>,
}

impl Chars {
    /// Splits `text`; it needs room for a window of `seq + 1` characters in each part.
    pub fn new(text: &str, seq: usize) -> Result<Chars> {
        let mut vocab: Vec<char> = text.chars().collect();
        vocab.sort_unstable();
        vocab.dedup();
        let ids: Vec<u32> = text.chars().map(|c| vocab.binary_search(&c).unwrap_or(0) as u32).collect();
        let held = ids.len() / 10;
        if held < seq + 1 {
            return Err(Error::Input(format!(
                "the text has {} characters; its held-out tenth needs at least {} (a window of {seq} + 1), so at least {}",
                ids.len(),
                seq + 1,
                10 * (seq + 1)
            )));
        }
        let train = ids[..ids.len() - held].to_vec();
        let held_out = ids[ids.len() - held..].to_vec();
        Ok(Chars { vocab, train, held_out })
    }

    /// The token ids of `text`, naming the first character outside the vocabulary.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        text.chars()
            .map(|c| {
                self.vocab
                    .binary_search(&c)
                    .map(|i| i as u32)
                    .map_err(|_| Error::Input(format!("character {c:?} is not in the vocabulary")))
            })
            .collect()
    }

    /// `size` windows of `seq + 1` characters of the training part, at offsets drawn from
    /// `(seed, step)` alone (as the adder's batches), every position scored.
    pub fn batch(&self, seed: u64, step: u64, size: usize, seq: usize) -> Batch {
        let hash = |x: u64| Rng::new(x).next_u64();
        let mut rng = Rng::new(hash(hash(seed ^ 0xC4A2_5EED) ^ step));
        let starts = (self.train.len() - seq) as u64;
        let mut inputs = Vec::with_capacity(size * seq);
        let mut targets = Vec::with_capacity(size * seq);
        for _ in 0..size {
            let at = rng.below(starts) as usize;
            inputs.extend_from_slice(&self.train[at..at + seq]);
            targets.extend_from_slice(&self.train[at + 1..at + seq + 1]);
        }
        Batch { batch: size, seq, inputs, targets }
    }

    /// Bits per character on the held-out part: the mean cross-entropy (in bits) of every
    /// character after the first of consecutive windows of `seq + 1`, each read from its own
    /// start (so early positions of a window see less context), up to `max_windows` windows.
    pub fn bits_per_char(&self, model: &Model, seq: usize, max_windows: usize, opts: &Opts) -> Result<f64> {
        let windows = ((self.held_out.len() - 1) / seq).min(max_windows).max(1);
        let mut acts = Acts::default();
        let (mut total, mut count) = (0.0f64, 0usize);
        // A few windows per forward pass keeps the logits small.
        for chunk in (0..windows).collect::<Vec<_>>().chunks(16) {
            let mut inputs = Vec::with_capacity(chunk.len() * seq);
            let mut targets = Vec::with_capacity(chunk.len() * seq);
            for &w in chunk {
                inputs.extend_from_slice(&self.held_out[w * seq..w * seq + seq]);
                targets.extend_from_slice(&self.held_out[w * seq + 1..w * seq + seq + 1]);
            }
            let batch = Batch { batch: chunk.len(), seq, inputs, targets };
            let loss = model.forward(&batch, &mut acts, opts)? as f64;
            total += loss * (chunk.len() * seq) as f64;
            count += chunk.len() * seq;
        }
        Ok(total / count as f64 / std::f64::consts::LN_2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_and_the_batches_follow_the_text() {
        let text = "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcxyz".repeat(3);
        let c = Chars::new(&text, 4).unwrap();
        assert_eq!(c.vocab, vec!['a', 'b', 'c', 'x', 'y', 'z']);
        assert_eq!(c.train.len() + c.held_out.len(), text.chars().count());
        let b = c.batch(1, 2, 3, 4);
        assert_eq!(b, c.batch(1, 2, 3, 4));
        for (i, t) in b.inputs.chunks(4).zip(b.targets.chunks(4)) {
            assert_eq!(i[1..], t[..3], "targets are the inputs shifted by one");
        }
        assert_eq!(c.encode("cab").unwrap(), vec![2, 0, 1]);
        assert!(c.encode("q").unwrap_err().to_string().contains("'q'"));
        assert!(Chars::new("short", 4).unwrap_err().to_string().contains("at least 50"));
    }
}
