//! Binding pods without a node to the roomiest one, and starting bound pods: their
//! allocated and actual resources and their first status.

use super::*;

impl Kubelet {
    pub(super) fn bind(&mut self, key: &Key) {
        let nodes = self.store.all::<Node>(None);
        let best = nodes
            .iter()
            .filter_map(|n| {
                n.metadata
                    .name
                    .clone()
                    .map(|name| (name, podutil::node_allocatable(n)))
            })
            .max_by_key(|(name, alloc)| {
                alloc.cpu_millis.unwrap_or(0) - self.node_used(name, key).cpu_millis.unwrap_or(0)
            });
        let Some((node, _)) = best else {
            return;
        };
        let _ = self.store.update::<Pod, ()>(&key.0, &key.1, |p| {
            let mut p = (**p).clone();
            if let Some(spec) = p.spec.as_mut() {
                spec.node_name = Some(node.clone());
            }
            Ok(Some(p))
        });
    }

    pub(super) fn start(&mut self, key: &Key, pod: &Pod) {
        let Some(node) = node_of(pod) else {
            return;
        };
        let supports = self.node_supports_resize(&node);
        let want = desired(pod);
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
            },
        );
    }
}
