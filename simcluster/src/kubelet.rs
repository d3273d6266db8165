//! A simulated kubelet for every node: starts bound pods, and acts on accepted resizes after a
//! delay — Done, Deferred (retried when room frees), Infeasible, or Error (memory limit below
//! usage, 1.34+) — writing status in the shape of the server's version mode. Also a tiny
//! scheduler for pods created without a node. Status shapes and usage live in `kstatus`.

use super::api::{set_managed, status_entry};
use super::podutil::{self, spec_of};
use super::store::{EventType, Kind, Store};
use crate::resources::{CpuMem, ResourceSpec};
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStatus, Node, Pod,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// Node label marking a node whose kubelet does not report container resources.
pub const NO_RESIZE_LABEL: &str = "sim.podsize.dev/no-resize-support";
/// Pod annotation: never start this pod (shows the not-started state).
pub const NO_START_ANNOTATION: &str = "sim.podsize.dev/no-start";
pub use super::kstatus::{MEMORY_USAGE_ANNOTATION, container_status, kq, pod_metrics, usage};
use super::kstatus::{condition, memory_usage};
use super::kubelet_pod::{self as pod_level, POD_KEY};

mod actuate;
mod resize;
mod start;

type Key = (String, String);
type Resources = BTreeMap<String, ResourceSpec>;

#[derive(Clone, Debug)]
struct Alloc {
    node: String,
    allocated: Resources,
    actual: Resources,
    /// Resize attempt failed with an actuation error for this desired state.
    failed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Job {
    Process,
    Actuate,
}

/// The simulated kubelets of all nodes.
pub struct Kubelet {
    store: Arc<Store>,
    minor: u32,
    delay: Duration,
    allocs: HashMap<Key, Alloc>,
    queue: HashMap<Key, (Instant, Job)>,
    deferred: HashSet<Key>,
    sub: Option<super::store::Subscription>,
    /// Pod-level status fields are published (1.36+, or 1.35 with the alpha gate).
    pod_level_status: bool,
}

/// Desired values per container, with the pod-level entry (`POD_KEY`) when set.
fn desired(pod: &Pod) -> Resources {
    let containers = podutil::running_containers(pod)
        .into_iter()
        .map(|c| (c.name.clone(), spec_of(c.resources.as_ref())))
        .collect();
    pod_level::with_pod_level(containers, pod)
}

fn total_requests(res: &Resources) -> CpuMem {
    pod_level::total(res)
}

fn node_of(pod: &Pod) -> Option<String> {
    pod.spec
        .as_ref()?
        .node_name
        .clone()
        .filter(|n| !n.is_empty())
}

fn started(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .is_some_and(|c| !c.is_empty())
}

fn annotation<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata
        .annotations
        .as_ref()?
        .get(key)
        .map(String::as_str)
}

/// Allocation as reported in a started pod's status (falls back to the spec).
fn alloc_from_status(pod: &Pod, node: String) -> Alloc {
    let spec = desired(pod);
    let statuses: HashMap<&str, &ContainerStatus> = pod
        .status
        .iter()
        .flat_map(|s| {
            s.container_statuses
                .iter()
                .flatten()
                .chain(s.init_container_statuses.iter().flatten())
        })
        .map(|c| (c.name.as_str(), c))
        .collect();
    let mut allocated = Resources::new();
    let mut actual = Resources::new();
    for (name, want) in &spec {
        let st = statuses.get(name.as_str());
        let act = st
            .and_then(|s| s.resources.as_ref())
            .map(|r| spec_of(Some(r)))
            .unwrap_or(*want);
        let alloc_req = st.and_then(|s| s.allocated_resources.as_ref()).map(|m| {
            spec_of(Some(&k8s_openapi::api::core::v1::ResourceRequirements {
                requests: Some(m.clone()),
                ..Default::default()
            }))
            .requests
        });
        let is_pending = pod.status.as_ref().is_some_and(|s| s.resize.is_some());
        let alloc = match alloc_req {
            Some(req) => ResourceSpec {
                requests: req,
                limits: act.limits,
            },
            None if is_pending => act,
            None => *want,
        };
        allocated.insert(name.clone(), alloc);
        actual.insert(name.clone(), act);
    }
    if let Some(want) = spec.get(POD_KEY) {
        let (alloc, act) = pod_level::from_status(pod, want);
        allocated.insert(POD_KEY.to_string(), alloc);
        actual.insert(POD_KEY.to_string(), act);
    }
    Alloc {
        node,
        allocated,
        actual,
        failed: false,
    }
}

impl Kubelet {
    /// Kubelets over `store` for server `1.minor`, acting `delay` after each change.
    pub fn new(store: Arc<Store>, minor: u32, delay: Duration) -> Self {
        Self {
            store,
            minor,
            delay,
            allocs: HashMap::new(),
            queue: HashMap::new(),
            deferred: HashSet::new(),
            sub: None,
            pod_level_status: super::rules::resize::pod_level_gate(minor, false),
        }
        .subscribed()
    }

    /// 1.35's alpha gate `InPlacePodLevelResourcesVerticalScaling` (on from 1.36 regardless).
    pub fn with_pod_level_resize(mut self, on: bool) -> Self {
        self.pod_level_status = super::rules::resize::pod_level_gate(self.minor, on);
        self
    }

    /// Subscribes now, so no change made after construction is missed.
    fn subscribed(mut self) -> Self {
        self.sub = self.store.subscribe(None).ok();
        self
    }

    /// Runs until the store is dropped.
    pub async fn run(mut self) {
        let Some(mut sub) = self.sub.take() else {
            return;
        };
        self.resync(false);
        // Pods not yet bound or started get handled now.
        for pod in self.store.all::<Pod>(None) {
            if node_of(&pod).is_none() || !started(&pod) {
                self.observe(podutil::key(&pod), &pod);
            }
        }
        let tick = (self.delay / 4).clamp(Duration::from_millis(2), Duration::from_millis(50));
        let mut ticker = tokio::time::interval(tick);
        let mut retry = tokio::time::interval(Duration::from_secs(5).max(self.delay * 4));
        loop {
            tokio::select! {
                ev = sub.rx.recv() => match ev {
                    Ok(ev) if ev.kind == Kind::Pod => {
                        let key = (ev.namespace.clone(), ev.name.clone());
                        match (ev.etype, &ev.pod) {
                            (EventType::Deleted, _) => self.forget(&key),
                            (_, Some(pod)) => self.observe(key, pod),
                            _ => {}
                        }
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.resync(true),
                    Err(RecvError::Closed) => return,
                },
                _ = ticker.tick() => self.run_due(),
                _ = retry.tick() => {
                    let keys: Vec<Key> = self.deferred.iter().cloned().collect();
                    for k in keys { self.schedule(k, Job::Process, Duration::ZERO); }
                }
            }
        }
    }

    fn resync(&mut self, act: bool) {
        for pod in self.store.all::<Pod>(None) {
            let key = podutil::key(&pod);
            if act {
                self.observe(key, &pod);
            } else if let Some(node) = node_of(&pod).filter(|_| started(&pod)) {
                self.allocs.insert(key, alloc_from_status(&pod, node));
            }
        }
    }

    fn schedule(&mut self, key: Key, job: Job, after: Duration) {
        let due = Instant::now() + after;
        match self.queue.get(&key) {
            Some((_, Job::Actuate)) if job == Job::Process => {}
            Some((at, j)) if *j == job && *at <= due => {}
            _ => {
                self.queue.insert(key, (due, job));
            }
        }
    }

    fn forget(&mut self, key: &Key) {
        self.queue.remove(key);
        self.deferred.remove(key);
        if let Some(alloc) = self.allocs.remove(key) {
            self.wake_node(&alloc.node);
        }
    }

    fn wake_node(&mut self, node: &str) {
        let keys: Vec<Key> = self
            .deferred
            .iter()
            .filter(|k| self.allocs.get(*k).is_some_and(|a| a.node == node))
            .cloned()
            .collect();
        for k in keys {
            self.schedule(k, Job::Process, Duration::ZERO);
        }
    }

    fn observe(&mut self, key: Key, pod: &Pod) {
        if pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        let Some(node) = node_of(pod) else {
            if self.store.count::<Node>() > 0 {
                self.schedule(key, Job::Process, Duration::ZERO);
            }
            return;
        };
        if !started(pod) {
            if annotation(pod, NO_START_ANNOTATION).is_none() {
                self.schedule(key, Job::Process, self.delay);
            }
            return;
        }
        let alloc = self
            .allocs
            .entry(key.clone())
            .or_insert_with(|| alloc_from_status(pod, node));
        if desired(pod) != alloc.allocated || reports_stale_resize(pod, self.minor) {
            self.schedule(key, Job::Process, self.delay);
        }
    }

    fn run_due(&mut self) {
        let now = Instant::now();
        let mut due: Vec<(Key, Job)> = self
            .queue
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(k, (_, j))| (k.clone(), *j))
            .collect();
        self.order_retries(&mut due);
        for (key, job) in due {
            self.queue.remove(&key);
            let Some(entry) = self.store.get::<Pod>(&key.0, &key.1) else {
                continue;
            };
            let pod = entry.obj;
            match job {
                Job::Process if node_of(&pod).is_none() => self.bind(&key),
                Job::Process if !started(&pod) => self.start(&key, &pod),
                Job::Process => self.resize(&key, &pod),
                Job::Actuate => self.actuate(&key),
            }
        }
    }

    /// Deferred resizes due together are retried in the kubelet's order (1.34+), so room
    /// freed goes to the pod a real kubelet would give it to.
    fn order_retries(&self, due: &mut [(Key, Job)]) {
        if self.minor < 34 {
            return due.sort_by(|a, b| a.0.cmp(&b.0));
        }
        due.sort_by_cached_key(|(key, _)| {
            let pod = self.store.get::<Pod>(&key.0, &key.1);
            let key_of = |p: &Pod| {
                let grows = self
                    .allocs
                    .get(key)
                    .is_some_and(|a| super::kubelet_room::increases(&desired(p), &a.allocated));
                super::kubelet_room::retry_key(p, grows)
            };
            (pod.map(|e| key_of(&e.obj)), key.clone())
        });
    }

    fn node_used(&self, node: &str, except: &Key) -> CpuMem {
        let mut used = CpuMem {
            cpu_millis: Some(0),
            memory_bytes: Some(0),
        };
        for (k, a) in &self.allocs {
            if a.node == node && k != except {
                let t = super::kubelet_room::held(&a.allocated, &a.actual);
                used.cpu_millis = used.cpu_millis.map(|u| u + t.cpu_millis.unwrap_or(0));
                used.memory_bytes = used.memory_bytes.map(|u| u + t.memory_bytes.unwrap_or(0));
            }
        }
        used
    }
}

/// The pod still says a resize waits, or the kubelet has not reported the newest generation,
/// though nothing differs from what is allocated.
fn reports_stale_resize(pod: &Pod, minor: u32) -> bool {
    let Some(st) = pod.status.as_ref() else {
        return false;
    };
    let pending = st
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "PodResizePending");
    let legacy = matches!(st.resize.as_deref(), Some("Deferred" | "Infeasible"));
    let behind = minor >= 34
        && matches!(
            (pod.metadata.generation, st.observed_generation),
            (Some(g), Some(o)) if o < g
        );
    pending || legacy || behind
}
