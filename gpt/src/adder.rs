//! The adder task: two-digit addition written `03+07=` and answered with the sum's three
//! digits least-significant first (`12+34=` -> `640`), its 13-symbol vocabulary, the seeded
//! held-out split of the 10,000 pairs, the training batches, and greedy exact-match accuracy.

use kernels::Opts;

use crate::model::{Acts, Batch, IGNORE, Model};
use crate::rng::Rng;
use crate::{Error, Result};

/// Token `i` is the `i`-th character: digits, `+`, `=`, and `_` for padding.
pub const VOCAB: &str = "0123456789+=_";
pub const PLUS: u32 = 10;
pub const EQUALS: u32 = 11;
pub const PAD: u32 = 12;
/// `aa+bb=`.
pub const PROMPT_LEN: usize = 6;
/// Digits of the answer.
pub const ANSWER_LEN: usize = 3;
/// The model sees the prompt and the first two answer digits and predicts the next token at
/// each position; only the three answer positions are scored.
pub const SEQ: usize = PROMPT_LEN + ANSWER_LEN - 1;
/// Pairs (a, b) with a, b in 0..=99.
pub const PAIRS: usize = 10_000;
/// One in ten pairs is held out.
pub const HELD_OUT: usize = PAIRS / 10;

/// The tokens of a character, if it is in [`VOCAB`].
pub fn encode_char(c: char) -> Option<u32> {
    VOCAB.chars().position(|v| v == c).map(|i| i as u32)
}

/// The character of a token id.
pub fn decode_token(id: u32) -> char {
    VOCAB.chars().nth(id as usize).unwrap_or('?')
}

/// `a` and `b` as the prompt's tokens, `aa+bb=`.
pub fn prompt(a: u32, b: u32) -> [u32; PROMPT_LEN] {
    [a / 10, a % 10, PLUS, b / 10, b % 10, EQUALS]
}

/// The answer's tokens: the sum's three digits, ones first.
pub fn answer(a: u32, b: u32) -> [u32; ANSWER_LEN] {
    let s = a + b;
    [s % 10, s / 10 % 10, s / 100]
}

/// Parses `aa+bb=` (operands of one or two digits) into the prompt's tokens.
pub fn parse_prompt(text: &str) -> Result<[u32; PROMPT_LEN]> {
    let bad =
        || Error::Input(format!("{text:?} is not an adder prompt like \"12+34=\" (two numbers below 100)"));
    let body = text.strip_suffix('=').ok_or_else(bad)?;
    let (a, b) = body.split_once('+').ok_or_else(bad)?;
    let number = |s: &str| -> Result<u32> {
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    Ok(prompt(number(a)?, number(b)?))
}

/// The 10,000 pairs split by a seeded shuffle into 9,000 to train on and 1,000 held out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adder {
    pub train: Vec<(u32, u32)>,
    pub held_out: Vec<(u32, u32)>,
}

impl Adder {
    pub fn new(seed: u64) -> Adder {
        let mut pairs: Vec<(u32, u32)> = (0..PAIRS as u32).map(|i| (i / 100, i % 100)).collect();
        let mut rng = Rng::new(seed ^ 0x5EED_0FAD_DE25);
        for i in (1..pairs.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            pairs.swap(i, j);
        }
        let train = pairs.split_off(HELD_OUT);
        Adder { train, held_out: pairs }
    }

    /// The batch of training step `step`: `size` pairs drawn with replacement by a generator
    /// seeded from `(seed, step)` alone, so a resumed run sees the batches an uninterrupted
    /// one would.
    pub fn batch(&self, seed: u64, step: u64, size: usize) -> Batch {
        // Hashed twice: SplitMix streams from nearby states overlap (state `s + golden` is
        // one draw into the stream of state `s`), so the step must not pick the state directly.
        let hash = |x: u64| Rng::new(x).next_u64();
        let mut rng = Rng::new(hash(hash(seed) ^ step));
        let mut inputs = Vec::with_capacity(size * SEQ);
        let mut targets = Vec::with_capacity(size * SEQ);
        for _ in 0..size {
            let (a, b) = self.train[rng.below(self.train.len() as u64) as usize];
            let mut seq = prompt(a, b).to_vec();
            seq.extend(answer(a, b));
            inputs.extend_from_slice(&seq[..SEQ]);
            targets.extend((1..=SEQ).map(|i| if i >= PROMPT_LEN { seq[i] } else { IGNORE }));
        }
        Batch { batch: size, seq: SEQ, inputs, targets }
    }
}

/// Greedy answers to every pair at once: three forward passes over the growing sequences.
pub fn greedy_answers(model: &Model, pairs: &[(u32, u32)], opts: &Opts) -> Result<Vec<[u32; ANSWER_LEN]>> {
    let mut seqs: Vec<Vec<u32>> = pairs.iter().map(|&(a, b)| prompt(a, b).to_vec()).collect();
    let mut acts = Acts::default();
    let vocab = model.cfg.vocab;
    for len in PROMPT_LEN..PROMPT_LEN + ANSWER_LEN {
        let inputs: Vec<u32> = seqs.iter().flatten().copied().collect();
        model.forward_logits(&inputs, seqs.len(), len, &mut acts, opts)?;
        for (i, seq) in seqs.iter_mut().enumerate() {
            let row = &acts.logits[(i * len + len - 1) * vocab..][..vocab];
            seq.push(argmax(row));
        }
    }
    Ok(seqs.iter().map(|s| [s[PROMPT_LEN], s[PROMPT_LEN + 1], s[PROMPT_LEN + 2]]).collect())
}

/// The fraction of `pairs` whose greedy answer is exactly right.
pub fn accuracy(model: &Model, pairs: &[(u32, u32)], opts: &Opts) -> Result<f64> {
    if pairs.is_empty() {
        return Ok(0.0);
    }
    let answers = greedy_answers(model, pairs, opts)?;
    let right = pairs.iter().zip(&answers).filter(|&(&(a, b), got)| *got == answer(a, b)).count();
    Ok(right as f64 / pairs.len() as f64)
}

/// The index of the largest value (the first of equals).
pub fn argmax(row: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate() {
        if v > row[best] {
            best = i;
        }
    }
    best as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_reversed_three_digits() {
        assert_eq!(answer(12, 34), [6, 4, 0]);
        assert_eq!(answer(3, 7), [0, 1, 0]);
        assert_eq!(answer(99, 99), [8, 9, 1]);
        assert_eq!(parse_prompt("12+34=").unwrap(), [1, 2, PLUS, 3, 4, EQUALS]);
        assert_eq!(parse_prompt("3+7=").unwrap(), prompt(3, 7));
        for bad in ["12+34", "123+4=", "a+b=", "+1=", "12-34="] {
            assert!(parse_prompt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_split_is_seeded_and_disjoint() {
        let a = Adder::new(7);
        assert_eq!(a, Adder::new(7));
        assert_ne!(a.held_out, Adder::new(8).held_out);
        assert_eq!((a.train.len(), a.held_out.len()), (9000, 1000));
        let mut all: Vec<_> = a.train.iter().chain(&a.held_out).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), PAIRS);
    }

    #[test]
    fn batches_score_only_the_answer() {
        let b = Adder::new(1).batch(1, 5, 4);
        assert_eq!(b, Adder::new(1).batch(1, 5, 4));
        assert_ne!(b, Adder::new(1).batch(1, 6, 4));
        // Consecutive steps draw unrelated pairs (not a window sliding over one stream).
        let (x, y) = (Adder::new(0).batch(0, 10, 64), Adder::new(0).batch(0, 11, 64));
        let shared = x.inputs.chunks(SEQ).filter(|s| y.inputs.chunks(SEQ).any(|t| t == *s)).count();
        assert!(shared <= 4, "{shared} of 64 pairs shared by consecutive batches");
        for row in b.targets.chunks(SEQ) {
            assert!(row[..PROMPT_LEN - 1].iter().all(|&t| t == IGNORE));
            assert!(row[PROMPT_LEN - 1..].iter().all(|&t| t < 10));
        }
        assert_eq!(b.inputs[PROMPT_LEN - 1], EQUALS);
    }
}
