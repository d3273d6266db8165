//! VerticalPodAutoscalers (`autoscaling.k8s.io/v1`), read when discovery lists the group:
//! each object is compacted on arrival into `model::pods::vpa_object::Vpa` (target, mode,
//! per-container target and bounds), never kept whole.

use crate::model::decide::vpa::{DEFAULT_UPDATE_MODE, TargetRef, Vpa, VpaContainer, VpaSnapshot};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::{ClusterEvent, Scope};
use crate::model::pods::row::Owner;
use crate::model::pods::slim::RawResources;
use futures::StreamExt;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::{NamespaceResourceScope, Resource};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use tokio::sync::mpsc::UnboundedSender;

pub const GROUP: &str = "autoscaling.k8s.io";

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawMeta {
    name: String,
    namespace: String,
    uid: String,
    resource_version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawTargetRef {
    api_version: String,
    kind: String,
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawUpdatePolicy {
    update_mode: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawSpec {
    target_ref: Option<RawTargetRef>,
    update_policy: Option<RawUpdatePolicy>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawContainer {
    container_name: String,
    target: RawResources,
    lower_bound: RawResources,
    upper_bound: RawResources,
    uncapped_target: RawResources,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawRecommendation {
    container_recommendations: Vec<RawContainer>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawStatus {
    recommendation: Option<RawRecommendation>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVpa {
    metadata: RawMeta,
    spec: RawSpec,
    status: RawStatus,
}

/// Resources of one bound; a malformed quantity leaves that resource unknown, never fails.
fn cpu_mem(raw: &RawResources) -> CpuMem {
    let one = |key: &str| {
        raw.get(key)
            .and_then(|q| CpuMem::from_pairs([(key, q.0.as_str())]).ok())
            .unwrap_or_default()
    };
    CpuMem {
        cpu_millis: one("cpu").cpu_millis,
        memory_bytes: one("memory").memory_bytes,
    }
}

fn compact(raw: RawVpa) -> Vpa {
    let target = raw.spec.target_ref.unwrap_or_default();
    let containers = raw
        .status
        .recommendation
        .map(|r| r.container_recommendations)
        .unwrap_or_default()
        .into_iter()
        .map(|c| VpaContainer {
            target: cpu_mem(&c.target),
            lower_bound: cpu_mem(&c.lower_bound),
            upper_bound: cpu_mem(&c.upper_bound),
            uncapped_target: cpu_mem(&c.uncapped_target),
            name: c.container_name,
        })
        .collect();
    Vpa {
        namespace: raw.metadata.namespace,
        name: raw.metadata.name,
        target: TargetRef {
            api_version: target.api_version,
            kind: target.kind,
            name: target.name,
        },
        update_mode: raw
            .spec
            .update_policy
            .and_then(|p| p.update_mode)
            .unwrap_or_else(|| DEFAULT_UPDATE_MODE.to_string()),
        containers,
    }
}

/// A VPA as received: compacted, plus the metadata kube's watcher needs.
#[derive(Clone, Debug, Default)]
pub struct WireVpa {
    meta: ObjectMeta,
    pub vpa: Vpa,
}

impl<'de> Deserialize<'de> for WireVpa {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawVpa::deserialize(d)?;
        let meta = ObjectMeta {
            name: Some(raw.metadata.name.clone()),
            namespace: Some(raw.metadata.namespace.clone()),
            uid: Some(raw.metadata.uid.clone()),
            resource_version: raw.metadata.resource_version.clone(),
            ..Default::default()
        };
        Ok(Self {
            meta,
            vpa: compact(raw),
        })
    }
}

impl Resource for WireVpa {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "VerticalPodAutoscaler".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        GROUP.into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "verticalpodautoscalers".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.meta
    }
}

fn api(client: &Client, scope: &Scope) -> Api<WireVpa> {
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// Whether discovery lists `autoscaling.k8s.io/v1` (the VPA CRDs are installed).
pub async fn served(client: &Client) -> Result<bool, kube::Error> {
    let groups = client.list_api_groups().await?;
    Ok(groups
        .groups
        .iter()
        .any(|g| g.name == GROUP && g.versions.iter().any(|v| v.version == "v1")))
}

/// Every VPA in `scope` (one paged list), compacted.
pub async fn list(client: &Client, scope: &Scope) -> Result<Vec<Vpa>, kube::Error> {
    let api = api(client, scope);
    let mut out = Vec::new();
    let mut params = kube::api::ListParams::default().limit(500);
    loop {
        let page = api.list(&params).await?;
        out.extend(page.items.into_iter().map(|w| w.vpa));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(out),
        }
    }
}

/// What the VPA watch hands the app: plain compact values.
#[derive(Clone, Debug, PartialEq)]
pub enum VpaEvent {
    /// The full set after a (re-)list.
    All(Vec<Vpa>),
    Applied(Vpa),
    Deleted {
        namespace: String,
        name: String,
    },
    /// The watch failed and is retrying (shown, never fatal).
    Error(String),
}

/// Watches VPAs in `scope` until the receiver is dropped, with kube's default backoff;
/// errors are reported and retried, never end the task.
pub async fn watch(client: Client, scope: Scope, tx: UnboundedSender<VpaEvent>) {
    use kube::runtime::WatchStreamExt;
    let stream =
        watcher::watcher(api(&client, &scope), watcher::Config::default()).default_backoff();
    futures::pin_mut!(stream);
    let mut pending: Vec<Vpa> = Vec::new();
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(Event::Init) => {
                pending.clear();
                continue;
            }
            Ok(Event::InitApply(w)) => {
                pending.push(w.vpa);
                continue;
            }
            Ok(Event::InitDone) => VpaEvent::All(std::mem::take(&mut pending)),
            Ok(Event::Apply(w)) => VpaEvent::Applied(w.vpa),
            Ok(Event::Delete(w)) => VpaEvent::Deleted {
                namespace: w.vpa.namespace,
                name: w.vpa.name,
            },
            Err(e) => VpaEvent::Error(e.to_string()),
        };
        if tx.send(event).is_err() {
            return;
        }
    }
}

/// Feeds the app: watches VPAs when discovery lists them and reads, metadata only, the
/// ReplicaSet owners of the namespaces that have VPAs; sends a snapshot after each change.
pub async fn feed_app(client: Client, scope: Scope, tx: UnboundedSender<ClusterEvent>) {
    loop {
        match served(&client).await {
            Ok(true) => break,
            Ok(false) => return,
            // Discovery failed (the pod watch shows the connection): ask again later.
            Err(_) => tokio::time::sleep(std::time::Duration::from_secs(30)).await,
        }
    }
    let (vtx, mut vrx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(watch(client.clone(), scope, vtx));
    let mut vpas: BTreeMap<(String, String), Vpa> = BTreeMap::new();
    let mut owners: BTreeMap<String, Vec<(String, Owner)>> = BTreeMap::new();
    while let Some(first) = vrx.recv().await {
        let mut next = Some(first);
        // Apply every queued change before sending one snapshot.
        while let Some(event) = next.take().or_else(|| vrx.try_recv().ok()) {
            match event {
                VpaEvent::All(list) => {
                    vpas = list
                        .into_iter()
                        .map(|v| ((v.namespace.clone(), v.name.clone()), v))
                        .collect();
                    owners.clear();
                }
                VpaEvent::Applied(v) => {
                    owners.remove(&v.namespace);
                    vpas.insert((v.namespace.clone(), v.name.clone()), v);
                }
                VpaEvent::Deleted { namespace, name } => {
                    vpas.remove(&(namespace, name));
                }
                VpaEvent::Error(_) => {}
            }
        }
        let namespaces: BTreeSet<String> = vpas.keys().map(|(ns, _)| ns.clone()).collect();
        for ns in namespaces {
            if let std::collections::btree_map::Entry::Vacant(slot) = owners.entry(ns) {
                let found = super::owners::replicaset_owners(&client, slot.key())
                    .await
                    .unwrap_or_default();
                slot.insert(found);
            }
        }
        let snapshot = VpaSnapshot {
            vpas: vpas.values().cloned().collect(),
            rs_owners: owners
                .iter()
                .flat_map(|(ns, list)| {
                    list.iter()
                        .map(|(rs, o)| (ns.clone(), rs.clone(), o.clone()))
                })
                .collect(),
        };
        if tx.send(ClusterEvent::Vpas(Box::new(snapshot))).is_err() {
            break;
        }
    }
    task.abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacts_the_crd_fields_and_tolerates_bad_quantities() {
        let json = serde_json::json!({
            "apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
            "metadata": {"name": "web-vpa", "namespace": "shop", "managedFields": [{"manager": "x"}]},
            "spec": {"targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}},
            "status": {"recommendation": {"containerRecommendations": [{
                "containerName": "web", "target": {"cpu": "250m", "memory": "262144k"},
                "lowerBound": {"cpu": "bogus"}, "upperBound": {"cpu": "1", "memory": "1Gi"}}]}}
        });
        let w: WireVpa = serde_json::from_value(json).expect("decodes");
        assert_eq!(w.vpa.update_mode, DEFAULT_UPDATE_MODE);
        assert_eq!(w.vpa.target.kind, "Deployment");
        let c = &w.vpa.containers[0];
        assert_eq!(c.target.cpu_millis, Some(250));
        assert_eq!(c.target.memory_bytes, Some(262_144_000));
        assert_eq!(c.lower_bound, CpuMem::default());
        assert_eq!(c.upper_bound.memory_bytes, Some(1 << 30));
        let empty: WireVpa = serde_json::from_value(serde_json::json!({})).expect("decodes");
        assert!(empty.vpa.containers.is_empty());
    }
}
