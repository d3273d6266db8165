//! Memory of the live-usage history (issue #12): 10,000 pods' containers polled every 15 s for
//! an hour, then for a day, measured as resident memory of this process and as the history's
//! own heap bytes. Prints each figure next to its target.
//!
//!     cargo bench --bench usage_history
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::model::decide::usage_history::UsageHistory;
use std::collections::HashMap;

const PODS: usize = 10_000;
/// Containers per pod, as in the simulated workload on average.
const CONTAINERS: usize = 2;
const POLLS_PER_HOUR: usize = 3600 / 15;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

type Key = (String, String, String);

fn poll(histories: &mut HashMap<Key, UsageHistory>, keys: &[Key], round: usize) {
    let now = chrono::Utc::now();
    for (i, key) in keys.iter().enumerate() {
        let cpu = ((i * 7 + round * 13) % 900) as i64;
        let mem = (((i * 11 + round) % 512) as i64 + 64) << 20;
        histories
            .entry(key.clone())
            .or_insert_with(|| UsageHistory::new(now))
            .push(cpu, mem);
    }
}

fn main() {
    let keys: Vec<Key> = (0..PODS)
        .flat_map(|p| {
            (0..CONTAINERS).map(move |c| {
                (
                    format!("namespace-{}", p % 40),
                    format!("workload-{p:05}-7f9c8d6b5-x2k4q"),
                    format!("container-{c}"),
                )
            })
        })
        .collect();
    let before = rss_kib();
    let mut histories = HashMap::new();
    for round in 0..POLLS_PER_HOUR {
        poll(&mut histories, &keys, round);
    }
    let after_hour = rss_kib();
    let heap_hour: usize = histories.values().map(UsageHistory::heap_bytes).sum();
    for round in POLLS_PER_HOUR..POLLS_PER_HOUR * 24 {
        poll(&mut histories, &keys, round);
    }
    let after_day = rss_kib();
    let heap_day: usize = histories.values().map(UsageHistory::heap_bytes).sum();
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!("live-usage history, {PODS} pods × {CONTAINERS} containers, one reading every 15 s");
    println!(
        "  RSS growth after 1 h:  {:>6.1} MiB   target ≤ 24 MiB",
        mib(after_hour.saturating_sub(before))
    );
    println!(
        "  RSS growth after 24 h: {:>6.1} MiB   target: flat (equal to the 1 h figure)",
        mib(after_day.saturating_sub(before))
    );
    println!(
        "  ring slots on the heap: {:.1} MiB after 1 h, {:.1} MiB after 24 h",
        heap_hour as f64 / 1048576.0,
        heap_day as f64 / 1048576.0
    );
    // What every reading asks of the full rings after adding to them: each container's
    // figures for the rule.
    let now = chrono::Utc::now();
    let mut times: Vec<f64> = (0..9)
        .map(|i| {
            poll(&mut histories, &keys, POLLS_PER_HOUR * 24 + i);
            let started = std::time::Instant::now();
            let sum: i64 = (histories.values())
                .filter_map(|h| h.usage(95, now)?.cpu_percentile)
                .sum();
            std::hint::black_box(sum);
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "  figures of every full ring after a reading: {:.2} ms median of 9 (one reading's budget: 45 ms in all)",
        times[4]
    );
    assert!(histories.len() == PODS * CONTAINERS);
}
