//! No node is over-admitted and no container uses more than it has (issue #25, points 3–4).
//! The kubelet admits a pod or a resize only when the requests it counts (every container's
//! allocated requests, sidecars, a larger plain init container, resize-api.md §1.4, §2.3) fit
//! the node's allocatable (§4.8); usage follows `containerStatuses[].resources` (§2.4), CPU
//! above the limit is throttled and memory above it is an OOM kill (design.md §3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::sim_common::*;
use k8s_openapi::api::core::v1::{Container, Pod};
use proptest::prelude::*;
use simcluster::api::{Body, Target};
use simcluster::invariants::over_admitted;
use simcluster::patch::PatchKind;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

#[derive(Clone, Debug)]
enum Step {
    /// A pod bound to the node up front (as a DaemonSet's), with an optional plain init container.
    Bound {
        cpu: u32,
        init: Option<u32>,
        sidecar: Option<u32>,
    },
    /// A pod left to the scheduler.
    Unbound {
        cpu: u32,
    },
    /// A resize of pod `i` (mod the count) to `cpu`.
    Resize {
        i: usize,
        cpu: u32,
    },
    Delete {
        i: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (
            1u32..30,
            proptest::option::of(1u32..40),
            proptest::option::of(1u32..10)
        )
            .prop_map(|(cpu, init, sidecar)| Step::Bound { cpu, init, sidecar }),
        (1u32..30).prop_map(|cpu| Step::Unbound { cpu }),
        (0usize..64, 1u32..60).prop_map(|(i, cpu)| Step::Resize { i, cpu }),
        (0usize..64).prop_map(|i| Step::Delete { i }),
    ]
}

/// Cpu in tenths of a core, so a 4-cpu node fills up within a few pods.
fn app(cpu: u32) -> Container {
    let q = format!("{}m", cpu * 100);
    container(
        "app",
        &[("cpu", &q), ("memory", "64Mi")],
        &[("memory", "256Mi")],
        false,
    )
}

async fn burst(steps: Vec<Step>) {
    let sim = SimCluster::start(SimConfig {
        kubelet_delay: Duration::from_millis(5),
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    sim.add_node("sim-node-01", 4000, 4 << 30, true);
    sim.add_node("sim-node-02", 3000, 4 << 30, true);
    let mut names = Vec::new();
    let check = |sim: &SimCluster| {
        let over = over_admitted(&sim.nodes(), &sim.pods());
        assert!(
            over.is_empty(),
            "allocated requests above allocatable: {over:?}"
        );
    };
    for (n, s) in steps.into_iter().enumerate() {
        let name = format!("p{n}");
        match s {
            Step::Bound { cpu, init, sidecar } => {
                let mut p = pod(&name, vec![app(cpu)]);
                let spec = p.spec.as_mut().unwrap();
                spec.node_name = Some(format!("sim-node-0{}", 1 + n % 2));
                let mut inits = Vec::new();
                if let Some(c) = sidecar {
                    let mut sc = app(c);
                    sc.name = "side".into();
                    sc.restart_policy = Some("Always".into());
                    inits.push(sc);
                }
                if let Some(c) = init {
                    let mut ic = app(c);
                    ic.name = "migrate".into();
                    inits.push(ic);
                }
                spec.init_containers = (!inits.is_empty()).then_some(inits);
                let _ = sim.create_pod(p);
                names.push(name);
            }
            Step::Unbound { cpu } => {
                let _ = sim.create_pod(pod(&name, vec![app(cpu)]));
                names.push(name);
            }
            Step::Resize { i, cpu } if !names.is_empty() => {
                let target = &names[i % names.len()];
                let body = format!(
                    r#"{{"spec":{{"containers":[{{"name":"app","resources":{{"requests":{{"cpu":"{}m"}}}}}}]}}}}"#,
                    cpu * 100
                );
                let patch = Body::Patch(PatchKind::Strategic, body.as_bytes());
                let _ = sim
                    .api()
                    .write_pod("default", target, Target::Resize, patch, false, "t");
            }
            Step::Delete { i } if !names.is_empty() => {
                let target = names.remove(i % names.len());
                sim.delete_pod("default", &target);
            }
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(3)).await;
        check(&sim);
    }
    // And once the kubelet has acted on everything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    check(&sim);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    /// §4.8 / scheduler: whatever the burst, allocated requests never exceed allocatable.
    #[test]
    fn resize_bursts_never_over_admit(steps in proptest::collection::vec(step(), 5..40)) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(burst(steps));
    }
}

async fn metrics_text(addr: std::net::SocketAddr) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

fn metric(text: &str, name: &str, pod: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(&format!("{name}{{")) && l.contains(&format!("pod=\"{pod}\"")))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

/// §2.4: PodMetrics follows what the container has. A container whose demand is above its
/// limits reads at most its limits, is OOM-killed (restartCount, lastState OOMKilled,
/// `container_oom_events_total`) and CPU-throttled (CFS counters); a pod whose resize is
/// Infeasible uses what it has, not the cores it asked for.
#[tokio::test(flavor = "multi_thread")]
async fn usage_is_bounded_by_what_the_container_has() {
    let sim = SimCluster::start(SimConfig {
        metrics: true,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let mut hog = pod(
        "hog",
        vec![container(
            "app",
            &[("cpu", "200m"), ("memory", "64Mi")],
            &[("cpu", "250m"), ("memory", "128Mi")],
            false,
        )],
    );
    hog.metadata.annotations = Some(
        [
            (
                "sim.podsize.dev/memory-usage".to_string(),
                "200Mi".to_string(),
            ),
            ("sim.podsize.dev/cpu-usage".to_string(), "900m".to_string()),
        ]
        .into(),
    );
    sim.create_pod(hog).unwrap();
    let c = container(
        "app",
        &[("cpu", "250m"), ("memory", "64Mi")],
        &[("memory", "128Mi")],
        false,
    );
    sim.create_pod(pod("wants-more", vec![c])).unwrap();
    for name in ["hog", "wants-more"] {
        eventually("running", || async {
            sim.pod("default", name).filter(running)
        })
        .await;
    }
    let body = br#"{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"40"}}}]}}"#;
    let patch = Body::Patch(PatchKind::Strategic, body);
    sim.api()
        .write_pod("default", "wants-more", Target::Resize, patch, false, "t")
        .unwrap();
    let killed: Pod = eventually("OOM kill", || async {
        let p = sim.pod("default", "hog")?;
        let cs = p
            .status
            .as_ref()?
            .container_statuses
            .as_ref()?
            .first()?
            .clone();
        let reason = cs.last_state?.terminated?.reason?;
        (cs.restart_count >= 1 && reason == "OOMKilled").then_some(p)
    })
    .await;
    assert!(running(&killed));
    let (_, v) = raw(
        sim.addr(),
        "GET",
        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
        Some(ADMIN),
        None,
        b"",
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&v).unwrap();
    let usage = |pod: &str, key: &str| {
        let item = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"] == pod)
            .unwrap();
        let q = item["containers"][0]["usage"][key].as_str().unwrap();
        simcluster::rules::quantity::Quantity::parse(q)
            .unwrap()
            .nanos()
    };
    assert!(
        usage("hog", "memory") <= (128i128 << 20) * 1_000_000_000,
        "memory above its limit"
    );
    assert!(usage("hog", "cpu") <= 250_000_000, "cpu above its limit");
    // Infeasible: it still has 250m and cannot use 40 cores' worth.
    eventually("infeasible", || async {
        let p = sim.pod("default", "wants-more")?;
        let c = p.status?.conditions?;
        c.iter()
            .any(|c| c.reason.as_deref() == Some("Infeasible"))
            .then_some(())
    })
    .await;
    assert!(
        usage("wants-more", "cpu") <= 250_000_000,
        "usage follows the desired request"
    );
    let listen = "127.0.0.1:0".parse().unwrap();
    let addr = simcluster::metrics_listen::serve(sim.api().store.clone(), listen)
        .await
        .unwrap();
    let first = metrics_text(addr).await;
    assert!(
        metric(&first, "container_oom_events_total", "hog").unwrap_or(0.0) >= 1.0,
        "{first}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let second = metrics_text(addr).await;
    let throttled = metric(&second, "container_cpu_cfs_throttled_periods_total", "hog");
    assert!(
        throttled.unwrap_or(0.0) > 0.0,
        "no throttling counted: {second}"
    );
    assert!(metric(&second, "container_cpu_cfs_periods_total", "hog").unwrap_or(0.0) > 0.0);
}
