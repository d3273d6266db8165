//! In-memory object store: pods, nodes and namespaces with a global resourceVersion, cached
//! JSON per object, watch fan-out and a bounded history ring for watch resumption.

use super::hpa::HorizontalPodAutoscaler;
use super::vpa::VerticalPodAutoscaler;
use bytes::Bytes;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{LimitRange, Namespace, Node, Pod, ResourceQuota};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::Resource;
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use tokio::sync::broadcast;

mod watch_feed;
use watch_feed::watch_line;
pub use watch_feed::{Event, EventType, Subscription};

/// Which collection an object or event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// core/v1 Pod
    Pod,
    /// core/v1 Node
    Node,
    /// core/v1 Namespace
    Namespace,
    /// apps/v1 ReplicaSet
    ReplicaSet,
    /// autoscaling.k8s.io/v1 VerticalPodAutoscaler (a CRD on a real cluster)
    Vpa,
    /// core/v1 LimitRange
    LimitRange,
    /// core/v1 ResourceQuota
    ResourceQuota,
    /// autoscaling/v2 HorizontalPodAutoscaler
    Hpa,
    /// apps/v1 Deployment
    Deployment,
    /// policy/v1 PodDisruptionBudget
    Pdb,
}

/// A stored object: typed value plus its serialized JSON.
#[derive(Clone, Debug)]
pub struct Entry<T> {
    /// The object.
    pub obj: Arc<T>,
    /// `serde_json` bytes of the object (with kind and apiVersion).
    pub json: Bytes,
}

type Key = (String, String);

/// One typed collection.
pub struct Table<T> {
    items: BTreeMap<Key, Entry<T>>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: BTreeMap::new(),
        }
    }
}

/// Types the store holds.
pub trait Stored: Resource + Serialize + Clone + Send + Sync + 'static {
    /// The collection.
    const KIND: Kind;
    /// This type's table.
    fn table(inner: &Inner) -> &Table<Self>;
    /// This type's table, mutable.
    fn table_mut(inner: &mut Inner) -> &mut Table<Self>;
    /// The pod, if this is one.
    fn as_pod(obj: &Arc<Self>) -> Option<Arc<Pod>>;
    /// The pod, borrowed, if this is one.
    fn pod_ref(&self) -> Option<&Pod>;
}

macro_rules! stored {
    ($t:ty, $kind:ident, $field:ident, $pod:expr, $pod_ref:expr) => {
        impl Stored for $t {
            const KIND: Kind = Kind::$kind;
            fn table(inner: &Inner) -> &Table<Self> {
                &inner.$field
            }
            fn table_mut(inner: &mut Inner) -> &mut Table<Self> {
                &mut inner.$field
            }
            fn as_pod(obj: &Arc<Self>) -> Option<Arc<Pod>> {
                let f: fn(&Arc<Self>) -> Option<Arc<Pod>> = $pod;
                f(obj)
            }
            fn pod_ref(&self) -> Option<&Pod> {
                let f: fn(&Self) -> Option<&Pod> = $pod_ref;
                f(self)
            }
        }
    };
}
stored!(Pod, Pod, pods, |p| Some(p.clone()), |p| Some(p));
stored!(Node, Node, nodes, |_| None, |_| None);
stored!(Namespace, Namespace, namespaces, |_| None, |_| None);
stored!(ReplicaSet, ReplicaSet, replicasets, |_| None, |_| None);
stored!(VerticalPodAutoscaler, Vpa, vpas, |_| None, |_| None);
stored!(LimitRange, LimitRange, limitranges, |_| None, |_| None);
stored!(ResourceQuota, ResourceQuota, quotas, |_| None, |_| None);
stored!(HorizontalPodAutoscaler, Hpa, hpas, |_| None, |_| None);
stored!(Deployment, Deployment, deployments, |_| None, |_| None);
stored!(PodDisruptionBudget, Pdb, pdbs, |_| None, |_| None);

/// Everything behind the store's lock.
#[derive(Default)]
pub struct Inner {
    rv: u64,
    pods: Table<Pod>,
    nodes: Table<Node>,
    namespaces: Table<Namespace>,
    replicasets: Table<ReplicaSet>,
    vpas: Table<VerticalPodAutoscaler>,
    limitranges: Table<LimitRange>,
    quotas: Table<ResourceQuota>,
    hpas: Table<HorizontalPodAutoscaler>,
    deployments: Table<Deployment>,
    pdbs: Table<PodDisruptionBudget>,
    history: VecDeque<Arc<Event>>,
    /// Highest resourceVersion whose event is no longer in the history.
    compacted: u64,
}

/// One page of a list.
pub struct Page<T> {
    /// Each object with its JSON, in key order.
    pub items: Vec<Entry<T>>,
    /// Store resourceVersion when listed.
    pub rv: u64,
    /// Key of the last item when more remain.
    pub next: Option<(String, String)>,
    /// Matching items after this page (only counted when `next` is set).
    pub remaining: usize,
}

/// The in-memory store.
pub struct Store {
    inner: RwLock<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
    history_cap: usize,
    /// The simulated containers' event counters (OOM kills), read by the metrics served.
    pub counters: crate::container_counters::Counters,
}

impl Store {
    /// A store keeping `history_cap` events for watch resumption, starting at `start_rv`.
    pub fn new(history_cap: usize, start_rv: u64) -> Self {
        let (tx, _) = broadcast::channel(history_cap.max(1024) * 2);
        let inner = Inner {
            rv: start_rv,
            compacted: start_rv,
            ..Inner::default()
        };
        Self {
            inner: RwLock::new(inner),
            tx,
            history_cap: history_cap.max(1),
            counters: Default::default(),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.read().rv
    }

    /// Oldest resourceVersion a watch can resume from.
    pub fn compacted(&self) -> u64 {
        self.read().compacted
    }

    fn key_of<T: Stored>(obj: &T) -> Key {
        let meta = obj.meta();
        (
            meta.namespace.clone().unwrap_or_default(),
            meta.name.clone().unwrap_or_default(),
        )
    }

    fn commit<T: Stored>(&self, inner: &mut Inner, mut obj: T, etype: EventType) -> Entry<T> {
        inner.rv += 1;
        let rv = inner.rv;
        obj.meta_mut().resource_version = Some(rv.to_string());
        let key = Self::key_of(&obj);
        let json = Bytes::from(serde_json::to_vec(&obj).unwrap_or_default());
        let obj = Arc::new(obj);
        let entry = Entry {
            obj: obj.clone(),
            json: json.clone(),
        };
        if etype == EventType::Deleted {
            T::table_mut(inner).items.remove(&key);
        } else {
            T::table_mut(inner).items.insert(key.clone(), entry.clone());
        }
        let event = Arc::new(Event {
            kind: T::KIND,
            etype,
            rv,
            namespace: key.0,
            name: key.1,
            pod: T::as_pod(&obj),
            line: watch_line(etype, &json),
        });
        inner.history.push_back(event.clone());
        while inner.history.len() > self.history_cap {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted = old.rv;
            }
        }
        let _ = self.tx.send(event);
        entry
    }

    /// Inserts a new object; `Err` with the existing entry if the key is taken.
    pub fn create<T: Stored>(&self, obj: T) -> Result<Entry<T>, Entry<T>> {
        let mut inner = self.write();
        if let Some(existing) = T::table(&inner).items.get(&Self::key_of(&obj)) {
            return Err(existing.clone());
        }
        Ok(self.commit(&mut inner, obj, EventType::Added))
    }

    /// Inserts or replaces an object unconditionally.
    pub fn upsert<T: Stored>(&self, obj: T) -> Entry<T> {
        let mut inner = self.write();
        let etype = if T::table(&inner).items.contains_key(&Self::key_of(&obj)) {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.commit(&mut inner, obj, etype)
    }

    /// Atomically reads, changes and stores an object. `f` returns `Ok(None)` to leave it as is.
    /// `Ok(None)` is returned when the object does not exist.
    pub fn update<T: Stored, E>(
        &self,
        namespace: &str,
        name: &str,
        f: impl FnOnce(&Arc<T>) -> Result<Option<T>, E>,
    ) -> Result<Option<Entry<T>>, E> {
        let mut inner = self.write();
        let key = (namespace.to_string(), name.to_string());
        let Some(current) = T::table(&inner).items.get(&key).cloned() else {
            return Ok(None);
        };
        match f(&current.obj)? {
            Some(new) => Ok(Some(self.commit(&mut inner, new, EventType::Modified))),
            None => Ok(Some(current)),
        }
    }

    /// Removes an object; returns its last state.
    pub fn delete<T: Stored>(&self, namespace: &str, name: &str) -> Option<Entry<T>> {
        let mut inner = self.write();
        let key = (namespace.to_string(), name.to_string());
        let current = T::table(&inner).items.get(&key).cloned()?;
        Some(self.commit(&mut inner, (*current.obj).clone(), EventType::Deleted))
    }

    /// One object.
    pub fn get<T: Stored>(&self, namespace: &str, name: &str) -> Option<Entry<T>> {
        T::table(&self.read())
            .items
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Every object of a type (cloned Arcs), optionally in one namespace.
    pub fn all<T: Stored>(&self, namespace: Option<&str>) -> Vec<Arc<T>> {
        let inner = self.read();
        T::table(&inner)
            .items
            .iter()
            .filter(|((ns, _), _)| namespace.is_none_or(|want| want == ns))
            .map(|(_, e)| e.obj.clone())
            .collect()
    }

    /// Number of objects of a type.
    pub fn count<T: Stored>(&self) -> usize {
        T::table(&self.read()).items.len()
    }

    /// A page of objects in key order, after `after`, keeping those `keep` accepts.
    pub fn list<T: Stored>(
        &self,
        namespace: Option<&str>,
        after: Option<&(String, String)>,
        limit: Option<usize>,
        keep: &dyn Fn(&T) -> bool,
    ) -> Page<T> {
        let inner = self.read();
        let table = T::table(&inner);
        let start = match (after, namespace) {
            (Some(k), _) => std::ops::Bound::Excluded(k.clone()),
            (None, Some(ns)) => std::ops::Bound::Included((ns.to_string(), String::new())),
            (None, None) => std::ops::Bound::Unbounded,
        };
        let mut page = Page {
            items: Vec::new(),
            rv: inner.rv,
            next: None,
            remaining: 0,
        };
        let limit = limit.filter(|l| *l > 0).unwrap_or(usize::MAX);
        let mut last: Option<&Key> = None;
        for (key, entry) in table.items.range((start, std::ops::Bound::Unbounded)) {
            if namespace.is_some_and(|ns| ns != key.0) {
                break;
            }
            if !keep(&entry.obj) {
                continue;
            }
            if page.items.len() < limit {
                page.items.push(entry.clone());
                last = Some(key);
            } else {
                page.remaining += 1;
            }
        }
        if page.remaining > 0 {
            page.next = last.cloned();
        }
        page
    }
}
