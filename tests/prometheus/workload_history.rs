//! Per-workload right-sizing against a real Prometheus (issue #26). The test writes its own
//! seven days of cAdvisor history in OpenMetrics — a Deployment whose earlier ReplicaSet's pods
//! are gone, one container throttled in 30 % of its CFS periods and OOM-killed once — backfills
//! it with promtool, and checks `podsize recommend` against that server's own answers:
//! every replica gets one recommendation, its figures are those of the pods of both
//! ReplicaSets, the throttled container gets no CPU decrease, the OOM-killed one no memory
//! decrease and a limit of at least max(× 1.2, + 100Mi), and with the history backfilled the
//! decreases a fresh sim holds back appear.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::prometheus::{have, one_value, start_prometheus};
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;
use simcluster::{SimCluster, SimConfig};
use std::fmt::Write;
use std::time::Duration;

const DAY: i64 = 86_400;
const STEP: i64 = 120;

/// A series: its labels and (cpu cores, memory bytes) at each step while it lived.
struct Series {
    ns: String,
    pod: String,
    container: String,
    from: i64,
    to: i64,
    cores: f64,
    bytes: f64,
    /// Throttled share of CFS periods, and the step of an OOM kill.
    throttled: f64,
    oom_at: Option<i64>,
}

fn labels(s: &Series) -> String {
    format!(
        r#"namespace="{}",pod="{}",container="{}""#,
        s.ns, s.pod, s.container
    )
}

fn openmetrics(series: &[Series]) -> String {
    let mut out = String::new();
    let counter = |out: &mut String, name: &str, f: &dyn Fn(&Series, i64) -> f64| {
        writeln!(out, "# TYPE {name} counter").unwrap();
        for s in series {
            let mut total = 0.0;
            let mut t = s.from;
            while t <= s.to {
                total += f(s, t);
                writeln!(out, "{name}_total{{{}}} {total} {t}", labels(s)).unwrap();
                t += STEP;
            }
        }
    };
    // A small wave, so percentiles and peaks differ.
    let wave = |t: i64| 1.0 + 0.2 * ((t / STEP) % 7) as f64 / 6.0;
    counter(&mut out, "container_cpu_usage_seconds", &|s, t| {
        s.cores * wave(t) * STEP as f64
    });
    counter(&mut out, "container_cpu_cfs_periods", &|_, _| {
        (STEP * 10) as f64
    });
    counter(&mut out, "container_cpu_cfs_throttled_periods", &|s, _| {
        (STEP as f64 * 10.0 * s.throttled).round()
    });
    counter(&mut out, "container_oom_events", &|s, t| {
        if s.oom_at == Some(t) { 1.0 } else { 0.0 }
    });
    writeln!(out, "# TYPE container_memory_working_set_bytes gauge").unwrap();
    for s in series {
        let mut t = s.from;
        while t <= s.to {
            writeln!(
                out,
                "container_memory_working_set_bytes{{{}}} {} {t}",
                labels(s),
                (s.bytes * wave(t)).floor()
            )
            .unwrap();
            t += STEP;
        }
    }
    out.push_str("# EOF\n");
    out
}

fn owner_rs(pod: &Pod) -> Option<String> {
    pod.metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "ReplicaSet")
        .map(|o| o.name.clone())
}

fn requests(pod: &Pod, container: &str) -> (f64, f64) {
    let c = pod
        .spec
        .as_ref()
        .unwrap()
        .containers
        .iter()
        .find(|c| c.name == container);
    let get = |key: &str| {
        c.and_then(|c| {
            c.resources
                .as_ref()?
                .requests
                .as_ref()?
                .get(key)
                .map(|q| q.0.clone())
        })
    };
    let cpu = get("cpu").map_or(0.1, |q| {
        q.strip_suffix('m').map_or_else(
            || q.parse::<f64>().unwrap(),
            |m| m.parse::<f64>().unwrap() / 1000.0,
        )
    });
    let mem = get("memory").map_or(128.0 * 1048576.0, |q| {
        q.strip_suffix("Mi").map_or_else(
            || {
                q.strip_suffix("Gi")
                    .map_or(1e8, |g| g.parse::<f64>().unwrap() * 1073741824.0)
            },
            |m| m.parse::<f64>().unwrap() * 1048576.0,
        )
    });
    (cpu, mem)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deployment_with_two_replicasets_gets_one_answer_from_all_its_pods() {
    if !have("prometheus") || !have("promtool") {
        eprintln!("skipped: prometheus/promtool not installed (apt-get install prometheus)");
        return;
    }
    let sim = SimCluster::start(SimConfig {
        pods: 16,
        nodes: 2,
        namespaces: 1,
        kubelet_delay: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    // The sim runs one replica per Deployment: a second one of the first ReplicaSet is added
    // to its store, as the ReplicaSet controller would after a scale-up.
    let store = &sim.api().store;
    let first = store
        .all::<Pod>(None)
        .into_iter()
        .find(|p| owner_rs(p).is_some())
        .unwrap();
    let rs = owner_rs(&first).unwrap();
    let mut twin = (*first).clone();
    twin.metadata.name = Some(format!("{rs}-m4k9t"));
    twin.metadata.uid = Some("5b3c1f0e-0000-4000-8000-000000000001".into());
    store.upsert(twin);
    let pods = store.all::<Pod>(None);
    let replicas: Vec<&Pod> = pods
        .iter()
        .map(|p| &**p)
        .filter(|p| owner_rs(p).as_deref() == Some(&rs))
        .collect();
    assert_eq!(replicas.len(), 2);
    let deployment = rs.rsplit_once('-').unwrap().0.to_string();
    let ns = replicas[0].metadata.namespace.clone().unwrap();
    let container = replicas[0].spec.as_ref().unwrap().containers[0]
        .name
        .clone();
    let end = chrono::Utc::now().timestamp() - 60;
    let start = end - 7 * DAY;
    let mut series = Vec::new();
    let mut workload_pods = Vec::new();
    // The earlier ReplicaSet: two pods, days 7 to 4 ago, gone now; one OOM-killed once.
    for (i, suffix) in ["q7k2z", "x9p4b"].iter().enumerate() {
        let pod = format!("{deployment}-bcdf2456xz-{suffix}");
        let (cpu, mem) = requests(replicas[0], &container);
        series.push(Series {
            ns: ns.clone(),
            pod: pod.clone(),
            container: container.clone(),
            from: start,
            to: start + 3 * DAY,
            cores: cpu * 0.2,
            bytes: mem * 0.3,
            throttled: 0.3,
            oom_at: (i == 0).then_some(start + DAY),
        });
        workload_pods.push(pod);
    }
    // Every pod the sim has now: the chosen ReplicaSet's replicas from day 3, low use; the
    // others over-provisioned, no throttling, no kills (their decreases should appear).
    for p in &pods {
        let name = p.metadata.name.clone().unwrap();
        let ours = replicas
            .iter()
            .any(|r| r.metadata.name.as_deref() == Some(&name));
        for c in &p.spec.as_ref().unwrap().containers {
            let (cpu, mem) = requests(p, &c.name);
            let in_workload = ours && c.name == container;
            series.push(Series {
                ns: p.metadata.namespace.clone().unwrap(),
                pod: name.clone(),
                container: c.name.clone(),
                from: if ours { start + 3 * DAY } else { start },
                to: end,
                cores: cpu * if in_workload { 0.1 } else { 0.05 },
                bytes: mem * 0.2,
                throttled: if in_workload { 0.3 } else { 0.0 },
                oom_at: None,
            });
        }
        if ours {
            workload_pods.push(name);
        }
    }
    let history = dir.path().join("history.om");
    std::fs::write(&history, openmetrics(&series)).unwrap();
    let (_server, base) = start_prometheus(dir.path(), &history).await;
    let (kc, b) = (kubeconfig.clone(), base.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
            .arg("--kubeconfig")
            .arg(&kc)
            .args([
                "recommend",
                "-A",
                "-o",
                "json",
                "--prometheus",
                &b,
                "--history",
                "7d",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Vec<&Value> = rows
        .iter()
        .filter(|r| {
            r["workload"]["name"] == deployment.as_str() && r["container"] == container.as_str()
        })
        .collect();
    assert_eq!(ours.len(), replicas.len(), "{rows:?}");
    // One answer for every replica, resting on the pods of both ReplicaSets.
    for r in &ours {
        assert_eq!(r["workload"]["kind"], "Deployment", "{r}");
        assert_eq!(r["pods"], workload_pods.len(), "{r}");
        assert_eq!(r["recommendation"], ours[0]["recommendation"], "{r}");
        assert_eq!(r["usage"], ours[0]["usage"], "{r}");
    }
    let row = ours[0];
    let sel = format!(
        r#"{{namespace="{ns}",container="{container}",pod=~"{}"}}"#,
        workload_pods.join("|")
    );
    let p95 = one_value(
        &base,
        &format!(
            "max(quantile_over_time(0.95, rate(container_cpu_usage_seconds_total{sel}[5m])[7d:5m]))"
        ),
    )
    .await;
    let peak = one_value(
        &base,
        &format!("max(max_over_time(container_memory_working_set_bytes{sel}[7d]))"),
    )
    .await;
    let samples = one_value(
        &base,
        &format!("sum(count_over_time(container_memory_working_set_bytes{sel}[7d]))"),
    )
    .await;
    let throttled = one_value(&base, &format!("sum(increase(container_cpu_cfs_throttled_periods_total{sel}[7d])) / sum(increase(container_cpu_cfs_periods_total{sel}[7d]))")).await;
    let kills = one_value(
        &base,
        &format!("sum(increase(container_oom_events_total{sel}[7d]))"),
    )
    .await;
    let u = &row["usage"];
    let ours_cpu = u["cpuPercentileMillicores"].as_f64().unwrap();
    assert!(
        (ours_cpu - (p95 * 1000.0).ceil()).abs() <= 1.0 + 0.01 * ours_cpu,
        "cpu {ours_cpu} vs {p95}"
    );
    assert!(
        (u["memoryPeakBytes"].as_f64().unwrap() - peak).abs() <= 0.01 * peak + 1.0,
        "{u} vs {peak}"
    );
    let ours_samples = row["source"]["samples"].as_f64().unwrap();
    assert!(
        (ours_samples - samples).abs() <= 3.0 * workload_pods.len() as f64,
        "{ours_samples} vs {samples}"
    );
    // Throttled in more than 10 % of its periods, by Prometheus's own count: no CPU decrease.
    let share = u["cfsThrottledPeriods"].as_f64().unwrap() / u["cfsPeriods"].as_f64().unwrap();
    assert!(
        throttled > 0.1 && (share - throttled).abs() < 0.02,
        "{share} vs {throttled}"
    );
    let cpu = |v: &Value, what: &str| v["cpu"][what]["millicores"].as_i64();
    assert!(
        cpu(&row["recommendation"], "request") >= cpu(&row["current"], "request"),
        "{row}"
    );
    if let Some(limit) = cpu(&row["current"], "limit") {
        assert!(
            cpu(&row["recommendation"], "limit").unwrap() >= limit * 115 / 100,
            "{row}"
        );
    }
    assert!(
        row["reason"].as_str().unwrap().contains("throttled in"),
        "{row}"
    );
    // OOM-killed in the window: no memory decrease, and the VPA recommender's bump.
    assert!(
        kills >= 1.0 && u["oomKills"].as_f64().unwrap() >= 1.0,
        "{u} vs {kills}"
    );
    let mem = |v: &Value, what: &str| v["memory"][what]["bytes"].as_i64();
    assert!(
        mem(&row["recommendation"], "request") >= mem(&row["current"], "request"),
        "{row}"
    );
    if let Some(limit) = mem(&row["current"], "limit") {
        let bump = (limit * 6 / 5).max(limit + (100 << 20));
        assert!(
            mem(&row["recommendation"], "limit").unwrap() >= bump,
            "{row}"
        );
    }
    // The rest of the cluster, seven quiet days behind it: the decreases appear.
    assert!(
        rows.iter()
            .any(|r| r["workload"]["name"] != deployment.as_str()
                && r["applicable"] == true
                && !r["patch"].is_null()
                && cpu(&r["recommendation"], "request") < cpu(&r["current"], "request")),
        "a decrease: {rows:?}"
    );
}
