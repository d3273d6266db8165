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
use alloc::{alloc_from_status, desired};
pub use alloc::{desired_need, held_by};

mod actuate;
mod affinity;
mod alloc;
mod oom;
mod resize;
mod start;

/// How often Deferred resizes are retried without a trigger (resize-api.md §4.8: "and
/// periodically"), and unschedulable pods offered to the scheduler again.
pub const RETRY_PERIOD: Duration = Duration::from_secs(30);

type Key = (String, String);
type Resources = BTreeMap<String, ResourceSpec>;

#[derive(Clone, Debug)]
struct Alloc {
    node: String,
    allocated: Resources,
    actual: Resources,
    /// Resize attempt failed with an actuation error for this desired state.
    failed: bool,
    /// Init-container term and overhead: counted with the containers (kubelet_room).
    extra: crate::kubelet_room::Extra,
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
    /// Earliest time each container may be OOM-killed again (CrashLoopBackOff).
    oom_backoff: HashMap<(Key, String), Instant>,
    /// Where the next OOM check resumes in a large cluster (`None`: from the first pod).
    oom_cursor: Option<Key>,
    /// Pod-level status fields are published (1.36+, or 1.35 with the alpha gate).
    pod_level_status: bool,
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
            oom_backoff: HashMap::new(),
            oom_cursor: None,
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
        // Every pod is looked at once: unbound and unstarted ones, and started ones whose
        // desired values differ from what is allocated (a seeded Deferred resize is retried
        // like any other).
        for pod in self.store.all::<Pod>(None) {
            self.observe(podutil::key(&pod), &pod);
        }
        let tick = (self.delay / 4).clamp(Duration::from_millis(2), Duration::from_millis(50));
        let mut ticker = tokio::time::interval(tick);
        let mut retry = tokio::time::interval_at(Instant::now() + RETRY_PERIOD, RETRY_PERIOD);
        let mut oom = tokio::time::interval(Duration::from_secs(1));
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
                _ = retry.tick() => self.retry_all(),
                _ = oom.tick() => self.kill_over_limit(),
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

    /// The periodic retry: every Deferred resize, and every pod still waiting for a node.
    fn retry_all(&mut self) {
        let mut keys: Vec<Key> = self.deferred.iter().cloned().collect();
        keys.extend(
            self.store
                .all::<Pod>(None)
                .iter()
                .filter(|p| node_of(p).is_none() && !terminal(p))
                .map(|p| podutil::key(p)),
        );
        for k in keys {
            self.schedule(k, Job::Process, Duration::ZERO);
        }
    }

    fn observe(&mut self, key: Key, pod: &Pod) {
        if pod.metadata.deletion_timestamp.is_some() || terminal(pod) {
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
        } else if alloc.actual != alloc.allocated && applying(pod) {
            // Admitted but not yet applied (a resize in progress when this kubelet started):
            // a real kubelet goes on applying it (resize-api.md §4.8), it never stays half done.
            self.schedule(key, Job::Actuate, self.delay);
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
                let t = super::kubelet_room::held(&a.allocated, &a.actual, &a.extra);
                used.cpu_millis = used.cpu_millis.map(|u| u + t.cpu_millis.unwrap_or(0));
                used.memory_bytes = used.memory_bytes.map(|u| u + t.memory_bytes.unwrap_or(0));
            }
        }
        used
    }
}

/// A pod that ended (or that the kubelet rejected at admission) holds nothing and is not acted on.
fn terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Failed" | "Succeeded")
    )
}

/// The pod still says a resize waits, or the kubelet has not reported the newest generation,
/// though nothing differs from what is allocated.
/// The pod says a resize is being applied and has not failed: `PodResizeInProgress` without
/// reason `Error` (1.33+), or `status.resize: InProgress` (up to 1.32).
fn applying(pod: &Pod) -> bool {
    let Some(st) = pod.status.as_ref() else {
        return false;
    };
    let condition = st.conditions.iter().flatten().any(|c| {
        c.type_ == "PodResizeInProgress"
            && c.status == "True"
            && c.reason.as_deref() != Some("Error")
    });
    condition || st.resize.as_deref() == Some("InProgress")
}

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
