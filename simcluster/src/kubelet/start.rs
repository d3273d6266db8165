//! Binding pods without a node to the roomiest node they fit, as the scheduler counts room,
//! and starting bound pods after the kubelet's own admission check (a pod that does not fit is
//! rejected, never over-admitted): their allocated and actual resources and first status.

use super::*;
use crate::kubelet_room::{Verdict, counted, extra_of, verdict};

/// What the scheduler counts for a pod already on a node: per container the largest of
/// desired, allocated and actual requests, except that an Infeasible resize's desired values
/// are not counted (real-apiserver-facts.md, fourth round: quota and scheduler alike).
fn scheduled(pod: &Pod) -> CpuMem {
    let held = held_by(pod);
    let infeasible = pod.status.as_ref().is_some_and(|s| {
        s.resize.as_deref() == Some("Infeasible")
            || s.conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == "PodResizePending" && c.reason.as_deref() == Some("Infeasible"))
    });
    if infeasible {
        return held;
    }
    let want = counted(&desired(pod), &extra_of(pod));
    CpuMem {
        cpu_millis: held.cpu_millis.max(want.cpu_millis),
        memory_bytes: held.memory_bytes.max(want.memory_bytes),
    }
}

fn plus(a: CpuMem, b: CpuMem) -> CpuMem {
    CpuMem {
        cpu_millis: Some(a.cpu_millis.unwrap_or(0) + b.cpu_millis.unwrap_or(0)),
        memory_bytes: Some(a.memory_bytes.unwrap_or(0) + b.memory_bytes.unwrap_or(0)),
    }
}

impl Kubelet {
    pub(super) fn bind(&mut self, key: &Key) {
        let Some(pod) = self.store.get::<Pod>(&key.0, &key.1) else {
            return;
        };
        let need = counted(&desired(&pod.obj), &extra_of(&pod.obj));
        let mut used: HashMap<String, CpuMem> = HashMap::new();
        for p in self.store.all::<Pod>(None) {
            if let Some(n) = node_of(&p).filter(|_| !terminal(&p) && podutil::key(&p) != *key) {
                let sum = used.entry(n).or_insert(CpuMem::ZERO);
                *sum = plus(*sum, scheduled(&p));
            }
        }
        let nodes = self.store.all::<Node>(None);
        let best = nodes
            .iter()
            .filter(|n| super::affinity::allows(&pod.obj, n))
            .filter_map(|n| n.metadata.name.clone())
            .filter_map(|name| {
                let cap = self.node_capacity(&name);
                let others = used.get(&name).copied().unwrap_or(CpuMem::ZERO);
                let fits = verdict(need, others, cap) == Verdict::Fits;
                fits.then(|| {
                    let free = cap.cpu_millis.unwrap_or(0) - others.cpu_millis.unwrap_or(0);
                    (name, free)
                })
            })
            .max_by_key(|(_, free)| *free);
        let Some((node, _)) = best else {
            // No node has room: the pod stays Pending and is offered again every retry period.
            return self.mark_unschedulable(key, nodes.len());
        };
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            if let Some(spec) = p.spec.as_mut() {
                spec.node_name = Some(node.clone());
            }
            Ok(Some(p))
        });
    }

    fn mark_unschedulable(&mut self, key: &Key, nodes: usize) {
        let message = format!("0/{nodes} nodes are available: {nodes} Insufficient resources.");
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let st = p.status.as_ref();
            let already = st.and_then(|s| s.conditions.as_ref()).is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "PodScheduled" && c.message.as_deref() == Some(&message))
            });
            if already {
                return Ok(None);
            }
            let mut p = (**p).clone();
            let st = p.status.get_or_insert_with(Default::default);
            st.phase = Some("Pending".into());
            let mut c = condition(
                "PodScheduled",
                Some("Unschedulable"),
                Some(message.clone()),
                podutil::now(),
                None,
            );
            c.status = "False".into();
            st.conditions = Some(vec![c]);
            Ok(Some(p))
        });
    }

    /// The kubelet's admission of a pod bound to it (`canAdmitPod`): rejected as `OutOfcpu` /
    /// `OutOfmemory` when the pods already there leave too little room. Returns whether admitted.
    fn admit(
        &mut self,
        key: &Key,
        node: &str,
        want: &Resources,
        extra: &crate::kubelet_room::Extra,
    ) -> bool {
        let need = counted(want, extra);
        let used = self.node_used(node, key);
        let cap = self.node_capacity(node);
        if verdict(need, used, cap) == Verdict::Fits {
            return true;
        }
        let over_cpu = need.cpu_millis.unwrap_or(0) + used.cpu_millis.unwrap_or(0)
            > cap.cpu_millis.unwrap_or(i64::MAX);
        let (res, n, u, c) = if over_cpu {
            ("cpu", need.cpu_millis, used.cpu_millis, cap.cpu_millis)
        } else {
            (
                "memory",
                need.memory_bytes,
                used.memory_bytes,
                cap.memory_bytes,
            )
        };
        let (n, u, c) = (n.unwrap_or(0), u.unwrap_or(0), c.unwrap_or(0));
        let message = format!(
            "Pod was rejected: Node didn't have enough resource: {res}, requested: {n}, used: {u}, capacity: {c}"
        );
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            set_managed(&mut p, status_entry("kubelet"));
            let st = p.status.get_or_insert_with(Default::default);
            st.phase = Some("Failed".into());
            st.reason = Some(format!("OutOf{res}"));
            st.message = Some(message.clone());
            st.start_time = Some(podutil::now());
            Ok(Some(p))
        });
        false
    }

    pub(super) fn start(&mut self, key: &Key, pod: &Pod) {
        let Some(node) = node_of(pod) else {
            return;
        };
        let want = desired(pod);
        let extra = extra_of(pod);
        if !self.admit(key, &node, &want, &extra) {
            return;
        }
        let supports = self.node_supports_resize(&node);
        let (minor, now) = (self.minor, podutil::now());
        let publish = self.pod_level_status;
        let generation = pod.metadata.generation;
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            // Status writes go through pods/status as the kubelet: record it there.
            set_managed(&mut p, status_entry("kubelet"));
            let images: HashMap<String, String> = p
                .spec
                .iter()
                .flat_map(|s| {
                    s.containers
                        .iter()
                        .chain(s.init_containers.iter().flatten())
                })
                .map(|c| (c.name.clone(), c.image.clone().unwrap_or_default()))
                .collect();
            let st = p.status.get_or_insert_with(Default::default);
            st.phase = Some("Running".into());
            st.host_ip = Some("10.0.0.1".into());
            st.pod_ip = Some(format!(
                "10.244.{}.{}",
                key.1.len() % 250,
                key.0.len() * 7 % 250
            ));
            st.start_time = Some(now.clone());
            podutil::mirror_ip_lists(st);
            if minor >= 34 {
                st.observed_generation = generation;
            }
            let mut conds = Vec::new();
            for t in [
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled",
            ] {
                conds.push(condition(
                    t,
                    None,
                    None,
                    now.clone(),
                    if minor >= 34 { generation } else { None },
                ));
            }
            st.conditions = Some(conds);
            let sidecars: HashSet<String> = p
                .spec
                .iter()
                .flat_map(|s| s.init_containers.iter().flatten())
                .map(|c| c.name.clone())
                .collect();
            let mut regular = Vec::new();
            let mut init = Vec::new();
            for (name, spec) in want.iter().filter(|(n, _)| n.as_str() != POD_KEY) {
                let image = images.get(name).cloned().unwrap_or_default();
                let cs = container_status(name, &image, spec, spec, supports, minor, 0, None, &now);
                if sidecars.contains(name) {
                    init.push(cs)
                } else {
                    regular.push(cs)
                }
            }
            st.container_statuses = Some(regular);
            if !init.is_empty() {
                st.init_container_statuses = Some(init);
            }
            pod_level::write_status(st, &want, supports, publish);
            // A start-up workload is Ready only once its work is done (sim/startup.rs).
            if crate::startup::work_millis(&p).is_some() {
                crate::startup::set_ready(&mut p, false);
            }
            Ok(Some(p))
        });
        self.allocs.insert(
            key.clone(),
            Alloc {
                node,
                allocated: want.clone(),
                actual: want,
                failed: false,
                extra,
            },
        );
    }
}
