//! Thread pools for `Opts::threads`: one rayon pool per requested size, built on first use and
//! kept, so a call pays for spawning threads once per process rather than once per call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// The effective worker count for a requested `threads` (0 = one per available core).
pub(crate) fn thread_count(requested: usize) -> usize {
    if requested > 0 {
        return requested;
    }
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs `work` inside a pool of exactly `threads` workers (0 = all cores), so that rayon
/// iterators inside it use that many threads. With one thread it runs inline, no pool at all.
pub(crate) fn install<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
    let threads = thread_count(threads);
    if threads == 1 {
        return work();
    }
    pool(threads).install(work)
}

fn pool(threads: usize) -> Arc<ThreadPool> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let pools = POOLS.get_or_init(Default::default);
    let mut pools = pools.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    pools
        .entry(threads)
        .or_insert_with(|| {
            let built = ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(move |i| format!("kernels-{threads}-{i}"))
                .build()
                .expect("spawning kernel worker threads");
            Arc::new(built)
        })
        .clone()
}
