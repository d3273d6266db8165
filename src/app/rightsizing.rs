//! Keeps each container's right-sizing verdict up to date (issue #12): recomputed for a pod when
//! its usage or its spec changes, never per frame, from the best source the app has for it —
//! figures over a long window (Prometheus, VPA) first, then podsize's own live samples.

use super::batch::{BatchPlan, Skipped};
use super::editor::EditorState;
pub use super::rightsizing_refresh::{
    judge_shown_details, refresh_all, refresh_cluster, refresh_pod, refresh_pods,
};
pub use super::rightsizing_usage::{usage_for, usage_with};
use super::state::AppState;
use super::view::PodKey;
use crate::model::decide::rightsizing::{Totals, Verdict, explain};
use crate::model::rules::plan::{Edits, plan_resize};

/// Percentile of CPU usage behind the table's recommendations.
pub const PERCENTILE: u8 = 95;

/// Live samples below this count propose nothing on their own: a minute of readings says too
/// little even for a raise. (They still serve as the floor beside a longer source, and a
/// decrease needs `rightsizing.min_history` whatever the source.)
pub const MIN_LIVE_SAMPLES: u64 = 6;

/// A cluster's workloads are all judged again at most this often at its metrics readings — the
/// VPA recommender's own loop runs once a minute, and one more 15 s sample in a ring of up to
/// 96 rarely moves a verdict, while judging every workload was a third of a reading's cost.
/// A pod whose live samples just became enough is judged at that reading, a pod whose spec
/// changes at once, and a verdict about to be acted on (`r`, `R`) is judged again first, so
/// no change is ever proposed from figures older than the latest reading.
pub const REJUDGE_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The verdict of one container, if it has one.
pub fn verdict<'a>(state: &'a AppState, key: &PodKey, container: &str) -> Option<&'a Verdict> {
    state
        .rightsizing
        .get(key)?
        .iter()
        .find(|(name, _)| name == container)
        .map(|(_, v)| v)
}

/// The worded recommendation behind one container's verdict, made when a person looks at it
/// (details, the editor's `r`, a skipped target): the table judges without words.
pub fn explained(
    state: &AppState,
    key: &PodKey,
    container: &str,
) -> Option<crate::model::decide::recommend::Recommendation> {
    let verdict = verdict(state, key, container)?;
    let pod = state.pods.get(key)?;
    let c = pod.containers.iter().find(|c| c.name == container)?;
    let minor = state.cluster(key.cluster).header.minor.unwrap_or(35);
    Some(explain(c, verdict, minor, &state.rightsizing_policy))
}

/// Totals over the rows on show (each container once, even in per-pod rows).
pub fn totals_of_visible(state: &AppState) -> Totals {
    let mut totals = Totals::default();
    if state.rightsizing.is_empty() {
        return totals;
    }
    // Summed after every metrics reading over every row: a container row names its container
    // by position, its pod is reached by the store position the index was built with, and a
    // pod's verdicts are looked up once for its consecutive rows.
    let by_slot: Vec<(&PodKey, &crate::model::PodRow)> = match state.per_pod {
        true => Vec::new(),
        false => state.pods.iter().collect(),
    };
    type Found<'a> = Option<(&'a [(String, Verdict)], Option<&'a crate::model::PodRow>)>;
    let mut last: Option<(&PodKey, Found)> = None;
    for row in state.visible() {
        let found = match last {
            Some((key, found)) if *key == row.pod => found,
            _ => {
                let found = state.rightsizing.get(&row.pod).map(|verdicts| {
                    let pod = match (row.container, by_slot.get(row.slot)) {
                        (None, _) => None,
                        (Some(_), Some((key, pod))) if **key == row.pod => Some(*pod),
                        (Some(_), _) => state.pods.get(&row.pod),
                    };
                    (verdicts.as_slice(), pod)
                });
                last = Some((&row.pod, found));
                found
            }
        };
        let Some((verdicts, pod)) = found else {
            continue;
        };
        let Some(i) = row.container else {
            // A pod's row: each of its containers once.
            verdicts.iter().for_each(|(_, v)| totals.add(v));
            continue;
        };
        let Some(name) = pod.and_then(|p| p.containers.get(i)).map(|c| &c.name) else {
            continue;
        };
        // Verdicts follow the pod's containers, so the container's own place is tried first.
        match verdicts.get(i) {
            Some((n, v)) if n == name => totals.add(v),
            _ => (verdicts.iter().filter(|(n, _)| n == name)).for_each(|(_, v)| totals.add(v)),
        }
    }
    totals
}

/// `r` in the editor: fills its fields with the container's recommendation, or says why there
/// is none. Judged again first: the table's verdicts may be up to `REJUDGE_EVERY` old, and a
/// change is only proposed from the latest reading.
pub fn fill_editor(state: &mut AppState, now: chrono::DateTime<chrono::Utc>) {
    let Some(editor) = state.editor.as_ref() else {
        return;
    };
    let key = PodKey::new(editor.cluster, &editor.namespace, &editor.pod);
    let container = editor.container.clone();
    refresh_pod(state, &key, now);
    state.verdicts_changed();
    let found = explained(state, &key, &container);
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
            Some(_) => {
                let why = explained(state, key, container).map(|rec| rec.reason());
                batch.skipped.push(skip(why.unwrap_or_default()))
            }
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
        let (name, _) = state
            .rightsizing
            .get(key)?
            .iter()
            .find(|(_, v)| v.recommendation.held)?;
        let rec = explained(state, key, name)?;
        let why = rec.short_history.clone().unwrap_or_else(|| rec.reason());
        Some(format!("{}/{name}: {why}", key.name))
    })
}

/// `R`: one plan that right-sizes every marked pod's containers (or the selected pod's) to
/// their own recommendations, opened in the editor for review; judged again first, as `r` is.
pub fn open_rightsizing(state: &mut AppState, now: chrono::DateTime<chrono::Utc>) {
    let pods: Vec<PodKey> = if state.marked.is_empty() {
        state
            .selected_pod()
            .map(crate::model::PodRow::pod_key)
            .into_iter()
            .collect()
    } else {
        state.marked.iter().cloned().collect()
    };
    refresh_pods(state, &pods, now);
    state.verdicts_changed();
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
    fill_editor(state, now);
}
