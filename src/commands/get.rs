//! `podsize get`: the table printed once, for scripts and quick checks.

use crate::cli::{CommonArgs, GetArgs, OutputFormat};
use crate::cluster::wire::WirePod;
use crate::commands::CommandError;
use crate::commands::contexts::connect_clusters;
use crate::commands::get_clusters;
use crate::model::ground::quantity::{cpu_canonical, cpu_human, memory_canonical, memory_human};
use crate::model::ground::resources::CpuMem;
use crate::model::ground::time::format_age;
use crate::model::pods::row::ResourceField;
use crate::model::{ContainerKind, ContainerRow, PodRow};
use chrono::{DateTime, Utc};
use kube::Api;
use kube::api::ListParams;
use serde_json::{Value, json};

/// Lists every pod of the scope, page by page, projected into rows.
pub async fn list_rows(
    api: &Api<WirePod>,
    selector: Option<&str>,
) -> Result<Vec<PodRow>, kube::Error> {
    let mut rows = Vec::new();
    let mut params = ListParams::default().limit(500);
    if let Some(sel) = selector {
        params = params.labels(sel);
    }
    loop {
        let page = api.list(&params).await?;
        rows.extend(page.items.iter().map(|p| PodRow::from_slim(&p.pod)));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => params = params.continue_token(&token),
            None => break,
        }
    }
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(rows)
}

pub async fn run(common: &CommonArgs, args: &GetArgs) -> Result<(), CommandError> {
    let (clusters, scope) = connect_clusters(common).await?;
    let listed = get_clusters::list_all(&clusters, &scope).await;
    if listed.failures.len() == clusters.len() {
        return get_clusters::report(listed.failures);
    }
    if let (true, true, Some(ns)) = (
        listed.rows.is_empty(),
        listed.failures.is_empty(),
        scope.namespace.as_deref(),
    ) {
        get_clusters::ensure_namespace_exists(&clusters, ns).await?;
    }
    let names = get_clusters::context_names(&clusters);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.output {
        OutputFormat::Json => write_json(&listed.rows, &names, &mut out),
        format => {
            use std::io::Write;
            let wide = format == OutputFormat::Wide;
            writeln!(
                out,
                "{}",
                rows_table(&listed.rows, &names, wide, Utc::now())
            )
            .and_then(|()| out.flush())
        }
    };
    // A closed pipe (`podsize get | head`) is not an error worth reporting.
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CommandError::Terminal(e.to_string()))
        }
        // The reachable clusters' rows are printed; the exit code still says some were not.
        _ => get_clusters::report(listed.failures),
    }
}

/// The dashboard's word for a resize state (`ok`, `in progress`, `deferred`), without its symbol.
pub fn state_words(state: &crate::model::ResizeState) -> &'static str {
    let label = state.label();
    label.split_once(' ').map_or(label, |(_, words)| words)
}

fn cpu_value(v: Option<i64>) -> Value {
    v.map_or(
        Value::Null,
        |m| json!({ "quantity": cpu_canonical(m), "millicores": m }),
    )
}

fn memory_value(v: Option<i64>) -> Value {
    v.map_or(
        Value::Null,
        |b| json!({ "quantity": memory_canonical(b), "bytes": b }),
    )
}

/// A desired value with the server's own text of it (`512M` stays `512M`, `100u` stays `100u`).
fn desired_value(c: &ContainerRow, field: ResourceField, value: fn(Option<i64>) -> Value) -> Value {
    let mut out = value(field.of(&c.desired));
    if let (Value::Object(map), Some(text)) = (&mut out, c.desired_text(field)) {
        map.insert("quantity".into(), Value::String(text));
    }
    out
}

fn resource_json(
    c: &ContainerRow,
    pick: fn(CpuMem) -> Option<i64>,
    value: fn(Option<i64>) -> Value,
    fields: [ResourceField; 2],
) -> Value {
    let [request_field, limit_field] = fields;
    // A request left out where a limit is set is defaulted from the limit by the server.
    let desired_request = if request_field.of(&c.desired).is_some() {
        desired_value(c, request_field, value)
    } else {
        desired_value(c, limit_field, value)
    };
    json!({
        "request": {
            "desired": desired_request,
            "allocated": c.allocated.map_or(Value::Null, |a| value(pick(a))),
            "actual": c.actual.map_or(Value::Null, |a| value(pick(a.requests))),
        },
        "limit": {
            "desired": desired_value(c, limit_field, value),
            "actual": c.actual.map_or(Value::Null, |a| value(pick(a.limits))),
        },
    })
}

fn kind_name(kind: ContainerKind) -> &'static str {
    match kind {
        ContainerKind::Regular => "container",
        ContainerKind::Sidecar => "sidecar",
        ContainerKind::Init => "init",
    }
}

/// Pod-level `spec.resources` with the pod's allocated/actual values and state (§1.3, §2.6).
fn pod_resources_json(pod: &PodRow) -> Option<Value> {
    let desired = pod.pod_resources?;
    let level = pod.pod_level.as_deref().cloned().unwrap_or_default();
    let part = |pick: fn(CpuMem) -> Option<i64>, value: fn(Option<i64>) -> Value| {
        json!({
            "request": {
                "desired": value(pick(desired.effective_requests())),
                "allocated": level.allocated.map_or(Value::Null, |a| value(pick(a))),
                "actual": level.actual.map_or(Value::Null, |a| value(pick(a.requests))),
            },
            "limit": {
                "desired": value(pick(desired.limits)),
                "actual": level.actual.map_or(Value::Null, |a| value(pick(a.limits))),
            },
        })
    };
    Some(json!({
        "state": level.state.name(),
        "message": level.state.message(),
        "cpu": part(|r| r.cpu_millis, cpu_value),
        "memory": part(|r| r.memory_bytes, memory_value),
    }))
}

/// One object per container; the schema is documented in the README and kept stable.
pub fn container_json(pod: &PodRow, c: &ContainerRow) -> Value {
    let mut value = container_fields(pod, c);
    if let (Value::Object(map), Some(pod_level)) = (&mut value, pod_resources_json(pod)) {
        map.insert("podResources".into(), pod_level);
    }
    value
}

fn container_fields(pod: &PodRow, c: &ContainerRow) -> Value {
    json!({
        "namespace": pod.namespace,
        "pod": pod.name,
        "container": c.name,
        "kind": kind_name(c.kind),
        "node": pod.node,
        "qosClass": pod.qos.map(|q| q.as_str()),
        "generation": pod.generation,
        "observedGeneration": pod.observed_generation,
        "state": c.state.name(),
        "message": c.state.message(),
        "podState": pod.state.name(),
        "restarts": c.restart_count,
        "boost": crate::model::decide::boost::json_of(pod, &c.name),
        "cpu": resource_json(
            c,
            |r| r.cpu_millis,
            cpu_value,
            [ResourceField::CpuRequest, ResourceField::CpuLimit],
        ),
        "memory": resource_json(
            c,
            |r| r.memory_bytes,
            memory_value,
            [ResourceField::MemoryRequest, ResourceField::MemoryLimit],
        ),
    })
}

/// Writes the JSON array one container at a time, so output never holds the whole document.
/// Each object names its cluster's context (`clusters[pod.cluster]`), even when there is one.
pub fn write_json(
    rows: &[PodRow],
    clusters: &[String],
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    out.write_all(b"[")?;
    let mut first = true;
    for pod in rows {
        for c in &pod.containers {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            let mut item = container_json(pod, c);
            if let Value::Object(map) = &mut item {
                map.insert("cluster".into(), cluster_name(clusters, pod).into());
            }
            serde_json::to_writer_pretty(&mut *out, &item)?;
        }
    }
    out.write_all(b"\n]\n")?;
    out.flush()
}

/// `desired/allocated/actual`; a desired value the server holds in a form of its own (`100u`,
/// `512M`) reads as the server wrote it, and so does an equal allocated or actual value.
fn triple(
    desired: Option<i64>,
    server: Option<&str>,
    others: &[Option<Option<i64>>],
    human: fn(i64) -> String,
) -> String {
    let show = |v: Option<i64>| match server {
        Some(text) if v == desired => text.to_string(),
        _ => v.map_or("-".to_string(), human),
    };
    let mut text = show(desired);
    for other in others {
        text.push('/');
        text.push_str(&other.map_or("·".to_string(), show));
    }
    text
}

fn cluster_name<'a>(clusters: &'a [String], pod: &PodRow) -> &'a str {
    clusters
        .get(usize::from(pod.cluster))
        .map_or("", String::as_str)
}

/// Plain text table; columns separated by two spaces like kubectl. A leading CLUSTER column
/// appears only with more than one cluster, so one cluster's table stays as it always was.
pub fn rows_table(rows: &[PodRow], clusters: &[String], wide: bool, now: DateTime<Utc>) -> String {
    let mut lines: Vec<Vec<String>> = vec![
        [
            "NAMESPACE",
            "POD",
            "CONTAINER",
            "CPU-REQ(spec/alloc/actual)",
            "CPU-LIM(spec/actual)",
            "MEM-REQ(spec/alloc/actual)",
            "MEM-LIM(spec/actual)",
            "RESIZE",
            "RESTARTS",
            "AGE",
        ]
        .map(String::from)
        .to_vec(),
    ];
    if wide {
        lines[0].extend(["NODE", "QOS", "OWNER", "MESSAGE"].map(String::from));
    }
    let several = clusters.len() > 1;
    if several {
        lines[0].insert(0, "CLUSTER".into());
    }
    for pod in rows {
        for c in &pod.containers {
            let req = c.desired.effective_requests();
            let mut line = vec![
                pod.namespace.clone(),
                pod.name.clone(),
                c.name.clone(),
                triple(
                    req.cpu_millis,
                    c.server_text(ResourceField::CpuRequest),
                    &[
                        c.allocated.map(|a| a.cpu_millis),
                        c.actual.map(|a| a.requests.cpu_millis),
                    ],
                    cpu_human,
                ),
                triple(
                    c.desired.limits.cpu_millis,
                    c.server_text(ResourceField::CpuLimit),
                    &[c.actual.map(|a| a.limits.cpu_millis)],
                    cpu_human,
                ),
                triple(
                    req.memory_bytes,
                    c.server_text(ResourceField::MemoryRequest),
                    &[
                        c.allocated.map(|a| a.memory_bytes),
                        c.actual.map(|a| a.requests.memory_bytes),
                    ],
                    memory_human,
                ),
                triple(
                    c.desired.limits.memory_bytes,
                    c.server_text(ResourceField::MemoryLimit),
                    &[c.actual.map(|a| a.limits.memory_bytes)],
                    memory_human,
                ),
                state_words(&c.state).to_string(),
                c.restart_count.to_string(),
                pod.created.map(|t| format_age(now - t)).unwrap_or_default(),
            ];
            if wide {
                line.push(pod.node.clone().unwrap_or_else(|| "-".into()));
                line.push(pod.qos.map_or("-", |q| q.as_str()).to_string());
                line.push(
                    pod.owner
                        .as_ref()
                        .map_or_else(|| "-".into(), |o| format!("{}/{}", o.kind, o.name)),
                );
                line.push(c.state.message().unwrap_or("").to_string());
            }
            if several {
                line.insert(0, cluster_name(clusters, pod).to_string());
            }
            lines.push(line);
        }
    }
    super::text_columns::aligned(&lines)
}
