//! Keeps each container's right-sizing verdict up to date (issue #12): recomputed for a pod when
//! its usage or its spec changes, never per frame, from the best source the app has for it —
//! figures over a long window (Prometheus, VPA) first, then podsize's own live samples.

use super::batch::{BatchPlan, Skipped};
use super::editor::EditorState;
use super::state::AppState;
use super::view::PodKey;
use crate::model::decide::evidence::aggregate;
use crate::model::decide::recommend::{Usage, combine_sources};
use crate::model::decide::rightsizing::{
    Totals, Verdict, VerdictInputs, judge, recommend_container,
};
use crate::model::rules::plan::{Edits, plan_resize};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Percentile of CPU usage behind the table's recommendations.
pub const PERCENTILE: u8 = 95;

/// Live samples below this count propose nothing on their own: a minute of readings says too
/// little even for a raise. (They still serve as the floor beside a longer source, and a
/// decrease needs `rightsizing.min_history` whatever the source.)
pub const MIN_LIVE_SAMPLES: u64 = 6;

/// The usage the recommendation for `container` of `key` rests on, in the documented source
/// order: a VPA's target, then Prometheus, then podsize's own live samples.
pub fn usage_for(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
) -> Option<Usage> {
    usage_with(state, key, container, now, MIN_LIVE_SAMPLES)
}

/// `usage_for` with live samples counted from `min_live` readings: make-room's floors take any
/// reading, since a floor from one reading is still a floor, and no floor means no shrink.
/// The figures are those of the pod's workload: every replica the app has, combined.
pub fn usage_with(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    let members = super::rightsizing_workload::workload_members(state, key);
    workload_usage(state, &members, container, now, min_live)
}

/// The figures of `container` over the pods `members` of one workload.
fn workload_usage(
    state: &AppState,
    members: &[PodKey],
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    let each: Vec<Usage> = members
        .iter()
        .filter_map(|m| pod_usage(state, m, container, now, min_live))
        .collect();
    aggregate(&each)
}

/// One pod's figures for `container`, from its best sources.
fn pod_usage(
    state: &AppState,
    key: &PodKey,
    container: &str,
    now: DateTime<Utc>,
    min_live: u64,
) -> Option<Usage> {
    let vpa = state
        .pods
        .get(key)
        .and_then(|pod| state.cluster(pod.cluster).vpas.covering(pod))
        .and_then(|vpa| vpa.usage(container));
    let long = state
        .long_usage
        .get(key)
        .and_then(|list| list.iter().find(|(name, _)| name == container))
        .map(|(_, usage)| usage.clone());
    let ring = state
        .usage_history
        .get(key)
        .and_then(|rings| rings.iter().find(|(name, _)| name == container))
        .map(|(_, ring)| ring);
    // Live samples are labelled by since when they run, not by a window.
    let live = ring.and_then(|r| r.usage(PERCENTILE, now));
    if vpa.is_none() && long.is_none() && ring.is_none_or(|r| r.samples() < min_live) {
        return None;
    }
    combine_sources(vpa, long, live)
}

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
    let minor = state.cluster(key.cluster).header.minor.unwrap_or(35);
    let mut shared: Vec<(String, Option<Usage>)> = Vec::new();
    // Replicas share the usage, and mostly the spec: each distinct container is judged once.
    let mut judged: Vec<(&str, VerdictInputs, Verdict)> = Vec::new();
    let mut results = Vec::with_capacity(members.len());
    for member in &members {
        let Some(pod) = state.pods.get(member) else {
            continue;
        };
        let mut verdicts: Vec<(String, Verdict)> = Vec::new();
        for c in &pod.containers {
            let usage = match shared.iter().find(|(name, _)| *name == c.name) {
                Some((_, u)) => u.clone(),
                None => {
                    let u = workload_usage(state, &members, &c.name, now, MIN_LIVE_SAMPLES);
                    shared.push((c.name.clone(), u.clone()));
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
                    let rec = recommend_container(c, &usage, minor, &state.rightsizing_policy);
                    let verdict = judge(c, &usage, rec);
                    judged.push((c.name.as_str(), inputs, verdict.clone()));
                    verdict
                }
            };
            verdicts.push((c.name.clone(), verdict));
        }
        results.push((member.clone(), verdicts));
    }
    for (member, verdicts) in results {
        if verdicts.is_empty() {
            state.rightsizing.remove(&member);
        } else {
            state.rightsizing.insert(member, verdicts);
        }
    }
    members
}

/// The verdict of one container, if it has one.
pub fn verdict<'a>(state: &'a AppState, key: &PodKey, container: &str) -> Option<&'a Verdict> {
    state
        .rightsizing
        .get(key)?
        .iter()
        .find(|(name, _)| name == container)
        .map(|(_, v)| v)
}

/// Totals over the rows on show (each container once, even in per-pod rows).
pub fn totals_of_visible(state: &AppState) -> Totals {
    let mut totals = Totals::default();
    for row in state.visible() {
        let Some(verdicts) = state.rightsizing.get(&row.pod) else {
            continue;
        };
        let Some(pod) = state.pods.get(&row.pod) else {
            continue;
        };
        let names: Vec<&str> = match row.container {
            Some(i) => pod
                .containers
                .get(i)
                .map(|c| c.name.as_str())
                .into_iter()
                .collect(),
            None => pod.containers.iter().map(|c| c.name.as_str()).collect(),
        };
        for (_, v) in verdicts.iter().filter(|(n, _)| names.contains(&n.as_str())) {
            totals.add(v);
        }
    }
    totals
}

/// `r` in the editor: fills its fields with the container's recommendation, or says why there
/// is none.
pub fn fill_editor(state: &mut AppState) {
    let Some(editor) = state.editor.as_ref() else {
        return;
    };
    let key = PodKey::new(editor.cluster, &editor.namespace, &editor.pod);
    let found = verdict(state, &key, &editor.container).map(|v| v.recommendation.clone());
    match found {
        Some(rec) if rec.changed => {
            let note = format!("recommended ({}): {}", rec.source.name(), rec.reason());
            if let Some(editor) = state.editor.as_mut() {
                editor.fill(&rec.spec, note);
            }
            state.replan_editor();
        }
        Some(rec) => state.set_status(
            format!("nothing to change: {}", rec.reason()),
            false,
        ),
        None => state.set_status(
            format!(
                "no recommendation for {} yet: it needs Prometheus, a VPA or {MIN_LIVE_SAMPLES} metrics readings",
                key.name
            ),
            true,
        ),
    }
}

/// The containers of `pods` whose recommendation changes something, in order.
pub fn changed_containers(state: &AppState, pods: &[PodKey]) -> Vec<(PodKey, String)> {
    pods.iter()
        .flat_map(|key| {
            state
                .rightsizing
                .get(key)
                .into_iter()
                .flatten()
                .filter(|(_, v)| v.recommendation.changed)
                .map(move |(name, _)| (key.clone(), name.clone()))
        })
        .collect()
}

/// Plans each `(pod, container)` to its own current recommendation; those that no longer have
/// a change to make are skipped with the reason.
pub fn plan_targets(state: &AppState, targets: &[(PodKey, String)]) -> BatchPlan {
    let mut batch = BatchPlan::default();
    for (key, container) in targets {
        let Some(pod) = state.pods.get(key) else {
            continue;
        };
        let skip = |reason: String| Skipped {
            namespace: key.namespace.clone(),
            pod: format!("{}/{container}", key.name),
            reason,
        };
        match verdict(state, key, container).map(|v| &v.recommendation) {
            Some(rec) if rec.changed => {
                let ctx = state.plan_context(pod);
                let plan = plan_resize(
                    pod,
                    container,
                    Edits::from_spec(&rec.spec),
                    ctx.server,
                    ctx.node,
                    ctx.others_on_node,
                );
                // A container this cluster cannot resize (e.g. its node has no in-place
                // support) is left out with the reason rather than blocking the others.
                // A resource an HPA scales on is left to it (issue 27): a changed request
                // moves the utilisation the HPA answers with replicas.
                let hpa = super::preflight::of(state, &plan).and_then(|f| f.hpa.first().cloned());
                match (plan.errors.first(), hpa) {
                    (Some(error), _) if !plan.is_sendable() => {
                        batch.skipped.push(skip(error.message.clone()))
                    }
                    (_, Some(effect)) => batch
                        .skipped
                        .push(skip(format!("left to the HPA: {}", effect.describe()))),
                    _ => batch.plans.push(plan),
                }
            }
            Some(rec) => batch.skipped.push(skip(rec.reason())),
            None => batch
                .skipped
                .push(skip("no recommendation any more".into())),
        }
    }
    batch
}

/// Why the first container of `pods` whose figures ask for less proposes nothing: its decrease
/// was held back (short history, throttling, an OOM kill).
fn held_reason(state: &AppState, pods: &[PodKey]) -> Option<String> {
    pods.iter().find_map(|key| {
        let (name, v) = state
            .rightsizing
            .get(key)?
            .iter()
            .find(|(_, v)| v.recommendation.held)?;
        let rec = &v.recommendation;
        let why = rec.short_history.clone().unwrap_or_else(|| rec.reason());
        Some(format!("{}/{name}: {why}", key.name))
    })
}

/// `R`: one plan that right-sizes every marked pod's containers (or the selected pod's) to
/// their own recommendations, opened in the editor for review.
pub fn open_rightsizing(state: &mut AppState) {
    let pods: Vec<PodKey> = if state.marked.is_empty() {
        state
            .selected_pod()
            .map(crate::model::PodRow::pod_key)
            .into_iter()
            .collect()
    } else {
        state.marked.iter().cloned().collect()
    };
    let targets = changed_containers(state, &pods);
    // The editor opens on the first container that can be sent; the rest are planned beside it.
    let planned = plan_targets(state, &targets);
    let first = planned.plans.first().map(|p| {
        (
            PodKey::new(p.cluster, &p.namespace, &p.pod),
            p.container.clone(),
        )
    });
    let Some((first_pod, first_container)) = first else {
        let why = match planned.skipped.first() {
            Some(s) => format!("{}: {}", s.pod, s.reason),
            None => held_reason(state, &pods)
                .unwrap_or_else(|| "no recommendation proposes a change for these pods".into()),
        };
        state.set_status(format!("nothing to right-size: {why}"), false);
        return;
    };
    let Some(pod) = state.pods.get(&first_pod) else {
        return;
    };
    let mut editor = EditorState::open(pod, &first_container);
    if let Some(editor) = editor.as_mut() {
        let first = (first_pod.clone(), first_container.clone());
        editor.rightsize = Some(targets.into_iter().filter(|t| *t != first).collect());
    }
    state.editor = editor;
    fill_editor(state);
}
