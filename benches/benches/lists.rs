//! Every approach of every linked-list problem on lists of 10^3 and 10^5 nodes, timing the
//! solution alone (lists are built before and read back after each timed call), so approaches
//! of one problem compare side by side and sizes show their growth. `cargo bench -p benches --
//! lists` runs it; `harness bench <id>` is the quick version with a fitted growth class.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use problems::registry::PROBLEMS;

const SIZES: [usize; 2] = [1_000, 100_000];

fn bench_lists(c: &mut Criterion) {
    for problem in PROBLEMS {
        let info = problem.info();
        let mut group = c.benchmark_group(format!("lists/{}-{}", info.id, info.slug));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(300));
        for n in SIZES {
            group.throughput(Throughput::Elements(n as u64));
            for (index, (name, _)) in problem.approaches().iter().enumerate() {
                group.bench_function(BenchmarkId::new(*name, n), |b| {
                    b.iter_custom(|calls| problem.time_calls(index, n, calls));
                });
            }
        }
        group.finish();
    }
}

criterion_group!(lists, bench_lists);
criterion_main!(lists);
