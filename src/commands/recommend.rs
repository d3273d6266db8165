//! `podsize recommend`: what each container should have, from its real usage, with the
//! figures, their source and the patch that would be sent (issue #12).

use crate::cli::{CommonArgs, OutputFormat, RecommendArgs, UsageArgs};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::prometheus::{ContainerKey, PromTarget, Prometheus};
use crate::cluster::wire::WirePod;
use crate::commands::{CommandError, connect, scope_from};
use crate::model::events::Scope;
use crate::model::plan::{Edits, ResizePlan, plan_resize};
use crate::model::quantity::{cpu_canonical, cpu_human, memory_canonical, memory_human};
use crate::model::recommend::{Policy, Recommendation, Source, Usage, recommend};
use crate::model::resources::{CpuMem, ResourceSpec};
use crate::model::row::RestartPolicy;
use crate::model::{ContainerKind, ContainerRow, PodRow};
use chrono::{DateTime, TimeDelta, Utc};
use kube::{Api, Client};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Usage per container, from the best source the cluster has, and what went wrong on the way.
pub struct UsageTable {
    pub by_container: HashMap<ContainerKey, Usage>,
    /// A source that was asked and failed (shown, never fatal).
    pub warnings: Vec<String>,
}

/// One reading of metrics.k8s.io: the live-sample source, labelled with its age and count.
async fn live_usage(
    client: &Client,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Option<HashMap<ContainerKey, Usage>> {
    let pods = crate::cluster::metrics::fetch(client, scope).await.ok()?;
    let mut out = HashMap::new();
    for pod in pods {
        for (container, used) in pod.containers {
            let usage = Usage {
                source: Source::LiveSamples { since: now },
                cpu_percentile: used.cpu_millis,
                cpu_p50: used.cpu_millis,
                cpu_peak: used.cpu_millis,
                memory_peak: used.memory_bytes,
                samples: 1,
                window: TimeDelta::zero(),
                vpa_target: None,
            };
            out.insert((pod.namespace.clone(), pod.name.clone(), container), usage);
        }
    }
    Some(out)
}

/// Asks Prometheus when one is named, and metrics.k8s.io for what it does not cover.
pub async fn gather_usage(
    client: &Client,
    common: &CommonArgs,
    usage: &UsageArgs,
    scope: &Scope,
) -> Result<UsageTable, CommandError> {
    let window = TimeDelta::from_std(usage.history).unwrap_or(TimeDelta::days(14));
    let target = match (&usage.prometheus, &usage.prometheus_service) {
        (Some(url), _) => Some(PromTarget::Url(url.clone())),
        (None, Some(service)) => {
            Some(PromTarget::parse_service(service).map_err(CommandError::Refused)?)
        }
        (None, None) => None,
    };
    let mut table = UsageTable {
        by_container: HashMap::new(),
        warnings: Vec::new(),
    };
    if let Some(target) = target {
        let prom = Prometheus::new(&target, client, common.readonly)
            .map_err(|e| CommandError::Refused(e.to_string()))?;
        match prom.container_usage(scope, window, usage.percentile).await {
            Ok(found) => table.by_container = found,
            Err(e) => table.warnings.push(e.to_string()),
        }
    }
    if let Some(live) = live_usage(client, scope, Utc::now()).await {
        for (key, u) in live {
            table.by_container.entry(key).or_insert(u);
        }
    } else if table.by_container.is_empty() {
        table.warnings.push(
            "no usage source: metrics.k8s.io is not served and no Prometheus was named".into(),
        );
    }
    Ok(table)
}

/// One container's recommendation, checked by the editor's own validation.
pub struct ContainerAdvice {
    pub usage: Option<Usage>,
    pub recommendation: Option<Recommendation>,
    /// The plan that would be sent (`None` when nothing changes).
    pub plan: Option<ResizePlan>,
}

/// Recommends for `container` of `pod`; the plan is validated as the editor would.
pub fn advise(
    pod: &PodRow,
    c: &ContainerRow,
    usage: Option<&Usage>,
    caps: &Capabilities,
    percentile: u8,
) -> ContainerAdvice {
    let Some(usage) = usage else {
        return ContainerAdvice {
            usage: None,
            recommendation: None,
            plan: None,
        };
    };
    let minor = caps.minor.unwrap_or(35);
    let policy = Policy {
        percentile,
        ..Policy::for_server(minor, c.policy.memory == RestartPolicy::RestartContainer)
    };
    let oom_limit = c
        .oom_killed
        .then(|| {
            c.actual
                .and_then(|a| a.limits.memory_bytes)
                .or(c.desired.limits.memory_bytes)
        })
        .flatten();
    let rec = recommend(&c.desired, usage, oom_limit, &policy);
    let plan = rec.changed.then(|| {
        plan_resize(
            pod,
            &c.name,
            Edits::from_spec(&rec.spec),
            caps.server(),
            None,
            CpuMem::default(),
        )
    });
    ContainerAdvice {
        usage: Some(usage.clone()),
        recommendation: Some(rec),
        plan,
    }
}

fn quantity_json(v: Option<i64>, cpu: bool) -> Value {
    v.map_or(Value::Null, |v| {
        if cpu {
            json!({"quantity": cpu_canonical(v), "millicores": v})
        } else {
            json!({"quantity": memory_canonical(v), "bytes": v})
        }
    })
}

fn spec_json(spec: &ResourceSpec) -> Value {
    let req = spec.effective_requests();
    json!({
        "cpu": {"request": quantity_json(req.cpu_millis, true), "limit": quantity_json(spec.limits.cpu_millis, true)},
        "memory": {"request": quantity_json(req.memory_bytes, false), "limit": quantity_json(spec.limits.memory_bytes, false)},
    })
}

fn source_json(u: &Usage) -> Value {
    let mut out = json!({
        "name": u.source.name(),
        "lowConfidence": u.source.low_confidence(),
        "windowSeconds": u.window.num_seconds(),
        "samples": u.samples,
    });
    match &u.source {
        Source::Vpa { name, update_mode } => {
            out["vpa"] = json!({"name": name, "updateMode": update_mode});
        }
        Source::LiveSamples { since } => out["since"] = json!(since.to_rfc3339()),
        Source::Prometheus { .. } => {}
    }
    out
}

/// One JSON object per container; field names are documented in the README.
pub fn advice_json(pod: &PodRow, c: &ContainerRow, advice: &ContainerAdvice) -> Value {
    let usage = advice.usage.as_ref().map_or(Value::Null, |u| {
        json!({
            "cpuPercentileMillicores": u.cpu_percentile,
            "cpuPeakMillicores": u.cpu_peak,
            "memoryPeakBytes": u.memory_peak,
        })
    });
    let errors: Vec<String> = advice
        .plan
        .iter()
        .flat_map(|p| p.errors.iter().map(|e| e.message.clone()))
        .collect();
    json!({
        "namespace": pod.namespace,
        "pod": pod.name,
        "container": c.name,
        "current": spec_json(&c.desired),
        "usage": usage,
        "source": advice.usage.as_ref().map_or(Value::Null, source_json),
        "recommendation": advice.recommendation.as_ref().map_or(Value::Null, |r| spec_json(&r.spec)),
        "changed": advice.recommendation.as_ref().is_some_and(|r| r.changed),
        "reason": advice.recommendation.as_ref().map_or_else(|| "no usage figures for this container".to_string(), Recommendation::reason),
        "applicable": errors.is_empty(),
        "errors": errors,
        "patch": advice.plan.as_ref().filter(|p| p.is_sendable()).map_or(Value::Null, |p| p.patch.clone()),
    })
}

fn describe_source(u: &Usage) -> String {
    match &u.source {
        Source::Vpa { name, update_mode } => format!("vpa {name} ({update_mode})"),
        Source::Prometheus { window } => format!(
            "prometheus {} · {} samples",
            crate::model::time::format_age(*window),
            crate::model::recommend::thousands(u.samples)
        ),
        Source::LiveSamples { since } => format!(
            "live since {} · {} sample{} (low confidence)",
            since.format("%H:%M"),
            u.samples,
            if u.samples == 1 { "" } else { "s" }
        ),
    }
}

fn table_line(pod: &PodRow, c: &ContainerRow, advice: &ContainerAdvice) -> String {
    let req = c.desired.effective_requests();
    let fmt = |v: Option<i64>, f: fn(i64) -> String| v.map_or("-".into(), f);
    let (cpu_new, mem_new, why) = match &advice.recommendation {
        Some(r) => {
            let new = r.spec.effective_requests();
            let errors: Vec<String> = advice
                .plan
                .iter()
                .flat_map(|p| p.errors.iter().map(|e| e.message.clone()))
                .collect();
            let why = if errors.is_empty() {
                r.reason()
            } else {
                format!("not applicable: {}", errors.join("; "))
            };
            (
                fmt(new.cpu_millis, cpu_human),
                fmt(new.memory_bytes, memory_human),
                why,
            )
        }
        None => ("-".into(), "-".into(), "no usage figures".into()),
    };
    let source = advice.usage.as_ref().map_or("-".into(), describe_source);
    format!(
        "{:<16} {:<40} {:<16} {:>6} → {:<6} {:>7} → {:<7} {:<36} {}",
        pod.namespace,
        pod.name,
        c.name,
        fmt(req.cpu_millis, cpu_human),
        cpu_new,
        fmt(req.memory_bytes, memory_human),
        mem_new,
        source,
        why
    )
}

/// The containers right-sizing looks at: regular containers and sidecars.
pub fn sized_containers(pod: &PodRow) -> impl Iterator<Item = &ContainerRow> {
    pod.containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
}

pub async fn run(common: &CommonArgs, args: &RecommendArgs) -> Result<(), CommandError> {
    let (client, target) = connect(common).await?;
    let scope = scope_from(common, &target);
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let rows = super::get::list_rows(&api, scope.label_selector.as_deref())
        .await
        .map_err(|e| {
            CommandError::Api(format!(
                "cannot list pods from {}: {}",
                target.server,
                crate::cluster::client::one_line(&e)
            ))
        })?;
    let usage = gather_usage(&client, common, &args.usage, &scope).await?;
    for warning in &usage.warnings {
        eprintln!("podsize: {warning}");
    }
    let mut lines = Vec::new();
    let mut objects = Vec::new();
    for pod in &rows {
        for c in sized_containers(pod) {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let advice = advise(
                pod,
                c,
                usage.by_container.get(&key),
                &caps,
                args.usage.percentile,
            );
            match args.output {
                OutputFormat::Json => objects.push(advice_json(pod, c, &advice)),
                _ => lines.push(table_line(pod, c, &advice)),
            }
        }
    }
    if args.output == OutputFormat::Json {
        let text = serde_json::to_string_pretty(&Value::Array(objects))
            .map_err(|e| CommandError::Terminal(e.to_string()))?;
        println!("{text}");
    } else {
        println!(
            "{:<16} {:<40} {:<16} {:>15} {:>17} {:<36} REASON",
            "NAMESPACE", "POD", "CONTAINER", "CPU REQ", "MEM REQ", "SOURCE"
        );
        for line in lines {
            println!("{line}");
        }
    }
    Ok(())
}
