//! Every problem, in study order, behind one object-safe interface so the harness and the tests
//! can list, find and check them without knowing their input types.

use std::time::Duration;

use crate::check::{self, ApproachReport, CheckConfig};
use crate::spec::{Info, Problem};
use crate::timing;

/// A registered problem, its input and output types erased.
pub trait Entry: Sync {
    fn info(&self) -> Info;
    /// (name, summary) of each approach, the main one first.
    fn approaches(&self) -> Vec<(&'static str, &'static str)>;
    /// Runs every check of every approach.
    fn check(&self, config: &CheckConfig) -> Vec<ApproachReport>;
    /// The best time of each approach on an input of `n` nodes, in approach order.
    fn time(&self, n: usize) -> Vec<Duration>;
    /// The total time of `calls` calls of approach number `approach` on `n` nodes.
    fn time_calls(&self, approach: usize, n: usize, calls: u64) -> Duration;
}

/// A [`Problem`] seen as an [`Entry`].
pub struct Registered<P>(std::marker::PhantomData<fn() -> P>);

impl<P: Problem> Registered<P> {
    pub const fn new() -> Self {
        Registered(std::marker::PhantomData)
    }
}

impl<P: Problem> Default for Registered<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> std::fmt::Debug for Registered<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Registered")
    }
}

impl<P: Problem> Entry for Registered<P> {
    fn info(&self) -> Info {
        P::INFO
    }

    fn approaches(&self) -> Vec<(&'static str, &'static str)> {
        P::approaches().iter().map(|a| (a.name, a.summary)).collect()
    }

    fn check(&self, config: &CheckConfig) -> Vec<ApproachReport> {
        check::check_problem::<P>(config)
    }

    fn time(&self, n: usize) -> Vec<Duration> {
        P::approaches().iter().map(|a| timing::time_approach::<P>(a, n)).collect()
    }

    fn time_calls(&self, approach: usize, n: usize, calls: u64) -> Duration {
        timing::time_calls::<P>(&P::approaches()[approach], n, calls)
    }
}

macro_rules! registry {
    ($($module:ident),+ $(,)?) => {
        /// Every problem, in study order.
        pub static PROBLEMS: &[&dyn Entry] = &[
            $(&Registered::<crate::$module::Spec>::new()),+
        ];
    };
}

// Study order, the order `harness list` shows: `registry![...]` as registry.txt lists it,
// written by the build script.
include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Finds a problem by id (`24`, `0024`) or slug (`swap-nodes-in-pairs`).
pub fn find(query: &str) -> Option<&'static dyn Entry> {
    let query = query.trim();
    let by_id = query.parse::<u32>().ok();
    PROBLEMS.iter().copied().find(|p| {
        let info = p.info();
        Some(info.id) == by_id || info.slug.eq_ignore_ascii_case(query)
    })
}

/// Known problems closest to an unknown query, best first: by numeric distance for ids, by
/// edit distance for slugs.
pub fn closest(query: &str, count: usize) -> Vec<&'static dyn Entry> {
    let query = query.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static dyn Entry)> = PROBLEMS
        .iter()
        .map(|&p| {
            let info = p.info();
            let score = match query.parse::<u32>() {
                Ok(id) => id.abs_diff(info.id) as usize,
                Err(_) => edit_distance(&query, info.slug),
            };
            (score, p)
        })
        .collect();
    scored.sort_by_key(|&(score, p)| (score, p.info().id));
    scored.into_iter().take(count).map(|(_, p)| p).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_id_padded_id_and_slug() {
        for query in ["24", "0024", "swap-nodes-in-pairs", "Swap-Nodes-In-Pairs"] {
            assert_eq!(find(query).map(|p| p.info().id), Some(24), "query {query:?}");
        }
        assert!(find("9999").is_none());
        assert!(find("swap-nodes").is_none());
    }

    #[test]
    fn closest_ranks_near_ids_and_slugs_first() {
        // 20 is not a problem: 19 and 21 are equally near, the lower id first.
        let near: Vec<u32> = closest("20", 2).iter().map(|p| p.info().id).collect();
        assert_eq!(near, vec![19, 21]);
        assert_eq!(closest("swap-node-in-pair", 1)[0].info().id, 24);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
