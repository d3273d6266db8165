//! `podsize sim --metrics-listen ADDR`: the simulated containers' counters at `/metrics` in the
//! Prometheus text format with cAdvisor's names and labels
//! (`container_cpu_usage_seconds_total` counter, `container_memory_working_set_bytes` gauge,
//! labels `namespace`, `pod`, `container`), so a real Prometheus can scrape the sim. The usage
//! continues the curve `--usage-history` writes, so a backfill and live scrapes join up. It
//! follows what each container has (applied resources): CPU demand above the limit is
//! throttled (`container_cpu_cfs_periods_total`, `container_cpu_cfs_throttled_periods_total`),
//! and memory above the limit is an OOM kill (`container_oom_events_total`).

use super::store::Store;
use super::usage_history::{Baseline, CFS_PERIODS_PER_SEC, Shape, hash, throttle, usage_at};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use k8s_openapi::api::core::v1::{Container, Pod};
use std::collections::HashMap;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// The history window the live curve continues (the default `--history`).
const SPAN: i64 = 14 * 86_400;
/// Integration step of the CPU counter, seconds.
const STEP: i64 = 15;

/// One container's CPU counter: last time integrated to (curve seconds) and its total.
#[derive(Clone, Copy, Debug)]
struct Counter {
    at: i64,
    total: f64,
    periods: f64,
    throttled: f64,
}

/// Scrape state: the curve's origin and every container's running CPU counter.
pub struct Exporter {
    store: Arc<Store>,
    /// Unix seconds of curve time 0 (a window before the exporter started).
    origin: i64,
    counters: Mutex<HashMap<(String, String, String), Counter>>,
}

/// `\`, `"` and newlines escaped, as the text format wants label values.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn running_containers(pod: &Pod) -> Vec<&Container> {
    if pod.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Running") {
        return Vec::new();
    }
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    spec.containers.iter().chain(sidecars).collect()
}

impl Exporter {
    pub fn new(store: Arc<Store>, now_unix: i64) -> Self {
        Self {
            store,
            origin: now_unix - SPAN,
            counters: Mutex::new(HashMap::new()),
        }
    }

    /// The exposition at `now_unix`: counters integrated up to then, gauges at then.
    pub fn render(&self, now_unix: i64) -> String {
        let t = now_unix - self.origin;
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cpu = String::from(
            "# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.\n# TYPE container_cpu_usage_seconds_total counter\n",
        );
        let mut mem = String::from(
            "# HELP container_memory_working_set_bytes Current working set in bytes.\n# TYPE container_memory_working_set_bytes gauge\n",
        );
        let mut periods = String::from(
            "# HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.\n# TYPE container_cpu_cfs_periods_total counter\n",
        );
        let mut throttled = String::from(
            "# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.\n# TYPE container_cpu_cfs_throttled_periods_total counter\n",
        );
        let mut oom = String::from(
            "# HELP container_oom_events_total Count of out of memory events observed for the container.\n# TYPE container_oom_events_total counter\n",
        );
        for pod in self.store.all::<Pod>(None) {
            let (Some(ns), Some(name)) = (&pod.metadata.namespace, &pod.metadata.name) else {
                continue;
            };
            for c in running_containers(&pod) {
                let (shape, seed, base) = (
                    Shape::of(ns, name, &c.name),
                    hash(&[ns, name, &c.name]),
                    Baseline::applied(&pod, c),
                );
                let counter = counters
                    .entry((ns.clone(), name.clone(), c.name.clone()))
                    .or_insert(Counter {
                        at: t,
                        total: 0.0,
                        periods: 0.0,
                        throttled: 0.0,
                    });
                while counter.at < t {
                    let dt = STEP.min(t - counter.at);
                    let (demand, _) = usage_at(shape, base, seed, counter.at, SPAN);
                    let (used, capped) = throttle(base, demand);
                    counter.total += used * dt as f64;
                    counter.periods += CFS_PERIODS_PER_SEC * dt as f64;
                    if capped {
                        counter.throttled += CFS_PERIODS_PER_SEC * dt as f64;
                    }
                    counter.at += dt;
                }
                let labels = format!(
                    r#"namespace="{}",pod="{}",container="{}""#,
                    escape(ns),
                    escape(name),
                    escape(&c.name)
                );
                let (_, working_set) = usage_at(shape, base, seed, t, SPAN);
                let _ = writeln!(
                    cpu,
                    "container_cpu_usage_seconds_total{{{labels}}} {:.6}",
                    counter.total
                );
                let _ = writeln!(
                    mem,
                    "container_memory_working_set_bytes{{{labels}}} {working_set}"
                );
                // cAdvisor has CFS counters only for containers with a quota (a CPU limit).
                if base.cpu_limit.is_some() {
                    let _ = writeln!(
                        periods,
                        "container_cpu_cfs_periods_total{{{labels}}} {}",
                        counter.periods
                    );
                    let _ = writeln!(
                        throttled,
                        "container_cpu_cfs_throttled_periods_total{{{labels}}} {}",
                        counter.throttled
                    );
                }
                let kills = self.store.counters.oom(ns, name, &c.name);
                let _ = writeln!(oom, "container_oom_events_total{{{labels}}} {kills}");
            }
        }
        for part in [mem, periods, throttled, oom] {
            cpu.push_str(&part);
        }
        cpu
    }
}

async fn metrics(State(exporter): State<Arc<Exporter>>) -> Response {
    let body = exporter.render(chrono::Utc::now().timestamp());
    (
        [(
            http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// Serves `/metrics` on `addr` until the process ends; returns the bound address.
pub async fn serve(store: Arc<Store>, addr: SocketAddr) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let exporter = Arc::new(Exporter::new(store, chrono::Utc::now().timestamp()));
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(exporter);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("metrics listener stopped: {e}");
        }
    });
    Ok(bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape("x\ny"), "x\\ny");
    }
}
