//! `podsize nodes`: room on each node as the scheduler counts it, and the Deferred resizes
//! waiting there. Always cluster-wide: every pod on a node takes room, whatever -n says.

use super::{CommandError, connect};
use crate::cli::{CommonArgs, NodesArgs, ReportFormat};
use crate::cluster::wire::{WirePod, node_info};
use crate::model::decide::node_room::{NodeRoom, NodeSort, node_rooms, sort_rooms};
use crate::model::ground::figures::{cpu_figure, memory_figure};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::events::{NodeInfo, PodUsage, Scope};
use crate::model::pods::row::{PodKey, PodRow};
use k8s_openapi::api::core::v1::Node;
use kube::api::ListParams;
use kube::{Api, Client};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Summed usage per pod from metrics.k8s.io readings.
pub fn usage_by_pod(readings: &[PodUsage]) -> HashMap<PodKey, CpuMem> {
    readings
        .iter()
        .map(|p| {
            let sum = p
                .containers
                .iter()
                .fold(CpuMem::ZERO, |s, (_, u)| s.plus(*u));
            (PodKey::new(0, &p.namespace, &p.name), sum)
        })
        .collect()
}

/// Every node and every pod, and pod usage where metrics are served.
pub async fn gather(
    client: &Client,
) -> Result<(Vec<NodeInfo>, Vec<PodRow>, HashMap<PodKey, CpuMem>), CommandError> {
    let api_error = |what: &str, e: kube::Error| {
        CommandError::Api(format!(
            "cannot list {what}: {}",
            crate::cluster::client::one_line(&e)
        ))
    };
    let nodes: Vec<NodeInfo> = Api::<Node>::all(client.clone())
        .list(&ListParams::default())
        .await
        .map_err(|e| api_error("nodes", e))?
        .items
        .iter()
        .map(node_info)
        .collect();
    let pods = super::get::list_rows(&Api::<WirePod>::all(client.clone()), None)
        .await
        .map_err(|e| api_error("pods", e))?;
    let all = Scope::default();
    let usage = match crate::cluster::metrics::fetch(client, &all).await {
        Ok(readings) => usage_by_pod(&readings),
        Err(_) => HashMap::new(),
    };
    Ok((nodes, pods, usage))
}

fn amounts(v: CpuMem) -> Value {
    json!({"cpuMillis": v.cpu_millis, "memoryBytes": v.memory_bytes})
}

/// One JSON object per node; field names are documented in the README.
pub fn room_json(r: &NodeRoom) -> Value {
    let pending: Vec<Value> = r
        .pending
        .iter()
        .map(|p| {
            json!({"namespace": p.namespace, "pod": p.pod, "priority": p.priority,
                   "message": p.message, "wants": amounts(p.wants), "missing": amounts(p.missing)})
        })
        .collect();
    json!({
        "name": r.name,
        "allocatable": amounts(r.allocatable),
        "requested": amounts(r.requested),
        "usage": r.usage.map(amounts),
        "free": amounts(r.free),
        "pods": r.pods,
        "deferred": {"count": r.pending.len(), "missing": amounts(r.pending_missing())},
        "pendingResizes": pending,
    })
}

fn cpu(v: Option<i64>) -> String {
    v.map_or("-".into(), cpu_figure)
}

fn mem(v: Option<i64>) -> String {
    v.map_or("-".into(), memory_figure)
}

/// A text bar of `part` over `all`, `width` cells.
pub fn bar(part: Option<i64>, all: Option<i64>, width: usize) -> String {
    let filled = match (part, all) {
        (Some(p), Some(a)) if a > 0 => {
            let cells = (p.max(0) as u128 * width as u128).div_ceil(a as u128);
            (cells as usize).min(width)
        }
        _ => 0,
    };
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// What the Deferred resizes miss, only the resources they miss (`cpu 250m`, not `cpu 250m,
/// memory 0`), each in the one form of figures.
fn missing_text(m: CpuMem) -> String {
    let short = |v: Option<i64>| v.filter(|v| *v > 0);
    let parts: Vec<String> = [
        short(m.cpu_millis).map(|v| format!("cpu {}", cpu_figure(v))),
        short(m.memory_bytes).map(|v| format!("memory {}", memory_figure(v))),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(", ")
}

/// The table `podsize nodes` prints, set by the aligner `get` and `recommend` use.
pub fn rooms_table(rooms: &[NodeRoom]) -> String {
    let heading = [
        "NODE",
        "CPU",
        "REQ/ALLOC",
        "FREE",
        "MEMORY",
        "REQ/ALLOC",
        "FREE",
        "PODS",
        "DEFERRED",
    ];
    let mut lines = vec![heading.map(String::from).to_vec()];
    for r in rooms {
        let m = r.pending_missing();
        let fits = m.cpu_millis.unwrap_or(0) <= 0 && m.memory_bytes.unwrap_or(0) <= 0;
        let deferred = match r.pending.len() {
            0 => "-".to_string(),
            n if fits => format!("{n} (room enough now: the kubelet retries)"),
            n => format!("{n} (missing {})", missing_text(m)),
        };
        lines.push(vec![
            r.name.clone(),
            bar(r.requested.cpu_millis, r.allocatable.cpu_millis, 10),
            format!(
                "{}/{}",
                cpu(r.requested.cpu_millis),
                cpu(r.allocatable.cpu_millis)
            ),
            cpu(r.free.cpu_millis),
            bar(r.requested.memory_bytes, r.allocatable.memory_bytes, 10),
            format!(
                "{}/{}",
                mem(r.requested.memory_bytes),
                mem(r.allocatable.memory_bytes)
            ),
            mem(r.free.memory_bytes),
            r.pods.to_string(),
            deferred,
        ]);
    }
    super::text_columns::aligned(&lines)
}

pub async fn run(common: &CommonArgs, args: &NodesArgs) -> Result<(), CommandError> {
    let (client, _target) = connect(common).await?;
    let (nodes, pods, usage) = gather(&client).await?;
    let mut rooms = node_rooms(&nodes, &pods, &usage);
    if args.sort_pending {
        sort_rooms(&mut rooms, NodeSort::PendingDemand);
    }
    let text = match args.output {
        ReportFormat::Json => {
            let list: Vec<Value> = rooms.iter().map(room_json).collect();
            serde_json::to_string_pretty(&json!({"nodes": list})).unwrap_or_default()
        }
        _ => rooms_table(&rooms),
    };
    outln!("{}", text.trim_end());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_missing_is_named() {
        let m = |cpu, memory| CpuMem {
            cpu_millis: cpu,
            memory_bytes: memory,
        };
        assert_eq!(missing_text(m(Some(250), Some(0))), "cpu 250m");
        assert_eq!(missing_text(m(Some(0), Some(3 << 29))), "memory 1.5Gi");
        assert_eq!(missing_text(m(None, Some(64 << 20))), "memory 64Mi");
        assert_eq!(
            missing_text(m(Some(1250), Some(512 << 20))),
            "cpu 1.25, memory 512Mi"
        );
    }

    #[test]
    fn bar_rounds_up_and_clamps() {
        assert_eq!(bar(Some(1), Some(10), 4), "█░░░");
        assert_eq!(bar(Some(20), Some(10), 4), "████");
        assert_eq!(bar(None, Some(10), 2), "░░");
    }
}
