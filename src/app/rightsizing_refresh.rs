//! Recomputes right-sizing verdicts (issue #12): for a pod when its spec or figures change, and
//! for a whole cluster at each metrics reading — workload by workload, each distinct container
//! judged once, without words (the row on show is worded when drawn: `rightsizing::explained`).

use super::rightsizing::MIN_LIVE_SAMPLES;
use super::rightsizing_usage::{PodSources, sources_into, workload_usage};
use super::state::AppState;
use super::view::{PodKey, Verdicts};
use crate::model::PodRow;
use crate::model::decide::recommend::Usage;
use crate::model::decide::rightsizing::{
    Verdict, VerdictInputs, judge, recommend_container_figures,
};
use crate::model::decide::vpa::Vpa;
use crate::model::pods::row::ClusterId;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;

/// Recomputes every pod's verdicts (a new VPA list can touch any pod).
pub fn refresh_all(state: &mut AppState, now: DateTime<Utc>) {
    let keys: Vec<PodKey> = state.pods.keys().cloned().collect();
    refresh_pods(state, &keys, now);
    state.verdicts_changed();
}

/// Recomputes the verdicts of `keys` and their workloads' other replicas, each workload once.
pub fn refresh_pods(state: &mut AppState, keys: &[PodKey], now: DateTime<Utc>) {
    let mut done: HashSet<PodKey> = HashSet::new();
    for key in keys {
        if !done.contains(key) {
            done.extend(refresh_pod(state, key, now));
        }
    }
}

/// Recomputes the verdicts of one pod's containers and of its workload's other replicas: they
/// share one recommendation per container. Returns the pods it recomputed.
pub fn refresh_pod(state: &mut AppState, key: &PodKey, now: DateTime<Utc>) -> Vec<PodKey> {
    if !state.pods.contains_key(key) {
        state.rightsizing.remove(key);
        return vec![key.clone()];
    }
    let members = super::rightsizing_workload::workload_members(state, key);
    // Taken out while judging, so the verdicts are written in place while the rest is read.
    let mut verdicts = std::mem::take(&mut state.rightsizing);
    let pods = members.iter().map(|k| state.pods.get(k));
    Judge::new(state, now).workload(&members, pods, None, &mut verdicts);
    state.rightsizing = verdicts;
    members
}

/// With the details pane open, the selected pod's workload is judged again after each key:
/// the pane shows its live samples beside its recommendation, and a pod just selected may hold
/// a verdict up to `REJUDGE_EVERY` old. The table is told only when the verdict moved, so a
/// row does not shift under the cursor for nothing.
pub fn judge_shown_details(state: &mut AppState, now: DateTime<Utc>) {
    if !state.show_details {
        return;
    }
    let Some(key) = state.selected_pod().map(PodRow::pod_key) else {
        return;
    };
    let before = state.rightsizing.get(&key).cloned();
    refresh_pod(state, &key, now);
    if state.rightsizing.get(&key) != before.as_ref() {
        state.verdicts_changed();
    }
}

/// Recomputes the verdicts of every pod of `cluster`, workload by workload: what a metrics
/// reading of the whole cluster asks for. Pods are reached by their position in the groups.
pub fn refresh_cluster(state: &mut AppState, cluster: ClusterId, now: DateTime<Utc>) {
    let groups = super::rightsizing_workload::workload_groups(state);
    let mut verdicts = std::mem::take(&mut state.rightsizing);
    let rows: Vec<(&PodKey, &PodRow)> = state.pods.iter().collect();
    let vpas = &state.cluster(cluster).vpas;
    let mut judge = Judge::new(state, now);
    for group in groups.iter().filter(|g| g.cluster == cluster) {
        let vpa = Some(group.vpa.and_then(|at| vpas.at(at)));
        let pods =
            (group.members.iter().zip(&group.slots)).map(|(key, &slot)| match rows.get(slot) {
                Some((at, pod)) if *at == key => Some(*pod),
                // Never while the groups are kept up to date; a search is the safe answer anyway.
                _ => state.pods.get(key),
            });
        judge.workload(&group.members, pods, vpa, &mut verdicts);
    }
    state.rightsizing = verdicts;
}

/// Judges workloads one after another with the same buffers: at a metrics reading that is
/// every workload of a cluster, and a buffer per workload was a tenth of the reading.
struct Judge<'a> {
    state: &'a AppState,
    now: DateTime<Utc>,
    sources: Vec<PodSources<'a>>,
    /// Each container name's figures over the workload: replicas share them.
    shared: Vec<(&'a str, Option<Arc<Usage>>)>,
    /// Each distinct container (name and inputs) judged once per workload.
    judged: Vec<(&'a str, VerdictInputs, Verdict)>,
    pod: Vec<(&'a str, Verdict)>,
}

impl<'a> Judge<'a> {
    fn new(state: &'a AppState, now: DateTime<Utc>) -> Self {
        Self {
            state,
            now,
            sources: Vec::new(),
            shared: Vec::new(),
            judged: Vec::new(),
            pod: Vec::new(),
        }
    }

    /// Judges one workload's pods `members` (found as `pods`, `None` for one the app no longer
    /// has, which is left alone) and writes their verdicts into `out`, in place where a pod
    /// keeps its containers; `vpa` is the workload's VPA when the caller knows it.
    fn workload(
        &mut self,
        members: &[PodKey],
        pods: impl Iterator<Item = Option<&'a PodRow>>,
        vpa: Option<Option<&'a Vpa>>,
        out: &mut Verdicts,
    ) {
        let Some(first) = members.first() else {
            return;
        };
        let state = self.state;
        let minor = state.cluster(first.cluster).header.minor.unwrap_or(35);
        sources_into(state, members.iter().zip(pods), vpa, &mut self.sources);
        self.shared.clear();
        self.judged.clear();
        for (key, source) in members.iter().zip(&self.sources) {
            let Some(pod) = source.pod else {
                continue;
            };
            self.pod.clear();
            for c in &pod.containers {
                let usage = match self.shared.iter().find(|(name, _)| *name == c.name) {
                    Some((_, u)) => u.clone(),
                    None => {
                        let u = workload_usage(&self.sources, &c.name, self.now, MIN_LIVE_SAMPLES)
                            .map(Arc::new);
                        self.shared.push((c.name.as_str(), u.clone()));
                        u
                    }
                };
                let Some(usage) = usage else {
                    continue;
                };
                let inputs = VerdictInputs::of(c);
                let known =
                    (self.judged.iter()).find(|(name, seen, _)| *name == c.name && *seen == inputs);
                let verdict = match known {
                    Some((_, _, verdict)) => verdict.clone(),
                    None => {
                        // Words only for the container a person looks at (`explained`).
                        let policy = &state.rightsizing_policy;
                        let rec = recommend_container_figures(c, &usage, minor, policy);
                        let verdict = judge(c, usage, rec);
                        self.judged.push((c.name.as_str(), inputs, verdict.clone()));
                        verdict
                    }
                };
                self.pod.push((c.name.as_str(), verdict));
            }
            put(out, key, &mut self.pod);
        }
    }
}

/// Keeps one pod's `verdicts` (emptied), replacing its entry in place when it names the same
/// containers in the same order, as it does at every reading but the first.
fn put(out: &mut Verdicts, key: &PodKey, verdicts: &mut Vec<(&str, Verdict)>) {
    if verdicts.is_empty() {
        out.remove(key);
        return;
    }
    match out.get_mut(key) {
        Some(slot)
            if slot.len() == verdicts.len()
                && (slot.iter().zip(verdicts.iter())).all(|((a, _), (b, _))| a == b) =>
        {
            for ((_, old), (_, new)) in slot.iter_mut().zip(verdicts.drain(..)) {
                *old = new;
            }
        }
        Some(slot) => {
            *slot = verdicts
                .drain(..)
                .map(|(n, v)| (n.to_string(), v))
                .collect()
        }
        None => {
            let owned = verdicts
                .drain(..)
                .map(|(n, v)| (n.to_string(), v))
                .collect();
            out.insert(key.clone(), owned);
        }
    }
}
