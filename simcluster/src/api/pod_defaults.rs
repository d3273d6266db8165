//! What the apiserver fills in on a new pod before validation: uid, timestamps, generation,
//! the defaulted container and pod fields, the Priority plugin's value, the QoS class and the
//! creator's managedFields. Kept apart from the create path, which only calls it.

use super::*;

impl ApiServer {
    /// Fills what the apiserver fills on create: uid, timestamps, generation, defaults, QoS.
    pub fn prepare_new_pod(&self, pod: &mut Pod, manager: &str) {
        let n = self.uid.fetch_add(1, Ordering::Relaxed);
        pod.metadata
            .uid
            .get_or_insert_with(|| make_uid(n, n ^ 0x5151));
        pod.metadata
            .creation_timestamp
            .get_or_insert_with(podutil::now);
        pod.metadata.generation = self.tracks_generation().then_some(1);
        pod.metadata.resource_version = None;
        let minor = self.minor;
        if let Some(spec) = pod.spec.as_mut() {
            let sidecars = spec
                .init_containers
                .iter_mut()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            for c in spec.containers.iter_mut().chain(sidecars) {
                podutil::default_requests(&mut c.resources);
                let has_resources = c
                    .resources
                    .as_ref()
                    .is_some_and(|r| r.requests.is_some() || r.limits.is_some());
                if minor <= 32 && c.resize_policy.is_none() && has_resources {
                    c.resize_policy = Some(
                        ["cpu", "memory"]
                            .iter()
                            .map(|r| ContainerResizePolicy {
                                resource_name: (*r).into(),
                                restart_policy: "NotRequired".into(),
                            })
                            .collect(),
                    );
                }
                c.image_pull_policy
                    .get_or_insert_with(|| "IfNotPresent".into());
                c.termination_message_path
                    .get_or_insert_with(|| "/dev/termination-log".into());
                c.termination_message_policy
                    .get_or_insert_with(|| "File".into());
            }
            spec.restart_policy.get_or_insert_with(|| "Always".into());
            spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
            spec.scheduler_name
                .get_or_insert_with(|| "default-scheduler".into());
            spec.termination_grace_period_seconds.get_or_insert(30);
            spec.security_context.get_or_insert_with(Default::default);
            spec.enable_service_links.get_or_insert(true);
            // The Priority admission plugin: the class's value, or 0 without a class.
            if let Some(v) = spec
                .priority_class_name
                .as_deref()
                .and_then(crate::priority::value_of)
            {
                spec.priority = Some(v);
            }
            spec.priority.get_or_insert(0);
            spec.preemption_policy
                .get_or_insert_with(|| "PreemptLowerPriority".into());
            podutil::default_tolerations(spec);
            for c in spec.containers.iter_mut() {
                // Kept as `{}` (never absent) in every answer, as the real server does.
                c.resources.get_or_insert_with(Default::default);
            }
        }
        let qos = qos::compute(&PodView::of(pod));
        let status = pod.status.get_or_insert_with(PodStatus::default);
        status.phase.get_or_insert_with(|| "Pending".into());
        status.qos_class = Some(qos.to_string());
        if pod.metadata.managed_fields.is_none() {
            let names: serde_json::Map<String, Value> = pod
                .spec
                .iter()
                .flat_map(|s| s.containers.iter())
                .map(|c| {
                    // Each resource key is owned by the creator, as the real server records it
                    // (lr-02), so a later apply can conflict with it (ssa-02).
                    let keys = |m: Option<&BTreeMap<String, KQuantity>>| {
                        let mut f = serde_json::Map::new();
                        f.insert(".".into(), json!({}));
                        for k in m.into_iter().flatten().map(|(k, _)| k) {
                            f.insert(format!("f:{k}"), json!({}));
                        }
                        Value::Object(f)
                    };
                    let res = c.resources.as_ref();
                    (
                        format!("k:{{\"name\":\"{}\"}}", c.name),
                        json!({".": {}, "f:image": {}, "f:name": {}, "f:resources": {".": {},
                            "f:limits": keys(res.and_then(|r| r.limits.as_ref())),
                            "f:requests": keys(res.and_then(|r| r.requests.as_ref()))}}),
                    )
                })
                .collect();
            set_managed(
                pod,
                managed_entry(
                    manager,
                    None,
                    json!({"f:spec": {"f:containers": names, "f:restartPolicy": {}}}),
                ),
            );
        }
    }
}
