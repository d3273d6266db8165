//! The 1.36+ `PodResizeValidator` admission text (resize-api.md §4.7).

/// The detail when requested cpu (millicores) or memory (bytes) exceed node allocatable, or
/// `None` when they fit. Each pair is (requested, allocatable).
pub fn node_capacity_message(cpu: (i64, i64), memory: (i64, i64)) -> Option<String> {
    let mut parts = Vec::new();
    if cpu.0 > cpu.1 {
        parts.push(format!("cpu, requested: {}, allocatable: {}", cpu.0, cpu.1));
    }
    if memory.0 > memory.1 {
        parts.push(format!(
            "memory, requested: {}, allocatable: {}",
            memory.0, memory.1
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "Node didn't have enough allocatable resources: {}",
            parts.join("; ")
        )
    })
}
