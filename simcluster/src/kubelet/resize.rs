//! Acting on a desired change: admit it (Done after actuation), defer it while the node lacks
//! room, refuse it as Infeasible, or fail it (a memory limit below usage, 1.34+), writing the
//! pending state in the version's shape.

use super::*;

impl Kubelet {
    pub(super) fn node_supports_resize(&self, node: &str) -> bool {
        self.store.get::<Node>("", node).is_none_or(|n| {
            n.obj
                .metadata
                .labels
                .as_ref()
                .is_none_or(|l| !l.contains_key(NO_RESIZE_LABEL))
        })
    }

    /// The node's runtime reports resized values (`nodes::reports_resized_values`).
    pub(super) fn node_reports_resize(&self, node: &str) -> bool {
        self.store
            .get::<Node>("", node)
            .is_none_or(|n| crate::nodes::reports_resized_values(&n.obj))
    }

    /// The node's allocatable; a node the store does not know limits nothing.
    pub(super) fn node_capacity(&self, node: &str) -> CpuMem {
        let unlimited = CpuMem {
            cpu_millis: Some(i64::MAX / 4),
            memory_bytes: Some(i64::MAX / 4),
        };
        self.store.get::<Node>("", node).map_or(unlimited, |n| {
            let a = podutil::node_allocatable(&n.obj);
            CpuMem {
                cpu_millis: a.cpu_millis.or(unlimited.cpu_millis),
                memory_bytes: a.memory_bytes.or(unlimited.memory_bytes),
            }
        })
    }

    pub(super) fn resize(&mut self, key: &Key, pod: &Pod) {
        let Some(alloc) = self.allocs.get(key).cloned() else {
            self.allocs.insert(
                key.clone(),
                alloc_from_status(pod, node_of(pod).unwrap_or_default()),
            );
            return self.schedule(key.clone(), Job::Process, Duration::ZERO);
        };
        let want = desired(pod);
        if want == alloc.allocated {
            // Nothing left to allocate (e.g. a pending resize was reverted): a real kubelet drops
            // the pending state and reports the generation it synced (resize-api.md §2.2, §2.7).
            self.deferred.remove(key);
            return self.clear_pending(key);
        }
        let qos = pod.status.as_ref().and_then(|s| s.qos_class.as_deref());
        let pinned = self
            .store
            .get::<Node>("", &alloc.node)
            .is_some_and(|n| crate::cpu_manager::is_static(&n.obj));
        if pinned && crate::cpu_manager::refuses(qos, &alloc.allocated, &want) {
            self.deferred.remove(key);
            return self.write_pending(key, "Infeasible", crate::cpu_manager::STATIC_INFEASIBLE);
        }
        let capacity = self.node_capacity(&alloc.node);
        // One verdict for every pending state, seeded or live: the node's own allocatable and
        // what the other pods on it hold (kubelet_room).
        let need = crate::kubelet_room::counted(&want, &alloc.extra);
        let used = self.node_used(&alloc.node, key);
        match crate::kubelet_room::verdict(need, used, capacity) {
            crate::kubelet_room::Verdict::Fits => {}
            crate::kubelet_room::Verdict::Infeasible(msg) => {
                self.deferred.remove(key);
                return self.write_pending(key, "Infeasible", &msg);
            }
            crate::kubelet_room::Verdict::Deferred(msg) => {
                self.deferred.insert(key.clone());
                return self.write_pending(key, "Deferred", &msg);
            }
        }
        self.deferred.remove(key);
        let before = crate::kubelet_room::counted(&alloc.allocated, &alloc.extra);
        let shrank = need.cpu_millis < before.cpu_millis || need.memory_bytes < before.memory_bytes;
        let usage = memory_usage(pod);
        let below_usage = want.iter().find_map(|(name, spec)| {
            let new_limit = spec.limits.memory_bytes?;
            let old_limit = alloc.actual.get(name).and_then(|a| a.limits.memory_bytes);
            let used = usage.get(name).copied().unwrap_or(0);
            (self.minor >= 34 && old_limit.is_none_or(|o| new_limit < o) && new_limit < used)
                .then_some(new_limit)
        });
        if let Some(a) = self.allocs.get_mut(key) {
            a.allocated = want.clone();
            a.failed = below_usage.is_some();
        }
        let (minor, now, generation) = (self.minor, podutil::now(), pod.metadata.generation);
        let publish = self.pod_level_status;
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            // A failure already reported for this generation (a seeded one, or one seen again
            // after a restart of the kubelet) is not written again.
            if let Some(limit) = below_usage
                && shows_error(p, &format!("memory limit ({limit}) below current usage"))
            {
                return Ok(None);
            }
            let mut p = (**p).clone();
            // Status writes go through pods/status as the kubelet: record it there.
            set_managed(&mut p, status_entry("kubelet"));
            let st = p.status.get_or_insert_with(Default::default);
            if minor != 32 {
                for cs in st
                    .container_statuses
                    .iter_mut()
                    .flatten()
                    .chain(st.init_container_statuses.iter_mut().flatten())
                {
                    if let Some(spec) = want.get(&cs.name) {
                        cs.allocated_resources = podutil::requirements(spec).requests;
                    }
                }
                pod_level::write_status(st, &want, false, publish);
            }
            if minor >= 33 {
                let mut conds = st.conditions.take().unwrap_or_default();
                conds.retain(|c| c.type_ != "PodResizePending" && c.type_ != "PodResizeInProgress");
                let og = if minor >= 34 { generation } else { None };
                match below_usage {
                    Some(limit) => conds.push(condition(
                        "PodResizeInProgress",
                        Some("Error"),
                        Some(format!("memory limit ({limit}) below current usage")),
                        now.clone(),
                        og,
                    )),
                    None => conds.push(condition(
                        "PodResizeInProgress",
                        None,
                        None,
                        now.clone(),
                        og,
                    )),
                }
                st.conditions = Some(conds);
                if minor >= 34 {
                    st.observed_generation = generation;
                }
            } else {
                st.resize = Some("InProgress".into());
            }
            Ok(Some(p))
        });
        if below_usage.is_none() {
            self.schedule(
                key.clone(),
                Job::Actuate,
                (self.delay / 2).max(Duration::from_millis(1)),
            );
        }
        if shrank {
            self.wake_node(&alloc.node);
        }
    }

    pub(super) fn clear_pending(&mut self, key: &Key) {
        let minor = self.minor;
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            if !reports_stale_resize(p, minor) {
                return Ok(None);
            }
            let generation = p.metadata.generation;
            let mut p = (**p).clone();
            let st = p.status.get_or_insert_with(Default::default);
            if let Some(conds) = st.conditions.as_mut() {
                conds.retain(|c| c.type_ != "PodResizePending");
            }
            if matches!(st.resize.as_deref(), Some("Deferred" | "Infeasible")) {
                st.resize = None;
            }
            if minor >= 34 {
                st.observed_generation = generation;
            }
            Ok(Some(p))
        });
    }

    pub(super) fn write_pending(&mut self, key: &Key, reason: &str, message: &str) {
        let (minor, now) = (self.minor, podutil::now());
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let generation = p.metadata.generation;
            let mut p = (**p).clone();
            // Status writes go through pods/status as the kubelet: record it there.
            set_managed(&mut p, status_entry("kubelet"));
            let st = p.status.get_or_insert_with(Default::default);
            if minor >= 33 {
                let mut conds = st.conditions.clone().unwrap_or_default();
                let same = conds.iter().any(|c| {
                    c.type_ == "PodResizePending"
                        && c.reason.as_deref() == Some(reason)
                        && c.message.as_deref() == Some(message)
                        && (minor < 34 || c.observed_generation == generation)
                });
                if same {
                    return Ok(None);
                }
                conds.retain(|c| c.type_ != "PodResizePending");
                conds.push(condition(
                    "PodResizePending",
                    Some(reason),
                    Some(message.to_string()),
                    now.clone(),
                    if minor >= 34 { generation } else { None },
                ));
                st.conditions = Some(conds);
                if minor >= 34 {
                    st.observed_generation = generation;
                }
            } else {
                if st.resize.as_deref() == Some(reason) {
                    return Ok(None);
                }
                st.resize = Some(reason.to_string());
            }
            Ok(Some(p))
        });
    }
}

/// The pod already shows this actuation error for its current generation, and nothing pending.
fn shows_error(pod: &Pod, message: &str) -> bool {
    let Some(conds) = pod.status.as_ref().and_then(|s| s.conditions.as_ref()) else {
        return false;
    };
    let generation = pod.metadata.generation;
    conds.iter().all(|c| c.type_ != "PodResizePending")
        && conds.iter().any(|c| {
            c.type_ == "PodResizeInProgress"
                && c.message.as_deref() == Some(message)
                && c.observed_generation.is_none_or(|g| Some(g) == generation)
        })
}
