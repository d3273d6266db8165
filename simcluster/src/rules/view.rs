//! The parts of a pod the resize rules read, as the server holds them (quantity texts).

use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, ResourceRequirements};
use std::collections::BTreeMap;

/// Annotation that marks the mirror pod of a static pod.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// `requests` and `limits` of a container or of the pod (resource name → quantity text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// `requests`
    pub requests: BTreeMap<String, String>,
    /// `limits`
    pub limits: BTreeMap<String, String>,
}

impl Resources {
    /// Neither requests nor limits.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }

    /// From a k8s-openapi requirements block.
    pub fn of(r: Option<&ResourceRequirements>) -> Self {
        let texts = |m: Option<&BTreeMap<String, _>>| {
            m.map(
                |m: &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>| {
                    m.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()
                },
            )
            .unwrap_or_default()
        };
        Self {
            requests: texts(r.and_then(|r| r.requests.as_ref())),
            limits: texts(r.and_then(|r| r.limits.as_ref())),
        }
    }
}

/// One container of `spec.containers` or `spec.initContainers`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerView {
    /// `name`
    pub name: String,
    /// `image` (validation requires it)
    pub image: String,
    /// `resources`
    pub resources: Resources,
    /// `resizePolicy` as (resourceName, restartPolicy), in order.
    pub resize_policy: Vec<(String, String)>,
    /// An init container with `restartPolicy: Always`.
    pub sidecar: bool,
}

impl ContainerView {
    /// From a k8s-openapi container.
    pub fn of(c: &Container) -> Self {
        Self {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            resources: Resources::of(c.resources.as_ref()),
            resize_policy: c
                .resize_policy
                .iter()
                .flatten()
                .map(|p| (p.resource_name.clone(), p.restart_policy.clone()))
                .collect(),
            sidecar: c.restart_policy.as_deref() == Some("Always"),
        }
    }
}

/// A pod as the resize rules see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodView {
    /// `spec.containers`
    pub containers: Vec<ContainerView>,
    /// `spec.initContainers`
    pub init_containers: Vec<ContainerView>,
    /// `spec.resources` (pod level), when present.
    pub pod_resources: Option<Resources>,
    /// `spec.os.name == windows`
    pub windows: bool,
    /// Carries the mirror-pod annotation.
    pub mirror: bool,
    /// `status.qosClass`
    pub qos_class: Option<String>,
    /// A running container reports no `resources` (node without resize support, §4.9).
    pub node_lacks_resize: bool,
}

impl PodView {
    /// From a k8s-openapi pod.
    pub fn of(pod: &Pod) -> Self {
        let spec = pod.spec.as_ref();
        let status = pod.status.as_ref();
        Self {
            containers: spec
                .map(|s| s.containers.iter().map(ContainerView::of).collect())
                .unwrap_or_default(),
            init_containers: spec
                .and_then(|s| s.init_containers.as_ref())
                .map(|l| l.iter().map(ContainerView::of).collect())
                .unwrap_or_default(),
            pod_resources: spec
                .and_then(|s| s.resources.as_ref())
                .map(|r| Resources::of(Some(r))),
            windows: spec
                .and_then(|s| s.os.as_ref())
                .is_some_and(|os| os.name == "windows"),
            mirror: pod
                .metadata
                .annotations
                .as_ref()
                .is_some_and(|a| a.contains_key(MIRROR_ANNOTATION)),
            qos_class: status.and_then(|s| s.qos_class.clone()),
            node_lacks_resize: first_running_lacks_resources(
                status.and_then(|s| s.container_statuses.as_deref()),
            ),
        }
    }

    /// Pod-level requests or limits are set.
    pub fn has_pod_resources(&self) -> bool {
        self.pod_resources.as_ref().is_some_and(|r| !r.is_empty())
    }
}

/// Upstream looks at the first running regular container only (`isPodResizeRequestSupported`).
fn first_running_lacks_resources(statuses: Option<&[ContainerStatus]>) -> bool {
    statuses
        .into_iter()
        .flatten()
        .find(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
        .is_some_and(|c| c.resources.is_none())
}
