//! Slim pod and node types that kube's `Api` and `watcher` can list and watch directly.

use crate::model::SlimPod;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::NodeInfo;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::{NamespaceResourceScope, Resource};
use serde::Deserialize;
use std::borrow::Cow;

/// A pod as received: the slim decode plus the few metadata fields kube's watcher needs.
#[derive(Clone, Debug, Default)]
pub struct WirePod {
    meta: ObjectMeta,
    pub pod: SlimPod,
}

impl<'de> Deserialize<'de> for WirePod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pod = SlimPod::deserialize(d)?;
        let meta = ObjectMeta {
            name: Some(pod.metadata.name.clone()),
            namespace: Some(pod.metadata.namespace.clone()),
            uid: Some(pod.metadata.uid.clone()),
            resource_version: pod.metadata.resource_version.clone(),
            ..Default::default()
        };
        Ok(Self { meta, pod })
    }
}

impl Resource for WirePod {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "Pod".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "pods".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.meta
    }
}

/// Projects a node as it arrives.
pub fn node_info(node: &k8s_openapi::api::core::v1::Node) -> NodeInfo {
    let allocatable = node
        .status
        .as_ref()
        .and_then(|s| s.allocatable.as_ref())
        .and_then(|a| CpuMem::from_pairs(a.iter().map(|(k, v)| (k.as_str(), v.0.as_str()))).ok())
        .unwrap_or_default();
    NodeInfo {
        name: node.metadata.name.clone().unwrap_or_default(),
        allocatable,
    }
}
