//! A metrics.k8s.io reading taken into the state (issues #12, #30 point 15): what each container
//! uses now, its bounded history, and the right-sizing verdicts that rest on them. A reading of
//! every pod comes every 15 s, so it is taken in one pass that copies nothing it can move: each
//! pod's key is made from the reading's own strings, entries are replaced in place, and the
//! verdicts are judged per workload without words.

use super::rightsizing::{MIN_LIVE_SAMPLES, REJUDGE_EVERY};
use super::state::AppState;
use crate::model::PodMap;
use crate::model::decide::evidence::counts_for_rightsizing;
use crate::model::decide::usage_history::UsageHistory;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::{ClusterId, PodKey};
use crate::model::pods::usage_reading::{PodReading, UsageReading};
use chrono::{DateTime, Utc};

/// What one pod's containers use, from the latest reading of its cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveUsage {
    pub containers: Vec<(String, CpuMem)>,
    /// The reading it came from: a pod left out of a later reading of its cluster is dropped.
    reading: u64,
}

/// The latest reading of every cluster that serves metrics.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveUsages {
    pods: PodMap<LiveUsage>,
    readings: u64,
}

impl LiveUsages {
    pub fn get(&self, key: &PodKey) -> Option<&LiveUsage> {
        self.pods.get(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PodKey, &LiveUsage)> {
        self.pods.iter()
    }

    pub fn len(&self) -> usize {
        self.pods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty()
    }
}

/// A metrics poll of `cluster`: `None` when it serves no metrics.k8s.io. The usage column
/// shows while any cluster serves metrics.
pub fn on_usage(
    state: &mut AppState,
    cluster: ClusterId,
    usage: Option<UsageReading>,
    now: DateTime<Utc>,
) {
    if let Some(status) = state.cluster_mut(cluster) {
        status.metrics = usage.is_some();
    }
    let mut all = state.usage.take().unwrap_or_default();
    match usage {
        Some(list) => {
            let started = std::time::Instant::now();
            let pods = list.len();
            let enough_now = take_reading(state, &mut all, cluster, list, now);
            let recorded = started.elapsed();
            judge_after_reading(state, cluster, &enough_now, now);
            tracing::debug!(
                pods,
                record_us = recorded.as_micros() as u64,
                verdicts_us = (started.elapsed() - recorded).as_micros() as u64,
                "metrics reading applied"
            );
        }
        None => all.pods.retain(|key, _| key.cluster != cluster),
    }
    let served = state.clusters.iter().any(|c| c.metrics);
    state.usage = served.then_some(all);
    state.dirty = true;
}

/// Judges the cluster's workloads after a reading: all of them when `REJUDGE_EVERY` has
/// passed since they last were, else only those of the pods `enough_now` whose live samples
/// just became enough for a verdict of their own, and the selected pod's: the details pane
/// shows its live samples beside its recommendation, and the two must tell the same count.
fn judge_after_reading(
    state: &mut AppState,
    cluster: ClusterId,
    enough_now: &[PodKey],
    now: DateTime<Utc>,
) {
    let judged_at = state.cluster(cluster).judged_at;
    if judged_at.is_none_or(|at| now - at >= REJUDGE_EVERY || now < at) {
        super::rightsizing::refresh_cluster(state, cluster, now);
        if let Some(status) = state.cluster_mut(cluster) {
            status.judged_at = Some(now);
        }
    } else {
        let selected = (state.selected_pod())
            .filter(|pod| pod.cluster == cluster)
            .map(crate::model::PodRow::pod_key);
        let mut keys = enough_now.to_vec();
        keys.extend(selected);
        super::rightsizing::refresh_pods(state, &keys, now);
    }
    state.verdicts_changed();
}

/// Keeps each pod's reading and adds it to its containers' histories. Returns the pods of
/// which some container's live samples just reached `MIN_LIVE_SAMPLES`.
fn take_reading(
    state: &mut AppState,
    all: &mut LiveUsages,
    cluster: ClusterId,
    mut list: UsageReading,
    now: DateTime<Utc>,
) -> Vec<PodKey> {
    // Pods that went away take their history with them.
    if state.usage_prune_due {
        let pods = &state.pods;
        state.usage_history.retain(|key, _| pods.contains_key(key));
        state.rightsizing.retain(|key, _| pods.contains_key(key));
        state.usage_prune_due = false;
    }
    all.readings += 1;
    let reading = all.readings;
    let taken = list.len();
    let mut enough_now = Vec::new();
    // In key order, the reading is matched with the app's pods in one walk rather than by a
    // search per pod (metrics-server's answer is mostly in order already, so sorting is cheap).
    list.sort();
    let mut pods = (state.pods.range(PodKey::first_of(cluster)..))
        .take_while(|(key, _)| key.cluster == cluster)
        .peekable();
    for used in list.iter() {
        let found = loop {
            let Some((at, pod)) = pods.peek() else {
                break None;
            };
            match (at.namespace.as_str(), at.name.as_str()).cmp(&(used.namespace, used.name)) {
                std::cmp::Ordering::Less => _ = pods.next(),
                std::cmp::Ordering::Equal => break Some((*at, counts_for_rightsizing(pod))),
                std::cmp::Ordering::Greater => break None,
            }
        };
        // The store's own key where the pod is known: a key is made only for one it is not.
        let made;
        let (key, counts) = match found {
            Some(found) => found,
            None => {
                made = PodKey::new(cluster, used.namespace, used.name);
                (&made, false)
            }
        };
        if counts && record(&mut state.usage_history, key, used, now) {
            enough_now.push(key.clone());
        }
        match all.pods.get_mut(key) {
            Some(slot) => {
                slot.take(used);
                slot.reading = reading;
            }
            None => {
                let mut fresh = LiveUsage {
                    reading,
                    ..LiveUsage::default()
                };
                fresh.take(used);
                all.pods.insert(key.clone(), fresh);
            }
        }
    }
    // A pod of this cluster left out of the reading has no current figure any more.
    let kept = all.pods.keys().filter(|k| k.cluster == cluster).count();
    if kept > taken {
        (all.pods).retain(|key, u| key.cluster != cluster || u.reading == reading);
    }
    enough_now
}

impl LiveUsage {
    /// Takes a pod's figures from a reading, in place when it names the same containers in
    /// the same order, as it does at every reading but the first.
    fn take(&mut self, used: PodReading) {
        let same = self.containers.len() == used.containers().len()
            && (self.containers.iter().zip(used.containers())).all(|((a, _), (b, _))| a == b);
        if same {
            for ((_, figures), (_, read)) in self.containers.iter_mut().zip(used.containers()) {
                *figures = read;
            }
        } else {
            self.containers = (used.containers())
                .map(|(name, figures)| (name.to_string(), figures))
                .collect();
        }
    }
}

type Histories = PodMap<Vec<(String, UsageHistory)>>;

/// Adds one reading of a pod's containers to their bounded histories; whether some ring just
/// reached `MIN_LIVE_SAMPLES`.
fn record(histories: &mut Histories, key: &PodKey, used: PodReading, now: DateTime<Utc>) -> bool {
    let mut enough_now = false;
    // A key is copied only for a pod seen for the first time.
    let rings = match histories.get_mut(key) {
        Some(rings) => rings,
        None => histories.entry(key.clone()).or_default(),
    };
    for (container, figures) in used.containers() {
        let index = match rings.iter().position(|(name, _)| name == container) {
            Some(i) => i,
            None => {
                rings.push((container.to_string(), UsageHistory::new(now)));
                rings.len() - 1
            }
        };
        if let Some((_, ring)) = rings.get_mut(index) {
            ring.push(
                figures.cpu_millis.unwrap_or(0),
                figures.memory_bytes.unwrap_or(0),
            );
            enough_now |= ring.samples() == MIN_LIVE_SAMPLES;
        }
    }
    enough_now
}

#[cfg(test)]
#[path = "live_usage_tests.rs"]
mod tests;
