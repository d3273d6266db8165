//! `podsize recommend`: what each container should have, from its real usage, with the
//! figures, their source and the patch that would be sent (issue #12).

use crate::cli::{CommonArgs, RecommendArgs, ReportFormat};
use crate::cluster::capabilities::Capabilities;
use crate::cluster::wire::WirePod;
use crate::commands::{CommandError, connect, scope_from};
use crate::model::decide::recommend::{Policy, Recommendation, Source, Usage};
use crate::model::decide::vpa::VpaContainer;
use crate::model::decide::workload::Workload;
use crate::model::ground::quantity::{cpu_canonical, cpu_human, memory_canonical, memory_human};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use crate::model::{ContainerKind, ContainerRow, PodRow};
use kube::Api;
use serde_json::{Value, json};

// The usage gathering lives beside this file; `resize` and `make-room` reach it through here.
pub use super::recommend_usage::{
    UsageTable, VpaShown, add_vpa_usage, gather_usage, policy_of, usage_of,
};

/// One container's recommendation, checked by the editor's own validation.
pub struct ContainerAdvice {
    pub usage: Option<Usage>,
    pub recommendation: Option<Recommendation>,
    /// The plan that would be sent (`None` when nothing changes).
    pub plan: Option<ResizePlan>,
    /// The VPA's own figures when a VPA was the source.
    pub vpa: Option<VpaShown>,
    /// The workload whose pods the figures rest on.
    pub workload: Option<Workload>,
}

impl ContainerAdvice {
    /// The validation errors of the plan that would be sent.
    pub fn errors(&self) -> Vec<String> {
        self.plan
            .iter()
            .flat_map(|p| p.errors.iter().map(|e| e.message.clone()))
            .collect()
    }

    /// A patch is offered: nothing refused it, and it is not a decrease held back for want of
    /// evidence with nothing else to change.
    pub fn applicable(&self) -> bool {
        let held_only = self
            .recommendation
            .as_ref()
            .is_some_and(|r| r.held && !r.changed);
        self.errors().is_empty() && !held_only
    }
}

/// Recommends for `container` of `pod`; the plan is validated as the editor would.
pub fn advise(
    pod: &PodRow,
    c: &ContainerRow,
    usage: Option<&Usage>,
    caps: &Capabilities,
    policy: &Policy,
) -> ContainerAdvice {
    let Some(usage) = usage else {
        return ContainerAdvice {
            usage: None,
            recommendation: None,
            plan: None,
            vpa: None,
            workload: None,
        };
    };
    // The same rule, policy and OOM floor as the dashboard's REC column.
    let minor = caps.minor.unwrap_or(35);
    let rec = crate::model::decide::rightsizing::recommend_container(c, usage, minor, policy);
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
        workload: None,
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
        "pods": u.pods,
    });
    match &u.source {
        Source::Vpa { name, update_mode } => {
            out["vpa"] = json!({"name": name, "updateMode": update_mode});
        }
        Source::LiveSamples { since } => out["since"] = json!(since.to_rfc3339()),
        Source::Prometheus { window } => out["askedWindowSeconds"] = json!(window.num_seconds()),
    }
    out
}

/// The history a recommendation rests on and what a decrease needs.
fn history_json(u: &Usage, policy: &Policy) -> Value {
    let gate = policy.gate.allows_shrink(u);
    json!({
        "coveredSeconds": u.window.num_seconds(),
        "samples": u.samples,
        "neededSeconds": policy.gate.min_history.num_seconds(),
        "neededSamples": policy.gate.min_samples,
        "enoughToShrink": gate.is_ok(),
        "reason": gate.err(),
    })
}

/// One JSON object per container; field names are documented in the README.
pub fn advice_json(
    pod: &PodRow,
    c: &ContainerRow,
    advice: &ContainerAdvice,
    policy: &Policy,
) -> Value {
    let usage = advice.usage.as_ref().map_or(Value::Null, |u| {
        json!({
            "cpuPercentileMillicores": u.cpu_percentile,
            "cpuPeakMillicores": u.cpu_peak,
            "memoryPeakBytes": u.memory_peak,
            "cpuCurrentMillicores": u.current.cpu_millis,
            "memoryCurrentBytes": u.current.memory_bytes,
            "cfsPeriods": u.cfs_periods,
            "cfsThrottledPeriods": u.cfs_throttled,
            "oomKills": u.oom_kills,
        })
    });
    let errors = advice.errors();
    let workload = advice
        .workload
        .as_ref()
        .map_or(Value::Null, |w| json!({"kind": w.kind, "name": w.name}));
    json!({
        "workload": workload,
        "pods": advice.usage.as_ref().map(|u| u.pods),
        "history": advice.usage.as_ref().map_or(Value::Null, |u| history_json(u, policy)),
        "held": advice.recommendation.as_ref().is_some_and(|r| r.held),
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
        "applicable": advice.applicable(),
        "errors": errors,
        "patch": advice.plan.as_ref().filter(|p| p.is_sendable()).map_or(Value::Null, |p| p.patch.clone()),
    })
}

fn describe_source(u: &Usage) -> String {
    match &u.source {
        Source::Vpa { name, update_mode } => format!("vpa {name} ({update_mode})"),
        Source::Prometheus { .. } => format!(
            "prometheus {} · {} samples",
            crate::model::ground::time::format_age(u.window),
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

/// One container's cells of the table: current → recommended requests, the source, and the
/// reason last (it is the long one).
fn table_line(pod: &PodRow, c: &ContainerRow, advice: &ContainerAdvice) -> Vec<String> {
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
    vec![
        pod.namespace.clone(),
        pod.name.clone(),
        c.name.clone(),
        format!("{} → {cpu_new}", fmt(req.cpu_millis, cpu_human)),
        format!("{} → {mem_new}", fmt(req.memory_bytes, memory_human)),
        source,
        why,
    ]
}

/// The containers right-sizing looks at: regular containers and sidecars.
pub fn sized_containers(pod: &PodRow) -> impl Iterator<Item = &ContainerRow> {
    pod.containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init)
}

pub async fn run(common: &CommonArgs, args: &RecommendArgs) -> Result<(), CommandError> {
    let started = std::time::Instant::now();
    let (client, target) = connect(common).await?;
    let scope = scope_from(common, &target);
    let caps = Capabilities::detect(&client)
        .await
        .map_err(|e| CommandError::Api(crate::cluster::client::one_line(&e)))?;
    let api: Api<WirePod> = match &scope.namespace {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    // The pods and the usage sources are read at the same time; the sources do not need the
    // pods until they are combined per workload.
    let (rows, usage) = futures::join!(
        super::get::list_rows(&api, scope.label_selector.as_deref()),
        gather_usage(&client, common, &args.usage, &scope)
    );
    let rows = rows.map_err(|e| {
        CommandError::Api(format!(
            "cannot list pods from {}: {}",
            target.server,
            crate::cluster::client::one_line(&e)
        ))
    })?;
    tracing::info!(
        pods = rows.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "recommend: pods and sources read"
    );
    let usage = usage?;
    // Each pod's own reading, kept before the figures become the workload's: the HPA
    // prediction is judged by it, as in `resize` and the dashboard.
    let readings = super::recommend_preflight::readings_of(&usage.by_container, &rows);
    let (usage, owners) =
        super::recommend_usage::usage_per_workload(&client, &scope, &rows, usage).await;
    tracing::info!(
        containers = usage.by_container.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "recommend: usage gathered"
    );
    let policy = Policy {
        percentile: args.usage.percentile,
        ..policy_of(&common.prefs)
    };
    for warning in &usage.warnings {
        eprintln!("podsize: {warning}");
    }
    let preflight =
        super::recommend_preflight::PreflightContext::read(&client, &rows, owners, args.with_hpa)
            .await
            .with_server(caps.server())
            .with_readings(readings);
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "recommend: preflight read"
    );
    let mut lines = Vec::new();
    let mut objects = Vec::new();
    for pod in &rows {
        for c in sized_containers(pod) {
            let key = (pod.namespace.clone(), pod.name.clone(), c.name.clone());
            let mut advice = advise(pod, c, usage.by_container.get(&key), &caps, &policy);
            advice.vpa = usage.vpa.get(&key).cloned();
            advice.workload = usage.workload.get(&key).cloned();
            let hpa = preflight.check(pod, c, &mut advice);
            if args.verify {
                super::recommend_verify::verify(&client, &caps, &mut advice).await;
            }
            match args.output {
                ReportFormat::Json => {
                    let mut object = advice_json(pod, c, &advice, &policy);
                    object["hpa"] = hpa;
                    objects.push(object);
                }
                _ => lines.push(table_line(pod, c, &advice)),
            }
        }
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "recommend: advice decided"
    );
    if args.output == ReportFormat::Json {
        let text = serde_json::to_string_pretty(&Value::Array(objects))
            .map_err(|e| CommandError::Terminal(e.to_string()))?;
        outln!("{text}");
    } else {
        let heading = [
            "NAMESPACE",
            "POD",
            "CONTAINER",
            "CPU REQ",
            "MEM REQ",
            "SOURCE",
            "REASON",
        ];
        lines.insert(0, heading.map(String::from).to_vec());
        outln!("{}", super::text_columns::aligned(&lines));
    }
    Ok(())
}
