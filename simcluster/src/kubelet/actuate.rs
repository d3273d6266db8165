//! Applying admitted resources to the running containers: the actual values, a restart where
//! the resizePolicy says RestartContainer, and waking the node's Deferred resizes when room frees.

use super::*;

impl Kubelet {
    pub(super) fn actuate(&mut self, key: &Key) {
        let Some(alloc) = self.allocs.get(key).cloned() else {
            return;
        };
        let supports = self.node_supports_resize(&alloc.node);
        // An old containerd applies the values but never reports them: the pod's resources
        // stay as they were and the resize stays InProgress (seed blog, known issues).
        let reports = self.node_reports_resize(&alloc.node);
        let (minor, now) = (self.minor, podutil::now());
        let publish = self.pod_level_status;
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            // Status writes go through pods/status as the kubelet: record it there.
            set_managed(&mut p, status_entry("kubelet"));
            let policies: HashMap<String, HashMap<String, String>> = p
                .spec
                .iter()
                .flat_map(|s| {
                    s.containers
                        .iter()
                        .chain(s.init_containers.iter().flatten())
                })
                .map(|c| {
                    (
                        c.name.clone(),
                        c.resize_policy
                            .iter()
                            .flatten()
                            .map(|r| (r.resource_name.clone(), r.restart_policy.clone()))
                            .collect(),
                    )
                })
                .collect();
            let generation = p.metadata.generation;
            let st = p.status.get_or_insert_with(Default::default);
            for cs in st
                .container_statuses
                .iter_mut()
                .flatten()
                .chain(st.init_container_statuses.iter_mut().flatten())
            {
                let (Some(new), Some(old)) =
                    (alloc.allocated.get(&cs.name), alloc.actual.get(&cs.name))
                else {
                    continue;
                };
                let pol = policies.get(&cs.name);
                let restart = |r: &str| {
                    pol.and_then(|m| m.get(r)).map(String::as_str) == Some("RestartContainer")
                };
                let cpu_changed = new.requests.cpu_millis != old.requests.cpu_millis
                    || new.limits.cpu_millis != old.limits.cpu_millis;
                let mem_changed = new.requests.memory_bytes != old.requests.memory_bytes
                    || new.limits.memory_bytes != old.limits.memory_bytes;
                if (cpu_changed && restart("cpu")) || (mem_changed && restart("memory")) {
                    let started_at = cs
                        .state
                        .as_ref()
                        .and_then(|s| s.running.as_ref())
                        .and_then(|r| r.started_at.clone());
                    cs.restart_count += 1;
                    cs.last_state = Some(ContainerState {
                        terminated: Some(ContainerStateTerminated {
                            exit_code: 0,
                            reason: Some("Completed".into()),
                            started_at,
                            finished_at: Some(now.clone()),
                            container_id: cs.container_id.clone(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    });
                    cs.state = Some(ContainerState {
                        running: Some(ContainerStateRunning {
                            started_at: Some(now.clone()),
                        }),
                        ..Default::default()
                    });
                }
                if supports && reports {
                    cs.resources = Some(podutil::requirements(new));
                }
            }
            pod_level::write_status(st, &alloc.allocated, supports && reports, publish);
            // Without a report nothing marks the end: the InProgress state stays.
            if reports && minor >= 33 {
                if let Some(conds) = st.conditions.as_mut() {
                    conds.retain(|c| c.type_ != "PodResizeInProgress");
                }
                if minor >= 34 {
                    st.observed_generation = generation;
                }
            } else if reports {
                st.resize = None;
            }
            Ok(Some(p))
        });
        let freed = crate::kubelet_room::held(&alloc.actual, &BTreeMap::new(), &alloc.extra);
        let holds = crate::kubelet_room::counted(&alloc.allocated, &alloc.extra);
        if let Some(a) = self.allocs.get_mut(key) {
            a.actual = alloc.allocated;
        }
        // The old, larger actual values were still held until now: room may have freed.
        if freed.cpu_millis > holds.cpu_millis || freed.memory_bytes > holds.memory_bytes {
            self.wake_node(&alloc.node);
        }
    }
}
