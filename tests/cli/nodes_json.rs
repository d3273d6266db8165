//! `podsize nodes -o json` equals an independent recomputation from `kubectl get pods,nodes
//! -o json`, with the scheduler's rule (per container the largest of desired, allocated and
//! actual requests, resize-api.md §3.4) exercised by a Deferred resize that grows one
//! container and shrinks another. Skipped with a printed reason when kubectl is absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::make_room_scene as make_room_common;
use crate::common::sim_http as sim_common;

use common::sim_cli::SimCli;
use make_room_common::{NODE, Spec, fill, pending_reason, resize};
use podsize::model::ground::quantity::Quantity;
use serde_json::{Value, json};
use simcluster::{Identity, SimConfig};
use std::collections::BTreeMap;

const KUBECTL: &str = "/usr/bin/kubectl";

fn q(v: &Value, key: &str, cpu: bool) -> i64 {
    v.get(key)
        .and_then(Value::as_str)
        .map(|t| Quantity::parse(t).unwrap())
        .map_or(0, |q| if cpu { q.millis() } else { q.units() })
}

/// The scheduler's count for one container, from the raw pod JSON.
fn counted(container: &Value, status: Option<&Value>, key: &str, cpu: bool) -> i64 {
    // A container keeps requests under `resources`; pod-level ones sit directly in it.
    let res = if container.get("resources").is_some() {
        &container["resources"]
    } else {
        container
    };
    let desired = match res["requests"].get(key) {
        Some(_) => q(&res["requests"], key, cpu),
        None => q(&res["limits"], key, cpu),
    };
    let allocated = status.map_or(0, |s| q(&s["allocatedResources"], key, cpu));
    let actual = status.map_or(0, |s| q(&s["resources"]["requests"], key, cpu));
    desired.max(allocated).max(actual)
}

#[derive(Default, Debug, PartialEq)]
struct Room {
    cpu: i64,
    memory: i64,
    pods: u64,
    deferred: u64,
}

/// One pod: regular and sidecar containers summed, a plain init container only when larger on
/// its own; pod-level `spec.resources` win where set, with the same three-way maximum.
fn pod_counted(p: &Value) -> (i64, i64) {
    let list = |k: &str| p["spec"][k].as_array().cloned().unwrap_or_default();
    let statuses: Vec<Value> = ["containerStatuses", "initContainerStatuses"]
        .iter()
        .flat_map(|k| p["status"][k].as_array().cloned().unwrap_or_default())
        .collect();
    let one = |c: &Value, key: &str, cpu: bool| {
        counted(
            c,
            statuses.iter().find(|s| s["name"] == c["name"]),
            key,
            cpu,
        )
    };
    let mut sum = (0, 0);
    let mut init = (0, 0);
    let running = list("containers").into_iter().map(|c| (c, true));
    let inits = list("initContainers").into_iter().map(|c| {
        let sidecar = c["restartPolicy"] == "Always";
        (c, sidecar)
    });
    for (c, counts) in running.chain(inits) {
        let v = (one(&c, "cpu", true), one(&c, "memory", false));
        if counts {
            sum = (sum.0 + v.0, sum.1 + v.1);
        } else {
            init = (init.0.max(v.0), init.1.max(v.1));
        }
    }
    let mut total = (sum.0.max(init.0), sum.1.max(init.1));
    let level = &p["spec"]["resources"];
    if level.is_object() && level.as_object().is_some_and(|m| !m.is_empty()) {
        let st = &p["status"];
        let pod = |key: &str, cpu: bool, fallback: i64| {
            if level["requests"].get(key).is_none() && level["limits"].get(key).is_none() {
                return fallback;
            }
            counted(level, Some(st), key, cpu)
        };
        total = (pod("cpu", true, sum.0), pod("memory", false, sum.1));
    }
    total
}

fn recompute(list: &Value) -> BTreeMap<String, (i64, i64, Room)> {
    let items = list["items"].as_array().unwrap();
    let mut out = BTreeMap::new();
    for n in items.iter().filter(|i| i["kind"] == "Node") {
        let alloc = &n["status"]["allocatable"];
        let name = n["metadata"]["name"].as_str().unwrap().to_string();
        out.insert(
            name,
            (
                q(alloc, "cpu", true),
                q(alloc, "memory", false),
                Room::default(),
            ),
        );
    }
    for p in items.iter().filter(|i| i["kind"] == "Pod") {
        let phase = p["status"]["phase"].as_str().unwrap_or("");
        let Some(node) = p["spec"]["nodeName"].as_str() else {
            continue;
        };
        if matches!(phase, "Succeeded" | "Failed") {
            continue;
        }
        let Some((_, _, room)) = out.get_mut(node) else {
            continue;
        };
        let (cpu, memory) = pod_counted(p);
        room.cpu += cpu;
        room.memory += memory;
        room.pods += 1;
        let deferred = p["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "PodResizePending" && c["reason"] == "Deferred");
        room.deferred += u64::from(deferred);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn nodes_json_equals_a_recomputation_from_kubectl() {
    if !std::path::Path::new(KUBECTL).exists() {
        eprintln!("skipping: {KUBECTL} not installed");
        return;
    }
    let cli = SimCli::start(SimConfig {
        tls: true,
        pods: 10,
        nodes: 2,
        ..SimConfig::empty()
    })
    .await;
    let sim = &cli.sim;
    fill(
        sim,
        &[
            Spec {
                name: "web",
                class: "high",
                cpu: "1",
                usage: "900m",
            },
            Spec {
                name: "batch",
                class: "batch-low",
                cpu: "2",
                usage: "100m",
            },
        ],
    )
    .await;
    // A second container in web: the resize grows one and shrinks the other, atomically
    // Deferred, so the sum of per-container maxima exceeds both the desired and allocated sums.
    let client = sim.client(Identity::Admin).await.unwrap();
    let mut two = make_room_common::pod(&Spec {
        name: "duo",
        class: "",
        cpu: "300m",
        usage: "10m",
    });
    let mut side = two.spec.as_ref().unwrap().containers[0].clone();
    side.name = "side".into();
    two.spec.as_mut().unwrap().containers.push(side);
    two.metadata.name = Some("duo".into());
    sim.create_pod(two).unwrap();
    sim_common::eventually("duo running", || async {
        sim.pod("default", "duo").filter(sim_common::running)
    })
    .await;
    let patch = json!({"spec": {"containers": [
        {"name": "duo", "resources": {"requests": {"cpu": "1200m"}}},
        {"name": "side", "resources": {"requests": {"cpu": "100m"}}}]}});
    resize(&client, "duo", patch).await;
    sim_common::eventually("deferred", || async {
        (pending_reason(sim, "duo").as_deref() == Some("Deferred")).then_some(())
    })
    .await;
    let kubectl = cli
        .kubectl(KUBECTL, &["get", "pods,nodes", "-A", "-o", "json"])
        .await;
    assert_eq!(kubectl.code, 0, "{}", kubectl.err);
    let expected = recompute(&kubectl.json());
    let (run, got) = cli.json(&["nodes", "-o", "json"]).await;
    assert_eq!(run.code, 0, "{}", run.err);
    let nodes = got["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), expected.len());
    for n in nodes {
        let (cpu, memory, room) = &expected[n["name"].as_str().unwrap()];
        let ctx = format!("{n}");
        assert_eq!(n["allocatable"]["cpuMillis"], *cpu, "{ctx}");
        assert_eq!(n["allocatable"]["memoryBytes"], *memory, "{ctx}");
        assert_eq!(n["requested"]["cpuMillis"], room.cpu, "{ctx}");
        assert_eq!(n["requested"]["memoryBytes"], room.memory, "{ctx}");
        assert_eq!(n["free"]["cpuMillis"], *cpu - room.cpu, "{ctx}");
        assert_eq!(n["pods"], room.pods, "{ctx}");
        assert_eq!(n["deferred"]["count"], room.deferred, "{ctx}");
    }
    // The tight node: 1000 + 2000 + (1200 + 300) for duo, whose desired sum (1300) and
    // allocated sum (600) are both smaller than the scheduler's count (1500).
    let tight = nodes.iter().find(|n| n["name"] == NODE).unwrap();
    assert_eq!(tight["requested"]["cpuMillis"], 4500, "{tight}");
    assert_eq!(tight["deferred"]["count"], 1, "{tight}");
    assert_eq!(tight["pendingResizes"][0]["pod"], "duo", "{tight}");
}
