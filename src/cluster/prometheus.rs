//! Usage history from Prometheus (cAdvisor metrics), for right-sizing (issue #12).
//!
//! One query per figure for the whole scope, grouped by namespace, pod and container — never one
//! per pod. Prometheus is reached directly (`--prometheus URL`) or through the API server's
//! service proxy with the kubeconfig's credentials (`--prometheus-service NS/NAME:PORT`), so no
//! port-forward is needed. Both go through a kube client, so the read-only layer holds here too.

use crate::model::decide::recommend::{Source, Usage};
use crate::model::pods::events::Scope;
use crate::settings::PromTarget;
use chrono::TimeDelta;
use futures::{StreamExt, TryStreamExt};
use kube::Client;
use serde::Deserialize;
use std::collections::HashMap;

/// Queries sent at once by `container_usage`.
const CONCURRENT_QUERIES: usize = 3;

/// namespace, pod, container.
pub type ContainerKey = (String, String, String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PromError {
    #[error("{0}")]
    Address(String),
    #[error("Prometheus at {at} did not answer: {reason}")]
    Unreachable { at: String, reason: String },
    #[error("Prometheus at {at} refused the query: {reason}")]
    Query { at: String, reason: String },
}

/// A Prometheus to ask, with the HTTP client that reaches it.
pub struct Prometheus {
    client: Client,
    base: String,
    at: String,
    timeout: std::time::Duration,
}

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<AnswerData>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct AnswerData {
    #[serde(default)]
    result: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: HashMap<String, String>,
    /// `[unix time, "value"]`
    value: (f64, String),
}

/// Percent-encodes a query parameter (RFC 3986 unreserved characters stay).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A Prometheus duration (`14d`, `90m`) for a window.
pub fn prom_duration(window: TimeDelta) -> String {
    let secs = window.num_seconds().max(60);
    if secs % 86_400 == 0 {
        format!("{}d", secs / 86_400)
    } else if secs % 3_600 == 0 {
        format!("{}h", secs / 3_600)
    } else {
        format!("{}m", secs / 60)
    }
}

/// The series selector for the scope's containers (the pause container `POD` and the pod-level
/// cgroup series without a container label are left out).
fn selector(metric: &str, scope: &Scope) -> String {
    selector_with(metric, "", scope)
}

/// `selector` with more label matchers (`extra` ends with a comma when not empty).
fn selector_with(metric: &str, extra: &str, scope: &Scope) -> String {
    let mut labels = format!(r#"{extra}container!="",container!="POD""#);
    if let Some(ns) = &scope.namespace {
        labels.push_str(&format!(r#",namespace="{}""#, ns.replace('"', "")));
    }
    format!("{metric}{{{labels}}}")
}

/// The PromQL of each figure, grouped by namespace, pod and container.
pub struct Queries {
    pub cpu_percentile: String,
    pub cpu_peak: String,
    pub memory_peak: String,
    pub samples: String,
    /// First and last sample (unix seconds): the window the figures really cover.
    pub first_sample: String,
    pub last_sample: String,
    /// CFS periods and throttled periods over the window (cAdvisor).
    pub cfs_periods: String,
    pub cfs_throttled: String,
    /// OOM kills over the window: cAdvisor's counter, and kube-state-metrics' last
    /// termination reason (either may be missing; the larger count is taken).
    pub oom_events: String,
    pub oom_terminated: String,
}

pub fn queries(scope: &Scope, window: TimeDelta, percentile: u8) -> Queries {
    let w = prom_duration(window);
    let by = "max by (namespace, pod, container)";
    let cpu = selector("container_cpu_usage_seconds_total", scope);
    let memory = selector("container_memory_working_set_bytes", scope);
    let q = f64::from(percentile.min(100)) / 100.0;
    Queries {
        cpu_percentile: format!("{by} (quantile_over_time({q}, rate({cpu}[5m])[{w}:5m]))"),
        cpu_peak: format!("{by} (max_over_time(rate({cpu}[5m])[{w}:5m]))"),
        memory_peak: format!("{by} (max_over_time({memory}[{w}]))"),
        samples: format!("{by} (count_over_time({memory}[{w}]))"),
        // An hourly subquery: the covered window is only weighed against a day or more, and
        // a 5-minute one would cost as much as the CPU percentile again.
        first_sample: format!("{by} (min_over_time(timestamp({memory})[{w}:1h]))"),
        // The last sample, for a container scraped within the lookback (5 minutes by
        // default): exact and nearly free. Any subquery for the others would cost as much as
        // the CPU percentile again (measured: BENCHMARKS.md). A gone pod's last sample is not
        // needed: a workload's window ends at its running pods' last sample. Where there is none
        // (Prometheus stopped scraping them), a container's window ends at its first sample, so
        // stale data holds a decrease back rather than allowing it.
        last_sample: format!("{by} (timestamp({memory}))"),
        cfs_periods: format!(
            "{by} (increase({}[{w}]))",
            selector("container_cpu_cfs_periods_total", scope)
        ),
        cfs_throttled: format!(
            "{by} (increase({}[{w}]))",
            selector("container_cpu_cfs_throttled_periods_total", scope)
        ),
        oom_events: format!(
            "{by} (increase({}[{w}]))",
            selector("container_oom_events_total", scope)
        ),
        oom_terminated: format!(
            "{by} (max_over_time({}[{w}]))",
            selector_with(
                "kube_pod_container_status_last_terminated_reason",
                r#"reason="OOMKilled","#,
                scope
            )
        ),
    }
}

impl Prometheus {
    /// Prometheus at `target`; `kube` is the cluster's client (used for the service proxy).
    pub fn new(target: &PromTarget, kube: &Client, readonly: bool) -> Result<Self, PromError> {
        let at = target.describe();
        let (client, base) = match target {
            PromTarget::Url(url) => {
                let uri: http::Uri = url
                    .parse()
                    .map_err(|e| PromError::Address(format!("--prometheus {url:?}: {e}")))?;
                let config = kube::Config::new(uri);
                let client = super::client::build_client(config, readonly)
                    .map_err(|e| PromError::Address(e.to_string()))?;
                (client, String::new())
            }
            PromTarget::Service {
                namespace,
                name,
                port,
            } => (
                kube.clone(),
                format!("/api/v1/namespaces/{namespace}/services/{name}:{port}/proxy"),
            ),
        };
        Ok(Self {
            client,
            base,
            at,
            timeout: std::time::Duration::from_secs(30),
        })
    }

    /// Runs an instant query; each series' labels and value.
    pub async fn query(
        &self,
        promql: &str,
    ) -> Result<Vec<(HashMap<String, String>, f64)>, PromError> {
        let started = std::time::Instant::now();
        let path = format!("{}/api/v1/query?query={}", self.base, encode(promql));
        let request = http::Request::get(path)
            .body(Vec::new())
            .map_err(|e| PromError::Address(e.to_string()))?;
        let unreachable = |reason: String| PromError::Unreachable {
            at: self.at.clone(),
            reason,
        };
        let text = tokio::time::timeout(self.timeout, self.client.request_text(request))
            .await
            .map_err(|_| unreachable(format!("no answer within {}s", self.timeout.as_secs())))?
            .map_err(|e| match &e {
                kube::Error::Api(status) => PromError::Query {
                    at: self.at.clone(),
                    reason: status.message.clone(),
                },
                _ => unreachable(super::client::one_line(&e)),
            })?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            bytes = text.len(),
            query = promql,
            "prometheus answered"
        );
        let answer: Answer = serde_json::from_str(&text).map_err(|e| PromError::Query {
            at: self.at.clone(),
            reason: format!("not a Prometheus answer: {e}"),
        })?;
        if answer.status != "success" {
            return Err(PromError::Query {
                at: self.at.clone(),
                reason: answer.error.unwrap_or(answer.status),
            });
        }
        Ok(answer
            .data
            .map(|d| d.result)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| {
                let value: f64 = s.value.1.parse().ok()?;
                value.is_finite().then_some((s.metric, value))
            })
            .collect())
    }

    /// Usage figures of every container in the scope over `window`.
    pub async fn container_usage(
        &self,
        scope: &Scope,
        window: TimeDelta,
        percentile: u8,
    ) -> Result<HashMap<ContainerKey, Usage>, PromError> {
        let q = queries(scope, window, percentile);
        // A few at a time, the costly ones first: Prometheus evaluates each query on one core,
        // and ten at once on a small server cost more time in all than three at a time
        // (measured: BENCHMARKS.md, 2026-12-07).
        let all = [
            &q.cpu_percentile,
            &q.cpu_peak,
            &q.first_sample,
            &q.memory_peak,
            &q.samples,
            &q.cfs_periods,
            &q.cfs_throttled,
            &q.oom_events,
            &q.last_sample,
            &q.oom_terminated,
        ];
        let pending: Vec<_> = all.into_iter().map(|promql| self.query(promql)).collect();
        let mut answers = futures::stream::iter(pending)
            .buffered(CONCURRENT_QUERIES)
            .try_collect::<Vec<_>>()
            .await?
            .into_iter();
        let mut next = || answers.next().unwrap_or_default();
        let (cpu_p, cpu_peak, first, memory, samples) = (next(), next(), next(), next(), next());
        let (periods, throttled, oom_events, last, oom_terminated) =
            (next(), next(), next(), next(), next());
        let mut out: HashMap<ContainerKey, Usage> = HashMap::new();
        let blank = || Usage {
            pods: 1,
            ..Usage::new(Source::Prometheus { window })
        };
        let mut fill = |series: Vec<(HashMap<String, String>, f64)>, set: fn(&mut Usage, f64)| {
            for (labels, value) in series {
                if let Some(key) = key_of(&labels) {
                    set(out.entry(key).or_insert_with(blank), value);
                }
            }
        };
        fill(cpu_p, |u, v| u.cpu_percentile = Some(cores_to_millis(v)));
        fill(cpu_peak, |u, v| u.cpu_peak = Some(cores_to_millis(v)));
        fill(memory, |u, v| u.memory_peak = Some(ceil_i64(v)));
        fill(samples, |u, v| {
            u.samples = ceil_i64(v).max(0).unsigned_abs()
        });
        let lasts: HashMap<ContainerKey, f64> = last
            .into_iter()
            .filter_map(|(labels, value)| Some((key_of(&labels)?, value)))
            .collect();
        for (labels, first) in first {
            let Some(key) = key_of(&labels) else { continue };
            let Some(u) = out.get_mut(&key) else { continue };
            if let Some((first, last)) = covered(first, lasts.get(&key).copied()) {
                u.span = Some((first, last));
                u.window = last - first;
            }
        }
        // Counters only add to containers that have usage figures: a series of its own
        // would be a container with nothing to size from.
        let mut add = |series: Vec<(HashMap<String, String>, f64)>, set: fn(&mut Usage, u64)| {
            for (labels, value) in series {
                if let Some(u) = key_of(&labels).and_then(|k| out.get_mut(&k)) {
                    set(u, ceil_i64(value).unsigned_abs());
                }
            }
        };
        add(periods, |u, v| u.cfs_periods = v);
        add(throttled, |u, v| u.cfs_throttled = v);
        let kills = |u: &mut Usage, v: u64| {
            u.oom_kills = u.oom_kills.max(u32::try_from(v).unwrap_or(u32::MAX))
        };
        add(oom_events, kills);
        add(oom_terminated, kills);
        Ok(out)
    }
}

/// The first and last sample of a container, from Prometheus's unix seconds. Without a last
/// sample (a gone pod, or one Prometheus stopped scraping) the window ends where it begins:
/// a workload's window then comes from its running pods, and stale data alone never counts
/// as history that allows a decrease.
fn covered(
    first: f64,
    last: Option<f64>,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let at = |v: f64| chrono::DateTime::from_timestamp(ceil_i64(v), 0);
    let first = at(first)?;
    let last = last.and_then(at).unwrap_or(first);
    Some((first, last.max(first)))
}

fn key_of(labels: &HashMap<String, String>) -> Option<ContainerKey> {
    Some((
        labels.get("namespace")?.clone(),
        labels.get("pod")?.clone(),
        labels.get("container")?.clone(),
    ))
}

/// Cores (a float from PromQL) to millicores, rounded up as quantities are.
pub fn cores_to_millis(cores: f64) -> i64 {
    ceil_i64(cores * 1000.0)
}

fn ceil_i64(value: f64) -> i64 {
    // `as` saturates for out-of-range floats and maps NaN to 0: no panic on odd answers.
    value.max(0.0).ceil() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_cover_the_scope_in_one_query_per_figure() {
        let scope = Scope {
            namespace: Some("shop".into()),
            label_selector: None,
        };
        let q = queries(&scope, TimeDelta::days(14), 95);
        assert_eq!(
            q.cpu_percentile,
            r#"max by (namespace, pod, container) (quantile_over_time(0.95, rate(container_cpu_usage_seconds_total{container!="",container!="POD",namespace="shop"}[5m])[14d:5m]))"#
        );
        assert_eq!(
            q.memory_peak,
            r#"max by (namespace, pod, container) (max_over_time(container_memory_working_set_bytes{container!="",container!="POD",namespace="shop"}[14d]))"#
        );
        assert_eq!(prom_duration(TimeDelta::hours(36)), "36h");
        assert_eq!(encode("a b{c=\"d\"}"), "a%20b%7Bc%3D%22d%22%7D");
        assert_eq!(cores_to_millis(0.2121), 213);
        assert_eq!(cores_to_millis(f64::NAN), 0);
    }

    #[test]
    fn a_container_without_a_last_sample_covers_no_window() {
        let (first, last) = covered(1_000.0, Some(4_600.0)).unwrap();
        assert_eq!((last - first).num_seconds(), 3_600);
        // Gone, or no longer scraped: its first sample is kept, its window is empty.
        let (first, last) = covered(1_000.0, None).unwrap();
        assert_eq!((first.timestamp(), last.timestamp()), (1_000, 1_000));
        // A last sample before the first (answers of two instants) never makes it negative.
        let (first, last) = covered(1_000.0, Some(900.0)).unwrap();
        assert_eq!(last, first);
    }

    #[test]
    fn the_last_sample_is_asked_at_the_instant_only() {
        // A subquery over the window here would cost as much as the CPU percentile again.
        let q = queries(&Scope::default(), TimeDelta::days(14), 95);
        assert!(!q.last_sample.contains('['), "{}", q.last_sample);
        assert!(q.first_sample.contains("[14d:1h]"), "{}", q.first_sample);
    }
}
