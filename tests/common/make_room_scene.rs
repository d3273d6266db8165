//! A node filled so that a resize is Deferred, built over the real API for the make-room and
//! node-room tests.
#![allow(dead_code)]

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{Patch, PatchParams};
use simcluster::SimCluster;
use simcluster::kstatus::{CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION};

pub const NODE: &str = "tight";

/// One pod on the tight node: name, PriorityClass ("" for none), cpu request, cpu usage.
pub struct Spec<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub cpu: &'a str,
    pub usage: &'a str,
}

impl<'a> Spec<'a> {
    /// A pod of no priority class requesting one CPU and using 100m.
    pub fn one_cpu(name: &'a str) -> Self {
        Self {
            name,
            class: "",
            cpu: "1",
            usage: "100m",
        }
    }
}

/// A Burstable one-container pod (container named like the pod) bound to the tight node.
pub fn pod(s: &Spec) -> Pod {
    let mut p = super::sim_http::pod(
        s.name,
        vec![super::sim_http::container(
            s.name,
            &[("cpu", s.cpu), ("memory", "256Mi")],
            &[("cpu", "3"), ("memory", "512Mi")],
            false,
        )],
    );
    if let Some(spec) = p.spec.as_mut() {
        spec.node_name = Some(NODE.into());
        spec.priority_class_name = (!s.class.is_empty()).then(|| s.class.to_string());
    }
    p.metadata.annotations = Some(
        [
            (CPU_USAGE_ANNOTATION.to_string(), s.usage.to_string()),
            (MEMORY_USAGE_ANNOTATION.to_string(), "100Mi".to_string()),
        ]
        .into(),
    );
    p
}

/// Adds the 4-cpu node and the pods, and waits until they all run.
pub async fn fill(sim: &SimCluster, pods: &[Spec<'_>]) {
    sim.add_node(NODE, 4000, 8 << 30, true);
    for s in pods {
        sim.create_pod(pod(s)).unwrap();
    }
    for s in pods {
        super::sim_http::eventually("running", || async {
            sim.pod("default", s.name).filter(super::sim_http::running)
        })
        .await;
    }
}

/// Sends a resize of `pod`'s container over HTTP (the kube client's pods/resize).
pub async fn resize(client: &kube::Client, pod: &str, patch: serde_json::Value) {
    let api: Api<Pod> = Api::namespaced(client.clone(), "default");
    api.patch_subresource(
        "resize",
        pod,
        &PatchParams::default(),
        &Patch::Strategic(&patch),
    )
    .await
    .unwrap();
}

/// The pod's `PodResizePending` reason, if any.
pub fn pending_reason(sim: &SimCluster, pod: &str) -> Option<String> {
    sim.pod("default", pod)?
        .status?
        .conditions?
        .into_iter()
        .find(|c| c.type_ == "PodResizePending")?
        .reason
}

/// Grows `pod` to `cpu` and waits until the kubelet defers it.
pub async fn grow_until_deferred(sim: &SimCluster, client: &kube::Client, pod: &str, cpu: &str) {
    let patch = serde_json::json!({"spec": {"containers": [{"name": pod, "resources": {"requests": {"cpu": cpu}}}]}});
    resize(client, pod, patch).await;
    super::sim_http::eventually("deferred", || async {
        (pending_reason(sim, pod).as_deref() == Some("Deferred")).then_some(())
    })
    .await;
}

/// Like `pod`, with two containers `<name>-a` and `<name>-b` asking `s.cpu` each.
pub fn two_container_pod(s: &Spec) -> Pod {
    let mut p = pod(s);
    if let Some(spec) = p.spec.as_mut() {
        let mut b = spec.containers[0].clone();
        spec.containers[0].name = format!("{}-a", s.name);
        b.name = format!("{}-b", s.name);
        spec.containers.push(b);
    }
    p
}

/// Adds the node and pods already built, and waits until they all run.
pub async fn fill_pods(sim: &SimCluster, pods: Vec<Pod>) {
    sim.add_node(NODE, 4000, 8 << 30, true);
    let names: Vec<String> = pods
        .iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect();
    for p in pods {
        sim.create_pod(p).unwrap();
    }
    for name in &names {
        super::sim_http::eventually("running", || async {
            sim.pod("default", name).filter(super::sim_http::running)
        })
        .await;
    }
}

/// The requests of every container of `pod`, by name (cpu text as the server keeps it).
pub fn cpu_requests(sim: &SimCluster, pod: &str) -> Vec<(String, String)> {
    let p = sim.pod("default", pod).unwrap();
    p.spec
        .unwrap()
        .containers
        .iter()
        .map(|c| {
            let req = c.resources.as_ref().unwrap().requests.as_ref().unwrap();
            (c.name.clone(), req["cpu"].0.clone())
        })
        .collect()
}

/// The pod's `podsize.dev/lent` annotation, if any.
pub fn lent(sim: &SimCluster, pod: &str) -> Option<String> {
    sim.pod("default", pod)?
        .metadata
        .annotations?
        .get("podsize.dev/lent")
        .cloned()
}
