//! The preflight on `podsize resize`'s path (issue 27): the namespace's LimitRanges and
//! quotas, the workload's HPAs and the node's runtime are read just before the plan, and a
//! change they would refuse is not sent — the refusal shown is the server's own text.

use super::CommandError;
use super::resize::refused;
use crate::cluster::owners::OwnerCache;
use crate::cluster::policy::read_policy;
use crate::cluster::prometheus::ContainerKey;
use crate::model::PodRow;
use crate::model::decide::preflight::{Change, Preflight, preflight, with_defaults};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::cluster_policy::ClusterPolicy;
use crate::model::pods::events::Scope;
use crate::model::pods::usage::Usage;
use crate::model::rules::plan::Edits;
use kube::Client;
use std::collections::HashMap;

/// The pod's top workload owner (a Deployment above its ReplicaSet), for HPA targets. An
/// unreadable ReplicaSet leaves the ReplicaSet itself, which an HPA may also target.
fn workload(owners: &OwnerCache, row: &PodRow) -> Option<(String, String)> {
    owners
        .chain(row)
        .last()
        .map(|o| (o.kind.clone(), o.name.clone()))
}

async fn read_owners(client: &Client, row: &PodRow) -> OwnerCache {
    let mut owners = OwnerCache::default();
    if let Err(e) = owners.fill(client, std::slice::from_ref(row)).await {
        eprintln!("podsize: {e}");
    }
    owners
}

/// The pod's reading of metrics.k8s.io (each container's use now), when it serves one.
async fn pod_usage(client: &Client, row: &PodRow) -> Option<Vec<(String, CpuMem)>> {
    let scope = Scope {
        namespace: Some(row.namespace.clone()),
        label_selector: None,
    };
    let all = crate::cluster::metrics::fetch(client, &scope).await.ok()?;
    let pod = all.into_iter().find(|u| u.name == row.name)?;
    Some(pod.containers)
}

/// What a recommendation already read of the pod: its owner chain and its reading of
/// metrics.k8s.io (`None` where none came), handed on so the preflight does not read them
/// again.
pub struct AlreadyRead {
    pub owners: OwnerCache,
    pub usage: Option<Vec<(String, CpuMem)>>,
}

/// The pod's reading of metrics.k8s.io (each container's use now) out of usage figures still
/// per pod (before they are made per workload), `None` when no container of the pod has one
/// (Prometheus's figures alone carry none: what is used now comes from metrics.k8s.io).
pub fn pod_usage_in(
    by_container: &HashMap<ContainerKey, Usage>,
    row: &PodRow,
) -> Option<Vec<(String, CpuMem)>> {
    let found: Vec<(String, CpuMem)> = (row.containers.iter())
        .filter_map(|c| {
            let key = (row.namespace.clone(), row.name.clone(), c.name.clone());
            let now = by_container.get(&key)?.current;
            (!now.is_empty()).then(|| (c.name.clone(), now))
        })
        .collect();
    (!found.is_empty()).then_some(found)
}

/// What the preflight needs, read once just before planning.
pub struct Inputs {
    pub policy: ClusterPolicy,
    workload: Option<(String, String)>,
    usage: Option<Vec<(String, CpuMem)>>,
}

/// Reads the namespace's policy, and the owners and use of the pod when an HPA could need
/// them, unless `known` holds them already.
pub async fn read(client: &Client, row: &PodRow, known: Option<AlreadyRead>) -> Inputs {
    let policy = read_policy(client, &row.namespace, row.node.as_deref()).await;
    // The HPA's own figure is preferred; usage is read only when an HPA could need it.
    let (workload, usage) = match (policy.hpas.is_empty(), known) {
        (true, _) => (None, None),
        (false, Some(known)) => (workload(&known.owners, row), known.usage),
        (false, None) => (
            workload(&read_owners(client, row).await, row),
            pod_usage(client, row).await,
        ),
    };
    Inputs {
        policy,
        workload,
        usage,
    }
}

/// A removed value comes back as the LimitRange default (lr-17): the edits are planned with
/// that default, so the local "limits cannot be removed" rule does not refuse what the
/// server accepts, and the plan shows the value the pod will really have.
pub fn defaulted(inputs: &Inputs, row: &PodRow, edits: Edits) -> Edits {
    let ranges: Vec<_> = inputs
        .policy
        .limit_ranges
        .iter()
        .filter(|lr| lr.namespace == row.namespace)
        .collect();
    let (spec, notes) = with_defaults(&ranges, &edits.spec());
    if notes.is_empty() {
        return edits;
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    // Exact texts of the values the defaults left alone still count.
    Edits {
        exact: edits.exact,
        ..Edits::from_spec(&spec)
    }
}

/// Runs the preflight; a refusal becomes the command's error, warnings go to stderr.
/// `skip_hpa`: a recommendation is not applied where an HPA would scale out in answer
/// (the same rule as `recommend`'s `applicable`), a hand-made value only warned about.
pub fn check(
    inputs: &Inputs,
    row: &PodRow,
    container: &str,
    new_spec: &crate::model::ground::resources::ResourceSpec,
    skip_hpa: bool,
) -> Result<Preflight, CommandError> {
    let change = Change {
        row,
        container,
        new_spec,
        usage: inputs.usage.as_deref(),
    };
    let workload = inputs
        .workload
        .as_ref()
        .map(|(k, n)| (k.as_str(), n.as_str()));
    let found = preflight(&inputs.policy, change, workload);
    if let Some(text) = &found.refusal {
        return Err(refused(format!("not sent: {text}")));
    }
    if let (true, Some(effect)) = (skip_hpa, found.hpa.first()) {
        return Err(refused(format!(
            "not sent: {} (--with-hpa to apply anyway)",
            effect.describe()
        )));
    }
    for line in &found.warnings {
        eprintln!("{line}");
    }
    for effect in &found.hpa {
        eprintln!("warning: {}", effect.describe());
    }
    Ok(found)
}
