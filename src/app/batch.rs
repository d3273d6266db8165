//! Batch planning: the fields the user changed in the editor, applied to each marked pod's own
//! values. Untouched fields are never carried over from the edited pod, relative edits are
//! relative to each pod, and a pod the change cannot apply to is skipped with its reason.

use super::editor::{FIELDS, PlanContext};
use crate::model::rules::edit::parse_exact;
use crate::model::rules::plan::{Edits, Field, ResizePlan, plan_resize};

/// A marked pod left out of the batch, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub namespace: String,
    pub pod: String,
    pub reason: String,
}

/// What a batch would send: one plan per pod it applies to, and the pods it leaves out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchPlan {
    pub plans: Vec<ResizePlan>,
    pub skipped: Vec<Skipped>,
}

/// The field's value in `edits`, by index of `FIELDS`.
pub fn value_of(edits: &Edits, i: usize) -> Option<i64> {
    match i {
        0 => edits.cpu_request,
        1 => edits.cpu_limit,
        2 => edits.memory_request,
        _ => edits.memory_limit,
    }
}

/// Applies the touched inputs to `base` (relative edits against `base`'s own values).
/// Untouched fields keep `base`'s value. Errors are per field, by index.
pub fn apply_inputs<T: AsRef<str>>(
    inputs: &[T; 4],
    touched: [bool; 4],
    base: Edits,
) -> Result<Edits, [Option<String>; 4]> {
    let mut edits = base;
    let mut errors: [Option<String>; 4] = Default::default();
    for (i, (_, _, kind)) in FIELDS.iter().enumerate().filter(|(i, _)| touched[*i]) {
        match parse_exact(inputs[i].as_ref(), base.exact_value(i), *kind) {
            Ok(value) => edits.set_exact(i, value),
            Err(e) => errors[i] = Some(e),
        }
    }
    if errors.iter().any(Option::is_some) {
        Err(errors)
    } else {
        Ok(edits)
    }
}

fn skip(ctx: &PlanContext, reason: String) -> Skipped {
    Skipped {
        namespace: ctx.pod.namespace.clone(),
        pod: ctx.pod.name.clone(),
        reason,
    }
}

/// Plans the change for one marked pod, or says why it is skipped.
fn plan_one<T: AsRef<str>>(
    inputs: &[T; 4],
    touched: [bool; 4],
    container: &str,
    ctx: &PlanContext,
) -> Result<ResizePlan, Skipped> {
    let Some(c) = ctx.pod.container(container) else {
        return Err(skip(ctx, format!("no container named {container:?}")));
    };
    let edits = apply_inputs(inputs, touched, Edits::from_container(c)).map_err(|errors| {
        let first = errors.into_iter().flatten().next().unwrap_or_default();
        skip(ctx, first)
    })?;
    let plan = plan_resize(
        ctx.pod,
        container,
        edits,
        ctx.server.clone(),
        ctx.node,
        ctx.others_on_node,
    );
    // Errors about the pod as a whole (container kind, node support, QoS, nothing to change)
    // mean the change does not apply to it; errors about a value are the user's to fix.
    match plan.errors.iter().find(|e| e.field == Field::Whole) {
        Some(e) => Err(skip(ctx, format!("not resizable: {}", e.message))),
        None => Ok(plan),
    }
}

/// Plans the touched fields of `inputs` for every marked pod in `contexts`.
pub fn plan_batch<T: AsRef<str>>(
    inputs: &[T; 4],
    touched: [bool; 4],
    container: &str,
    contexts: &[PlanContext],
) -> BatchPlan {
    let mut batch = BatchPlan::default();
    for ctx in contexts {
        match plan_one(inputs, touched, container, ctx) {
            Ok(plan) => batch.plans.push(plan),
            Err(skipped) => batch.skipped.push(skipped),
        }
    }
    batch
}
