//! What `podsize resize` prints on stdout in table form: the target, every field old → new,
//! the exact patch and the result, so the output alone says what happened.

use super::resize::describe_plan;
use crate::model::PodRow;
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::ResourceSpec;
use crate::model::rules::plan::ResizePlan;

/// Where the patch goes: the resize subresource, or the pod itself on servers up to 1.31.
pub fn endpoint(plan: &ResizePlan, subresource: bool) -> String {
    let base = format!("pods/{}", plan.pod);
    if subresource {
        format!("{base}/resize")
    } else {
        base
    }
}

fn fields(old: &ResourceSpec, new: &ResourceSpec) -> [(&'static str, String, String); 4] {
    let cpu = |v: Option<i64>| v.map_or_else(|| "-".to_string(), cpu_canonical);
    let memory = |v: Option<i64>| v.map_or_else(|| "-".to_string(), memory_canonical);
    [
        (
            "cpu request",
            cpu(old.requests.cpu_millis),
            cpu(new.requests.cpu_millis),
        ),
        (
            "cpu limit",
            cpu(old.limits.cpu_millis),
            cpu(new.limits.cpu_millis),
        ),
        (
            "memory request",
            memory(old.requests.memory_bytes),
            memory(new.requests.memory_bytes),
        ),
        (
            "memory limit",
            memory(old.limits.memory_bytes),
            memory(new.limits.memory_bytes),
        ),
    ]
}

/// The plan and its result as aligned `key: value` lines; `wide` adds QoS, restart and
/// prediction lines.
pub fn plan_report(
    plan: &ResizePlan,
    row: &PodRow,
    via: &str,
    outcome: &str,
    message: Option<&str>,
    wide: bool,
) -> String {
    let old = row
        .container(&plan.container)
        .map(|c| c.desired)
        .unwrap_or_default();
    let mut lines = vec![format!(
        "target:          {}/{} container {} via {via}",
        plan.namespace, plan.pod, plan.container
    )];
    for (label, before, after) in fields(&old, &plan.new_spec) {
        let change = if before == after {
            format!("{before} (unchanged)")
        } else {
            format!("{before} → {after}")
        };
        lines.push(format!("{:<17}{change}", format!("{label}:")));
    }
    lines.push(format!(
        "patch:           {}",
        serde_json::to_string(&plan.patch).unwrap_or_default()
    ));
    if wide {
        // The first line of describe_plan repeats the patch.
        lines.extend(describe_plan(plan, row).into_iter().skip(1));
    }
    let result = match message {
        Some(m) => format!("{outcome}: {m}"),
        None => outcome.to_string(),
    };
    lines.push(format!("result:          {result}"));
    lines.join("\n")
}
