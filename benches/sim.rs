//! SimExecutor throughput with zero latency, so benches that run over the
//! simulator can subtract its own cost.
// criterion_group! generates an undocumented pub fn.
#![allow(missing_docs)]
// A bench that cannot build its runtime has nothing to measure.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dokku::sim::{scenario, SimExecutor};
use dokku::{Command, Executor};

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let exec = SimExecutor::new(scenario::demo());
    let mut group = c.benchmark_group("sim");
    group.throughput(Throughput::Elements(1));
    for argv in [
        vec!["version"],
        vec!["apps:list"],
        vec!["ps:report", "api", "--format", "json"],
        vec!["ps:report"],
        vec!["config:export", "api", "--format", "json"],
    ] {
        let command = Command::read(argv[0]).args(&argv[1..]);
        group.bench_function(argv.join(" "), |b| {
            b.iter(|| runtime.block_on(exec.run(black_box(&command))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
