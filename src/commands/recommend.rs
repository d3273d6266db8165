//! `podsize recommend`: what each container should have, from its real usage, with the
//! figures, their source and the patch that would be sent (issue #12).

use crate::cli::{CommonArgs, RecommendArgs, ReportFormat, UsageArgs};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::owners::OwnerCache;
use crate::cluster::prometheus::{ContainerKey, Prometheus};
use crate::cluster::wire::WirePod;
use crate::commands::{CommandError, connect, scope_from};
use crate::model::decide::recommend::{Recommendation, Source, Usage, first_by_source_order};
use crate::model::decide::vpa::{VpaContainer, vpa_for};
use crate::model::ground::quantity::{cpu_canonical, cpu_human, memory_canonical, memory_human};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::Scope;
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use crate::model::{ContainerKind, ContainerRow, PodRow};
use crate::settings::PromTarget;
use chrono::{DateTime, TimeDelta, Utc};
use kube::{Api, Client};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Usage per container, from the best source the cluster has, and what went wrong on the way.
pub struct UsageTable {
    pub by_container: HashMap<ContainerKey, Usage>,
    /// The VPA recommendation (target and bounds) behind a container's usage, when a VPA won.
    pub vpa: HashMap<ContainerKey, VpaShown>,
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
        vpa: HashMap::new(),
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

/// A VPA's figures for one container, shown beside the recommendation.
#[derive(Clone, Debug)]
pub struct VpaShown {
    pub name: String,
    pub update_mode: String,
    pub target_kind: String,
    pub target_name: String,
    pub figures: VpaContainer,
}

/// Puts VPA targets first in the source order for the containers of `rows` a VPA covers
/// (matched through `spec.targetRef` and the pods' owner chains). Skipped without a word when
/// the cluster has no VPA CRD; a failure to read VPAs or owners is a warning, never fatal.
pub async fn add_vpa_usage(
    client: &Client,
    scope: &Scope,
    rows: &[PodRow],
    table: &mut UsageTable,
) {
    match crate::cluster::vpa::served(client).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            table
                .warnings
                .push(format!("cannot ask discovery for VPAs: {e}"));
            return;
        }
    }
    let vpas = match crate::cluster::vpa::list(client, scope).await {
        Ok(v) => v,
        Err(e) => {
            table.warnings.push(format!(
                "cannot list VPAs: {}",
                crate::cluster::client::one_line(&e)
            ));
            return;
        }
    };
    if vpas.is_empty() {
        return;
    }
    let mut owners = OwnerCache::default();
    if let Err(e) = owners.fill(client, rows).await {
        table.warnings.push(e);
    }
    for pod in rows {
        let chain = owners.chain(pod);
        let Some(vpa) = vpa_for(&pod.namespace, &chain, &vpas) else {
            continue;
        };
        for c in sized_containers(pod) {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let (Some(usage), Some(figures)) = (vpa.usage(&c.name), vpa.container(&c.name)) else {
                continue;
            };
            let other = table.by_container.remove(&key);
            if let Some(best) = first_by_source_order(Some(usage), other, None) {
                table.by_container.insert(key.clone(), best);
            }
            table.vpa.insert(
                key,
                VpaShown {
                    name: vpa.name.clone(),
                    update_mode: vpa.update_mode.clone(),
                    target_kind: vpa.target.kind.clone(),
                    target_name: vpa.target.name.clone(),
                    figures: figures.clone(),
                },
            );
        }
    }
}

/// One container's recommendation, checked by the editor's own validation.
pub struct ContainerAdvice {
    pub usage: Option<Usage>,
    pub recommendation: Option<Recommendation>,
    /// The plan that would be sent (`None` when nothing changes).
    pub plan: Option<ResizePlan>,
    /// The VPA's own figures when a VPA was the source.
    pub vpa: Option<VpaShown>,
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
            vpa: None,
        };
    };
    // The same rule, policy and OOM floor as the dashboard's REC column.
    let minor = caps.minor.unwrap_or(35);
    let rec = crate::model::decide::rightsizing::recommend_container(c, usage, minor, percentile);
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
        vpa: None,
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

fn cpu_mem_json(v: &CpuMem) -> Value {
    json!({"cpu": quantity_json(v.cpu_millis, true), "memory": quantity_json(v.memory_bytes, false)})
}

fn vpa_json(v: &VpaShown) -> Value {
    json!({
        "name": v.name,
        "updateMode": v.update_mode,
        "overwritesManualChanges": crate::model::decide::vpa::overwrites_manual_change(&v.update_mode),
        "targetRef": {"kind": v.target_kind, "name": v.target_name},
        "target": cpu_mem_json(&v.figures.target),
        "lowerBound": cpu_mem_json(&v.figures.lower_bound),
        "upperBound": cpu_mem_json(&v.figures.upper_bound),
        "uncappedTarget": cpu_mem_json(&v.figures.uncapped_target),
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
        "vpa": advice.vpa.as_ref().map_or(Value::Null, vpa_json),
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
            crate::model::ground::time::format_age(*window),
            crate::model::decide::recommend::thousands(u.samples)
        ),
        Source::LiveSamples { since } => format!(
            "live since {} · {} sample{} (low confidence)",
            since.format("%H:%M"),
            u.samples,
            if u.samples == 1 { "" } else { "s" }
        ),
    }
}

/// `cpu 100m–2 · memory 64Mi–1Gi`: a VPA's lower and upper bounds.
fn bounds_text(f: &VpaContainer) -> String {
    let fmt = |v: Option<i64>, show: fn(i64) -> String| v.map_or("?".to_string(), show);
    format!(
        "cpu {}–{} · memory {}–{}",
        fmt(f.lower_bound.cpu_millis, cpu_human),
        fmt(f.upper_bound.cpu_millis, cpu_human),
        fmt(f.lower_bound.memory_bytes, memory_human),
        fmt(f.upper_bound.memory_bytes, memory_human)
    )
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
    let why = match &advice.vpa {
        Some(v) => format!("{why} (VPA bounds {})", bounds_text(&v.figures)),
        None => why,
    };
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
    let mut usage = gather_usage(&client, common, &args.usage, &scope).await?;
    add_vpa_usage(&client, &scope, &rows, &mut usage).await;
    for warning in &usage.warnings {
        eprintln!("podsize: {warning}");
    }
    let preflight =
        super::recommend_preflight::PreflightContext::read(&client, &rows, args.with_hpa).await;
    let mut lines = Vec::new();
    let mut objects = Vec::new();
    for pod in &rows {
        for c in sized_containers(pod) {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let mut advice = advise(
                pod,
                c,
                usage.by_container.get(&key),
                &caps,
                args.usage.percentile,
            );
            advice.vpa = usage.vpa.get(&key).cloned();
            let hpa = preflight.check(pod, c, &mut advice);
            if args.verify {
                super::recommend_verify::verify(&client, &caps, &mut advice).await;
            }
            match args.output {
                ReportFormat::Json => {
                    let mut object = advice_json(pod, c, &advice);
                    object["hpa"] = hpa;
                    objects.push(object);
                }
                _ => lines.push(table_line(pod, c, &advice)),
            }
        }
    }
    if args.output == ReportFormat::Json {
        let text = serde_json::to_string_pretty(&Value::Array(objects))
            .map_err(|e| CommandError::Terminal(e.to_string()))?;
        outln!("{text}");
    } else {
        outln!(
            "{:<16} {:<40} {:<16} {:>15} {:>17} {:<36} REASON",
            "NAMESPACE",
            "POD",
            "CONTAINER",
            "CPU REQ",
            "MEM REQ",
            "SOURCE"
        );
        for line in lines {
            outln!("{line}");
        }
    }
    Ok(())
}
