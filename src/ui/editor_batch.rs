//! The batch part of the resize editor: each other marked pod (or, right-sizing, each other
//! container) with its own patch and prediction in a line, its errors below, and the pods
//! the change cannot apply to listed as skipped with the reason.

use crate::app::editor::EditorState;
use crate::model::rules::plan::ResizePlan;
use crate::theme::Theme;
use ratatui::text::{Line, Span};

/// The resources part of a plan's patch: what changes, in the server's words.
fn resources_of(plan: &ResizePlan) -> String {
    [
        "/spec/containers/0/resources",
        "/spec/initContainers/0/resources",
    ]
    .iter()
    .find_map(|path| plan.patch.pointer(path))
    .map(|v| serde_json::to_string(v).unwrap_or_default())
    .unwrap_or_default()
}

/// The prediction in a few words, for one line of a batch.
fn prediction_word(plan: &ResizePlan) -> String {
    use crate::model::rules::plan::Prediction;
    // Refused: the server's reasons follow on the next lines; the node never sees it.
    if !plan.errors.is_empty() {
        return "would be refused:".to_string();
    }
    let outlook = match &plan.prediction {
        Prediction::FitsNow => "fits now",
        Prediction::Deferred { .. } => "likely Deferred (not enough free room)",
        Prediction::Infeasible { .. } => "Infeasible (larger than the node)",
        Prediction::Unknown => "node unknown",
    };
    if plan.restarts {
        format!("{outlook} · restarts the container")
    } else {
        outlook.to_string()
    }
}

/// Each marked pod with its own patch, its errors, and the pods skipped with the reason.
pub(super) fn batch_lines<'a>(editor: &EditorState, theme: &Theme) -> Vec<Line<'a>> {
    let batch = &editor.batch;
    let mut lines = Vec::new();
    if batch.plans.is_empty() && batch.skipped.is_empty() {
        return lines;
    }
    let title = if editor.rightsize.is_some() {
        let n = batch.plans.len();
        format!(
            "right-sizing: {n} more container{}, each to its own recommendation:",
            if n == 1 { "" } else { "s" }
        )
    } else if batch.plans.is_empty() {
        // Not `0 more marked pods, changed fields only…`: none takes the change.
        "batch: the other marked pods are left out:".to_string()
    } else {
        format!(
            "batch: {}, changed fields only, relative to each pod:",
            crate::model::ground::figures::counted(
                batch.plans.len(),
                "more marked pod",
                "more marked pods"
            )
        )
    };
    lines.push(Line::from(Span::styled(title, theme.marked)));
    for plan in &batch.plans {
        let name = if editor.rightsize.is_some() {
            format!("{}/{}", plan.pod, plan.container)
        } else {
            plan.pod.clone()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "  {name}: {} · {}",
                resources_of(plan),
                prediction_word(plan)
            ),
            theme.marked,
        )));
        for e in &plan.errors {
            lines.push(Line::from(Span::styled(
                format!("    {}", e.message),
                theme.status_error,
            )));
        }
    }
    for skipped in &batch.skipped {
        lines.push(Line::from(Span::styled(
            format!("  skipped {}: {}", skipped.pod, skipped.reason),
            theme.muted,
        )));
    }
    lines
}
