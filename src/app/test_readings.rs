//! A metrics reading of given pods for the app's unit tests: every container at one CPU figure
//! and 64 MiB.

use crate::model::PodRow;
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::{ClusterEvent, PodUsage};

/// One reading: every container of `rows` at `cpu` millicores and 64 MiB.
pub(super) fn reading(rows: &[PodRow], cpu: i64) -> ClusterEvent {
    let list: Vec<PodUsage> = (rows.iter())
        .map(|p| PodUsage {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
            containers: (p.containers.iter())
                .map(|c| {
                    let used = CpuMem {
                        cpu_millis: Some(cpu),
                        memory_bytes: Some(64 << 20),
                    };
                    (c.name.clone(), used)
                })
                .collect(),
        })
        .collect();
    ClusterEvent::Usage(Some(list.into()))
}
