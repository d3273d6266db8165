//! A pod's owner chain beyond its own ownerReferences: a ReplicaSet's controller (usually a
//! Deployment) is read from the API, metadata only, and only for ReplicaSets that own the
//! pods being shown. A namespace needing many is listed once; a few are read one by one.

use crate::model::PodRow;
use crate::model::decide::vpa::{OwnerChain, owner_chain};
use crate::model::pods::row::{Owner, PodKey};
use futures::{StreamExt, stream};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::ListParams;
use kube::{Api, Client};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Above this many ReplicaSets wanted in one namespace, one metadata list beats single GETs.
const LIST_THRESHOLD: usize = 8;
const CONCURRENT_GETS: usize = 8;

/// The controller named in `meta`'s ownerReferences.
fn controller(meta: &ObjectMeta) -> Option<Owner> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| Owner {
            kind: o.kind.clone(),
            name: o.name.clone(),
        })
}

/// Known ReplicaSet owners: `None` for a ReplicaSet without a controller or no longer there.
#[derive(Default, Debug)]
pub struct OwnerCache {
    rs_owner: HashMap<(String, String), Option<Owner>>,
}

/// The ReplicaSets each namespace needs that the cache does not know yet.
fn wanted(cache: &OwnerCache, pods: &[PodRow]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for pod in pods {
        if let Some(o) = pod.owner.as_ref().filter(|o| o.kind == "ReplicaSet")
            && !cache
                .rs_owner
                .contains_key(&(pod.namespace.clone(), o.name.clone()))
        {
            out.entry(pod.namespace.clone())
                .or_default()
                .insert(o.name.clone());
        }
    }
    out
}

async fn list_namespace(client: &Client, ns: &str) -> Result<Vec<ObjectMeta>, kube::Error> {
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    let mut out = Vec::new();
    let mut params = ListParams::default().limit(500);
    loop {
        let page = api.list_metadata(&params).await?;
        out.extend(page.items.into_iter().map(|m| m.metadata));
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => params = params.continue_token(&t),
            _ => return Ok(out),
        }
    }
}

/// Every ReplicaSet in `namespace` with its controller (metadata only).
pub async fn replicaset_owners(
    client: &Client,
    namespace: &str,
) -> Result<Vec<(String, Owner)>, kube::Error> {
    let metas = list_namespace(client, namespace).await?;
    Ok(metas
        .into_iter()
        .filter_map(|m| Some((m.name.clone()?, controller(&m)?)))
        .collect())
}

async fn get_one(client: &Client, ns: &str, name: &str) -> Result<Option<ObjectMeta>, kube::Error> {
    let api: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    match api.get_metadata(name).await {
        Ok(m) => Ok(Some(m.metadata)),
        Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

impl OwnerCache {
    /// Reads the owners of the ReplicaSets behind `pods` not yet known. An error (say, no
    /// RBAC on replicasets) is returned for display; what was read stays cached.
    pub async fn fill(&mut self, client: &Client, pods: &[PodRow]) -> Result<(), String> {
        let mut first_error = None;
        for (ns, names) in wanted(self, pods) {
            if names.len() > LIST_THRESHOLD {
                match list_namespace(client, &ns).await {
                    Ok(metas) => {
                        for m in metas {
                            let name = m.name.clone().unwrap_or_default();
                            self.rs_owner.insert((ns.clone(), name), controller(&m));
                        }
                        for name in names {
                            self.rs_owner.entry((ns.clone(), name)).or_insert(None);
                        }
                    }
                    Err(e) => {
                        first_error.get_or_insert(e.to_string());
                    }
                }
                continue;
            }
            let results: Vec<_> = stream::iter(names)
                .map(|name| async { (get_one(client, &ns, &name).await, name) })
                .buffer_unordered(CONCURRENT_GETS)
                .collect()
                .await;
            for (result, name) in results {
                match result {
                    Ok(meta) => {
                        let owner = meta.as_ref().and_then(controller);
                        self.rs_owner.insert((ns.clone(), name), owner);
                    }
                    Err(e) => {
                        first_error.get_or_insert(e.to_string());
                    }
                }
            }
        }
        first_error.map_or(Ok(()), |e| {
            Err(format!("cannot read ReplicaSet owners: {e}"))
        })
    }

    /// The owner chain of `pod`, nearest first, as far as it is known.
    pub fn chain(&self, pod: &PodRow) -> OwnerChain {
        owner_chain(pod.owner.as_ref(), |rs| {
            self.rs_owner
                .get(&(pod.namespace.clone(), rs.to_string()))
                .cloned()
                .flatten()
        })
    }

    /// Chains for every pod, keyed by namespace and name.
    pub fn chains(&self, pods: &[PodRow]) -> HashMap<PodKey, OwnerChain> {
        pods.iter().map(|p| (p.pod_key(), self.chain(p))).collect()
    }

    /// Records a ReplicaSet's owner (for tests and callers that already know it).
    pub fn insert(&mut self, namespace: &str, rs: &str, owner: Option<Owner>) {
        self.rs_owner
            .insert((namespace.to_string(), rs.to_string()), owner);
    }
}
