//! Recomputes right-sizing verdicts (issue #12): for a pod when its spec or figures change, and
//! for a whole cluster at each metrics reading — workload by workload, each distinct container
//! judged once, without words (the row on show is worded when drawn: `rightsizing::explained`).

use super::rightsizing::MIN_LIVE_SAMPLES;
use super::rightsizing_usage::{sources_of, workload_usage};
use super::state::AppState;
use super::view::PodKey;
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
    let verdicts = judge_members(state, &members, None, now);
    store(state, &members, verdicts);
    members
}

/// Recomputes the verdicts of every pod of `cluster`, workload by workload: what a metrics
/// reading of the whole cluster asks for.
pub fn refresh_cluster(state: &mut AppState, cluster: ClusterId, now: DateTime<Utc>) {
    let groups = super::rightsizing_workload::workload_groups(state);
    for group in groups.iter().filter(|g| g.cluster == cluster) {
        let vpas = &state.cluster(cluster).vpas;
        let vpa = Some(group.vpa.and_then(|at| vpas.at(at)));
        let verdicts = judge_members(state, &group.members, vpa, now);
        store(state, &group.members, verdicts);
    }
}

/// The verdicts of one workload's pods `members`, in their order (`None` for a pod the app no
/// longer has); `vpa` is the workload's VPA when the caller knows it.
fn judge_members<'a>(
    state: &'a AppState,
    members: &[PodKey],
    vpa: Option<Option<&'a Vpa>>,
    now: DateTime<Utc>,
) -> Vec<Option<Vec<(String, Verdict)>>> {
    let Some(first) = members.first() else {
        return Vec::new();
    };
    let minor = state.cluster(first.cluster).header.minor.unwrap_or(35);
    let sources = sources_of(state, members, vpa);
    let containers = sources
        .iter()
        .find_map(|s| s.pod)
        .map_or(0, |p| p.containers.len());
    let mut shared: Vec<(&str, Option<Arc<Usage>>)> = Vec::with_capacity(containers);
    // Replicas share the usage, and mostly the spec: each distinct container is judged once.
    let mut judged: Vec<(&str, VerdictInputs, Verdict)> = Vec::with_capacity(containers);
    let mut results = Vec::with_capacity(members.len());
    for source in &sources {
        let Some(pod) = source.pod else {
            results.push(None);
            continue;
        };
        let mut verdicts: Vec<(String, Verdict)> = Vec::with_capacity(pod.containers.len());
        for c in &pod.containers {
            let usage = match shared.iter().find(|(name, _)| *name == c.name) {
                Some((_, u)) => u.clone(),
                None => {
                    let u = workload_usage(&sources, &c.name, now, MIN_LIVE_SAMPLES).map(Arc::new);
                    shared.push((c.name.as_str(), u.clone()));
                    u
                }
            };
            let Some(usage) = usage else {
                continue;
            };
            let inputs = VerdictInputs::of(c);
            let known = judged
                .iter()
                .find(|(name, seen, _)| *name == c.name && *seen == inputs);
            let verdict = match known {
                Some((_, _, verdict)) => verdict.clone(),
                None => {
                    // Words only for the container a person looks at (`explained`).
                    let policy = &state.rightsizing_policy;
                    let rec = recommend_container_figures(c, &usage, minor, policy);
                    let verdict = judge(c, usage, rec);
                    judged.push((c.name.as_str(), inputs, verdict.clone()));
                    verdict
                }
            };
            verdicts.push((c.name.clone(), verdict));
        }
        results.push(Some(verdicts));
    }
    results
}

/// Keeps `verdicts` (aligned with `members`), replacing each pod's in place.
fn store(state: &mut AppState, members: &[PodKey], verdicts: Vec<Option<Vec<(String, Verdict)>>>) {
    for (member, verdicts) in members.iter().zip(verdicts) {
        match verdicts {
            None => {}
            Some(v) if v.is_empty() => {
                state.rightsizing.remove(member);
            }
            Some(v) => match state.rightsizing.get_mut(member) {
                Some(slot) => *slot = v,
                None => {
                    state.rightsizing.insert(member.clone(), v);
                }
            },
        }
    }
}
