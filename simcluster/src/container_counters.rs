//! Per-container event counters the simulated kubelet keeps beside the API objects, as cAdvisor
//! keeps them beside a real kubelet: OOM kills so far, read by the metrics the sim serves.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// (namespace, pod, container).
pub type ContainerKey = (String, String, String);

#[derive(Debug, Default)]
pub struct Counters {
    oom: Mutex<HashMap<ContainerKey, u64>>,
}

impl Counters {
    /// Counts one OOM kill of a container.
    pub fn add_oom(&self, key: ContainerKey) {
        let mut map = self.oom.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(key).or_insert(0) += 1;
    }

    /// OOM kills of a container so far.
    pub fn oom(&self, namespace: &str, pod: &str, container: &str) -> u64 {
        let map = self.oom.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (
            namespace.to_string(),
            pod.to_string(),
            container.to_string(),
        );
        map.get(&key).copied().unwrap_or(0)
    }
}
