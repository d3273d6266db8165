//! Keeps the dashboard's per-cluster policy snapshot current (issue 27): LimitRanges,
//! ResourceQuotas with their status, HPAs (`autoscaling/v2`) and the nodes' `nodeInfo`, each
//! followed with kube's watcher (list, then watch; never polled). A kind RBAC does not let us
//! list is named in the snapshot's `unreadable` ("not checked: …" in the plan) until a later
//! list succeeds. The app gets a plain `ClusterEvent::Policy` after each change.

use super::policy::{hpa, limit_range, node_runtime, quota};
use crate::model::pods::cluster_policy::{ClusterPolicy, NodeCpuManager, PolicySnapshot};
use crate::model::pods::events::{ClusterEvent, Scope};
use crate::model::pods::row::Owner;
use futures::StreamExt;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{LimitRange, Node, ResourceQuota};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc::UnboundedSender;

type Key = (String, String);

/// What the watches have seen so far, one map per kind.
#[derive(Default)]
struct Seen {
    limit_ranges: BTreeMap<Key, crate::model::pods::cluster_policy::LimitRangeInfo>,
    quotas: BTreeMap<Key, crate::model::pods::cluster_policy::QuotaInfo>,
    hpas: BTreeMap<Key, crate::model::pods::cluster_policy::HpaInfo>,
    runtimes: BTreeMap<Key, crate::model::pods::cluster_policy::NodeRuntime>,
    /// Kind → why it could not be read.
    unreadable: BTreeMap<String, String>,
}

impl Seen {
    fn policy(&self) -> ClusterPolicy {
        ClusterPolicy {
            limit_ranges: self.limit_ranges.values().cloned().collect(),
            quotas: self.quotas.values().cloned().collect(),
            hpas: self.hpas.values().cloned().collect(),
            runtimes: self.runtimes.values().cloned().collect(),
            cpu_managers: Vec::new(),
            unreadable: self.unreadable.values().cloned().collect(),
        }
    }
}

/// The kube error inside a watcher error, for the server's own one-line text.
fn error_text(e: &watcher::Error) -> String {
    match e {
        watcher::Error::InitialListFailed(k)
        | watcher::Error::WatchStartFailed(k)
        | watcher::Error::WatchFailed(k) => super::client::one_line(k),
        other => other.to_string(),
    }
}

/// Where one kind's objects go in `Seen`.
type Slot<T> = fn(&mut Seen) -> &mut BTreeMap<Key, T>;

/// Follows one kind until the receiver is gone: converts each object with `convert`, keeps
/// the kind's map in `seen` and pings `changed` after every change.
async fn follow<K, T>(
    api: Api<K>,
    what: String,
    convert: fn(&K) -> Option<T>,
    slot: Slot<T>,
    seen: Arc<Mutex<Seen>>,
    changed: UnboundedSender<()>,
) where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
    K::DynamicType: Default,
    T: PartialEq,
{
    use kube::runtime::WatchStreamExt;
    let stream = watcher::watcher(api, watcher::Config::default()).default_backoff();
    futures::pin_mut!(stream);
    let mut pending: BTreeMap<Key, T> = BTreeMap::new();
    let key = |o: &K| (o.namespace().unwrap_or_default(), o.name_any());
    while let Some(item) = stream.next().await {
        {
            let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
            match item {
                Ok(Event::Init) => {
                    pending.clear();
                    continue;
                }
                Ok(Event::InitApply(o)) => {
                    if let Some(v) = convert(&o) {
                        pending.insert(key(&o), v);
                    }
                    continue;
                }
                Ok(Event::InitDone) => {
                    *slot(&mut seen) = std::mem::take(&mut pending);
                    seen.unreadable.remove(&what);
                }
                Ok(Event::Apply(o)) => {
                    let k = key(&o);
                    let value = convert(&o);
                    // A node's status is rewritten every few seconds (heartbeats, conditions)
                    // with its runtime unchanged: no new snapshot, no redraw, for those.
                    if slot(&mut seen).get(&k) == value.as_ref() {
                        continue;
                    }
                    match value {
                        Some(v) => slot(&mut seen).insert(k, v),
                        None => slot(&mut seen).remove(&k),
                    };
                }
                Ok(Event::Delete(o)) => {
                    slot(&mut seen).remove(&key(&o));
                }
                // Only a failed list leaves the kind unread; a watch that breaks after one is
                // re-listed by the watcher while the last list's objects still hold.
                Err(e @ watcher::Error::InitialListFailed(_)) => {
                    let text = format!("{what}: {}", error_text(&e));
                    if seen.unreadable.get(&what) == Some(&text) {
                        continue;
                    }
                    seen.unreadable.insert(what.clone(), text);
                }
                Err(_) => continue,
            }
        }
        if changed.send(()).is_err() {
            return;
        }
    }
}

fn api<K>(client: &Client, scope: &Scope) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    }
}

/// "limitranges in namespace ns" or "limitranges" (all namespaces), as `unreadable` names it.
fn named(kind: &str, scope: &Scope) -> String {
    match &scope.namespace {
        Some(ns) => format!("{kind} in namespace {ns}"),
        None => kind.to_string(),
    }
}

/// Feeds the app: watches the four kinds and sends a snapshot after each batch of changes,
/// with the ReplicaSet owners of the namespaces that have HPAs.
pub async fn feed_app(client: Client, scope: Scope, tx: UnboundedSender<ClusterEvent>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (ping, mut changed) = tokio::sync::mpsc::unbounded_channel();
    let tasks = [
        tokio::spawn(follow(
            api::<LimitRange>(&client, &scope),
            named("limitranges", &scope),
            |o| Some(limit_range(o, &o.namespace().unwrap_or_default())),
            |s| &mut s.limit_ranges,
            seen.clone(),
            ping.clone(),
        )),
        tokio::spawn(follow(
            api::<ResourceQuota>(&client, &scope),
            named("resourcequotas", &scope),
            |o| Some(quota(o, &o.namespace().unwrap_or_default())),
            |s| &mut s.quotas,
            seen.clone(),
            ping.clone(),
        )),
        tokio::spawn(follow(
            api::<HorizontalPodAutoscaler>(&client, &scope),
            named("horizontalpodautoscalers", &scope),
            |o| hpa(o, &o.namespace().unwrap_or_default()),
            |s| &mut s.hpas,
            seen.clone(),
            ping.clone(),
        )),
        tokio::spawn(follow(
            Api::<Node>::all(client.clone()),
            "nodes".to_string(),
            node_runtime,
            |s| &mut s.runtimes,
            seen.clone(),
            ping.clone(),
        )),
    ];
    // Each node's CPU manager policy, read once from its configz (None: not readable).
    let mut managers: BTreeMap<String, Option<NodeCpuManager>> = BTreeMap::new();
    let mut owners: BTreeMap<String, Vec<(String, Owner)>> = BTreeMap::new();
    while changed.recv().await.is_some() {
        // Every change queued so far goes into one snapshot.
        while changed.try_recv().is_ok() {}
        let mut policy = seen.lock().unwrap_or_else(PoisonError::into_inner).policy();
        policy.cpu_managers = managers.values().flatten().cloned().collect();
        let namespaces: BTreeSet<&String> = policy.hpas.iter().map(|h| &h.namespace).collect();
        for ns in namespaces {
            if !owners.contains_key(ns) {
                let found = super::owners::replicaset_owners(&client, ns)
                    .await
                    .unwrap_or_default();
                owners.insert(ns.clone(), found);
            }
        }
        let rs_owners = owners
            .iter()
            .flat_map(|(ns, list)| {
                list.iter()
                    .map(|(rs, o)| (ns.clone(), rs.clone(), o.clone()))
            })
            .collect();
        let new_nodes: Vec<String> = policy
            .runtimes
            .iter()
            .map(|r| r.node.clone())
            .filter(|n| !managers.contains_key(n))
            .collect();
        let snapshot = PolicySnapshot { policy, rs_owners };
        if tx.send(ClusterEvent::Policy(Box::new(snapshot))).is_err() {
            break;
        }
        // New nodes' configz are read after the snapshot went out, so a slow proxy never
        // holds back the LimitRanges and quotas; the next snapshot carries what they said.
        if !new_nodes.is_empty() {
            let read: Vec<(String, Option<NodeCpuManager>)> = futures::stream::iter(new_nodes)
                .map(|node| {
                    let client = client.clone();
                    async move {
                        let manager = super::cpu_manager::from_configz(&client, &node).await.ok();
                        (node, manager)
                    }
                })
                .buffer_unordered(8)
                .collect()
                .await;
            managers.extend(read);
            let _ = ping.send(());
        }
    }
    for task in tasks {
        task.abort();
    }
}
