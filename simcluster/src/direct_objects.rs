//! Objects a test adds to or reads from a simulated cluster directly in its store, without
//! HTTP: the setup of a scene, and the check of what the server holds.

use crate::{SimCluster, cpu_manager, nodes, status, workload};
use k8s_openapi::api::core::v1::{Node, Pod};

impl SimCluster {
    /// Adds a pod (apiserver defaulting applied); the kubelet binds and starts it.
    pub fn create_pod(&self, mut pod: Pod) -> Result<Pod, status::ApiError> {
        let ns = pod
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        pod.metadata.namespace = Some(ns.clone());
        if self
            .shared
            .api
            .store
            .get::<k8s_openapi::api::core::v1::Namespace>("", &ns)
            .is_none()
        {
            self.shared.api.store.upsert(workload::namespace(&ns));
        }
        self.shared.api.prepare_new_pod(&mut pod, "podsize-sim");
        let name = pod.metadata.name.clone().unwrap_or_default();
        self.shared
            .api
            .store
            .create(pod)
            .map(|e| (*e.obj).clone())
            .map_err(|_| status::ApiError::already_exists("pods", &name))
    }

    /// Deletes a pod; true when it existed.
    pub fn delete_pod(&self, namespace: &str, name: &str) -> bool {
        self.shared.api.delete_pod(namespace, name).is_ok()
    }

    /// Every pod.
    pub fn pods(&self) -> Vec<Pod> {
        self.shared
            .api
            .store
            .all::<Pod>(None)
            .iter()
            .map(|p| (**p).clone())
            .collect()
    }

    /// One pod.
    pub fn pod(&self, namespace: &str, name: &str) -> Option<Pod> {
        self.shared
            .api
            .store
            .get::<Pod>(namespace, name)
            .map(|e| (*e.obj).clone())
    }

    /// Adds (or replaces) a node with allocatable cpu (millicores) and memory (bytes).
    pub fn add_node(&self, name: &str, cpu_millis: i64, memory_bytes: i64, resize_support: bool) {
        self.shared.api.store.upsert(workload::node(
            name,
            cpu_millis,
            memory_bytes,
            resize_support,
        ));
        nodes::stamp_versions(&self.shared.api.store, self.shared.api.minor);
    }

    /// Adds a node whose kubelet runs the static CPU manager policy (`cpu_manager`).
    pub fn add_static_cpu_node(&self, name: &str, cpu_millis: i64, memory_bytes: i64) {
        let mut node = workload::node(name, cpu_millis, memory_bytes, true);
        node.metadata.labels.get_or_insert_default().insert(
            cpu_manager::STATIC_CPU_MANAGER_LABEL.to_string(),
            "true".to_string(),
        );
        self.shared.api.store.upsert(node);
        nodes::stamp_versions(&self.shared.api.store, self.shared.api.minor);
    }

    /// Every node.
    pub fn nodes(&self) -> Vec<Node> {
        self.shared
            .api
            .store
            .all::<Node>(None)
            .iter()
            .map(|n| (**n).clone())
            .collect()
    }
}
