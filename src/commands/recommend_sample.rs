//! `podsize recommend --sample 10m` (issue #26): without Prometheus, metrics.k8s.io read
//! again and again for a while, so the shrink gate (`rightsizing.min_history`) weighs a real
//! window instead of one reading. Readings of a boosted or not-Ready pod are left out, as in
//! the dashboard; each container's figures cover its first to its last counted reading.

use crate::cluster::prometheus::ContainerKey;
use crate::cluster::wire::WirePod;
use crate::model::decide::evidence::counts_for_rightsizing;
use crate::model::decide::recommend::Usage;
use crate::model::decide::usage_history::UsageHistory;
use crate::model::pods::events::Scope;
use chrono::{DateTime, Utc};
use kube::{Api, Client};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// About this many readings over the whole duration (the gate's default sample count), never
/// more often than once a second nor less often than metrics-server's 15 s resolution.
pub fn interval_for(duration: Duration) -> Duration {
    (duration / 100).clamp(Duration::from_secs(1), Duration::from_secs(15))
}

fn age(d: Duration) -> String {
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    crate::model::ground::time::format_age(
        chrono::TimeDelta::try_seconds(secs).unwrap_or(chrono::TimeDelta::MAX),
    )
}

/// One container's counted readings: the ring and the time of its last reading.
struct Sampled {
    ring: UsageHistory,
    last: DateTime<Utc>,
}

/// The pods of `scope` whose readings count now (Ready and not boosted); `None` when they
/// cannot be listed, so a reading is then skipped rather than counted blind.
async fn counting_pods(client: &Client, scope: &Scope) -> Option<HashSet<(String, String)>> {
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let rows = super::get::list_rows(&api, scope.label_selector.as_deref())
        .await
        .ok()?;
    Some(
        rows.iter()
            .filter(|p| counts_for_rightsizing(p))
            .map(|p| (p.namespace.clone(), p.name.clone()))
            .collect(),
    )
}

/// Reads metrics.k8s.io every `interval_for(duration)` for `duration`, with progress on
/// stderr when it is a terminal. `None` when metrics.k8s.io never answered.
pub async fn sample_usage(
    client: &Client,
    scope: &Scope,
    duration: Duration,
    percentile: u8,
) -> Option<HashMap<ContainerKey, Usage>> {
    let interval = interval_for(duration);
    let started = Instant::now();
    let progress = std::io::stderr().is_terminal();
    let mut sampled: HashMap<ContainerKey, Sampled> = HashMap::new();
    let mut readings = 0u64;
    let mut answered = false;
    loop {
        let tick = Instant::now();
        if let Ok(pods) = crate::cluster::metrics::fetch(client, scope).await {
            answered = true;
            if let Some(counting) = counting_pods(client, scope).await {
                readings += 1;
                let now = Utc::now();
                for pod in pods {
                    if !counting.contains(&(pod.namespace.clone(), pod.name.clone())) {
                        continue;
                    }
                    for (container, used) in pod.containers {
                        let key = (pod.namespace.clone(), pod.name.clone(), container);
                        let entry = sampled.entry(key).or_insert_with(|| Sampled {
                            ring: UsageHistory::new(now),
                            last: now,
                        });
                        entry
                            .ring
                            .push(used.cpu_millis.unwrap_or(0), used.memory_bytes.unwrap_or(0));
                        entry.last = now;
                    }
                }
            }
        }
        let elapsed = started.elapsed();
        if progress {
            eprint!(
                "\rpodsize: sampling metrics.k8s.io {} of {} · {readings} reading{}   ",
                age(elapsed),
                age(duration),
                if readings == 1 { "" } else { "s" }
            );
            let _ = std::io::stderr().flush();
        }
        if elapsed >= duration {
            break;
        }
        // The last reading lands at the end of the duration, so the window covers all of it.
        let next = interval.saturating_sub(tick.elapsed());
        tokio::time::sleep(next.min(duration - elapsed)).await;
    }
    if progress {
        eprintln!();
    }
    answered.then(|| {
        sampled
            .into_iter()
            .filter_map(|(key, s)| Some((key, s.ring.usage(percentile, s.last)?)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_a_hundred_readings_within_a_second_and_fifteen() {
        assert_eq!(
            interval_for(Duration::from_secs(20)),
            Duration::from_secs(1)
        );
        assert_eq!(
            interval_for(Duration::from_secs(600)),
            Duration::from_secs(6)
        );
        assert_eq!(
            interval_for(Duration::from_secs(86_400)),
            Duration::from_secs(15)
        );
        assert_eq!(interval_for(Duration::ZERO), Duration::from_secs(1));
    }
}
