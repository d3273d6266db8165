//! The preflight on the dashboard's paths (issue 27): every plan the editor, a batch, `R`, a
//! boost (`b`) or make-room (`m`) would send is checked against its cluster's policy snapshot
//! (LimitRanges, quotas, HPAs, node runtimes) before it can be sent. A refusal is the server's
//! own text, added to the plan's errors so nothing is sent (make-room leaves such a victim
//! out, saying why); warnings and HPA effects are shown in the plan.

use super::state::AppState;
use super::view::PodKey;
use crate::model::PodRow;
use crate::model::decide::preflight::{Change, Preflight, preflight};
use crate::model::decide::vpa::owner_chain;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::cluster_policy::PolicySnapshot;
use crate::model::rules::plan::{Field, PlanError, ResizePlan};

/// The pod's top workload owner (kind, name): the Deployment above its ReplicaSet when the
/// snapshot knows it, else its own controller (an HPA may target a ReplicaSet too).
fn workload(snap: &PolicySnapshot, pod: &PodRow) -> Option<(String, String)> {
    let chain = owner_chain(pod.owner.as_ref(), |rs| {
        snap.rs_owners
            .iter()
            .find(|(ns, name, _)| *ns == pod.namespace && name == rs)
            .map(|(_, _, owner)| owner.clone())
    });
    chain.last().map(|o| (o.kind.clone(), o.name.clone()))
}

/// The pod's last reading of metrics.k8s.io, for an HPA reporting no figure of its own.
fn usage<'a>(state: &'a AppState, key: &PodKey) -> Option<&'a [(String, CpuMem)]> {
    Some(state.usage.as_ref()?.get(key)?.containers.as_slice())
}

/// The preflight of `plan` against its cluster's snapshot; `None` when the pod is gone.
pub fn of(state: &AppState, plan: &ResizePlan) -> Option<Preflight> {
    let key = PodKey::new(plan.cluster, &plan.namespace, &plan.pod);
    let pod = state.pods.get(&key)?;
    let snap = &state.cluster(plan.cluster).policy;
    let workload = workload(snap, pod);
    let change = Change {
        row: pod,
        container: &plan.container,
        new_spec: &plan.new_spec,
        usage: usage(state, &key),
    };
    let found = preflight(
        &snap.policy,
        change,
        workload.as_ref().map(|(k, n)| (k.as_str(), n.as_str())),
    );
    Some(found)
}

/// The lines a plan shows for its preflight findings, warnings first.
pub fn lines(found: &Preflight) -> Vec<String> {
    let mut out = found.warnings.clone();
    out.extend(
        found
            .hpa
            .iter()
            .map(|e| format!("warning: {}", e.describe())),
    );
    out
}

/// Runs the preflight on a plan that changes something: a refusal becomes a whole-plan error
/// (the plan is not sendable and shows the server's text); returns the lines to show.
pub fn check(state: &AppState, plan: &mut ResizePlan) -> Vec<String> {
    if !plan.changed {
        return Vec::new();
    }
    let Some(found) = of(state, plan) else {
        return Vec::new();
    };
    if let Some(text) = &found.refusal {
        plan.errors.push(PlanError {
            field: Field::Whole,
            message: text.clone(),
        });
    }
    lines(&found)
}

/// The open editor's plan and batch, checked; their findings kept for the plan to show
/// (a marked pod's lines carry its name).
pub fn annotate(state: &AppState, editor: &mut super::editor::EditorState) {
    let mut notes = Vec::new();
    if let Some(plan) = editor.plan.as_mut() {
        notes.extend(check(state, plan));
    }
    for plan in &mut editor.batch.plans {
        let name = format!("{}/{}", plan.pod, plan.container);
        notes.extend(
            check(state, plan)
                .into_iter()
                .map(|line| format!("{name}: {line}")),
        );
    }
    editor.preflight = notes;
}

/// The boost form's plan, checked (`b`): a boost the LimitRange or quota would refuse is not
/// sent, and an HPA's answer to the raised request is shown.
pub fn check_boost(state: &AppState, form: &mut super::boost_form::BoostForm) {
    form.preflight = match form.resize.as_mut() {
        Some(plan) => check(state, plan),
        None => Vec::new(),
    };
}

/// Make-room's victims whose shrink the server would refuse, keyed as make-room's
/// `protected` map is, with the reason. Each container is checked as its own change.
pub fn shrink_refusals(
    state: &AppState,
    plan: &crate::model::decide::make_room::Plan,
) -> Vec<((String, String), String)> {
    let policy = &state.cluster(plan.cluster).policy.policy;
    plan.shrinks
        .iter()
        .filter_map(|s| {
            let pod = state
                .pods
                .get(&PodKey::new(plan.cluster, &s.namespace, &s.pod))?;
            let text = s.containers.iter().find_map(|c| {
                let change = Change {
                    row: pod,
                    container: &c.container,
                    new_spec: &c.after,
                    usage: None,
                };
                preflight(policy, change, None).refusal
            })?;
            let why = format!("the server would refuse its shrink: {text}");
            Some(((s.namespace.clone(), s.pod.clone()), why))
        })
        .collect()
}
