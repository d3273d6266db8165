//! What `podsize resize` prints on stdout in table form: the target, every field old → new,
//! the exact patch and the result, so the output alone says what happened.

use super::resize::describe_plan;
use crate::model::PodRow;
use crate::model::pods::row::ResourceField;
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

/// Each field old → new as the server writes it: the old value in the server's own text, the
/// new one as the patch sends it (`100u → 1m`, `512M → 1G`).
fn fields(row: &PodRow, plan: &ResizePlan) -> [(&'static str, String, String); 4] {
    let container = row.container(&plan.container);
    let labels = ["cpu request", "cpu limit", "memory request", "memory limit"];
    std::array::from_fn(|i| {
        let old = container
            .and_then(|c| c.desired_text(ResourceField::ALL[i]))
            .unwrap_or_else(|| "-".into());
        let new = plan.new_exact[i].map_or_else(|| "-".into(), |q| q.canonical());
        (labels[i], old, new)
    })
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
    let mut lines = vec![format!(
        "target:          {}/{} container {} via {via}",
        plan.namespace, plan.pod, plan.container
    )];
    for (label, before, after) in fields(row, plan) {
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
    let words = super::outcome_words::outcome_words(outcome);
    let result = match message {
        Some(m) => format!("{words}: {m}"),
        None => words,
    };
    lines.push(format!("result:          {result}"));
    lines.join("\n")
}
