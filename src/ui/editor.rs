//! The resize editor popup: four fields with desired/allocated/actual beside them, then
//! what will happen: restart, QoS, node room, owner template; the exact patch to confirm.

use crate::app::AppState;
use crate::app::editor::{EditorState, FIELDS, Stage};
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::is_workload_owner;
use crate::model::rules::edit::Kind;
use crate::model::rules::plan::{Field, Prediction, ResizePlan};
use crate::model::{ContainerRow, PodRow};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn show(v: Option<i64>, kind: Kind) -> String {
    match (v, kind) {
        (None, _) => "-".into(),
        (Some(v), Kind::Cpu) => cpu_canonical(v),
        (Some(v), Kind::Memory) => memory_canonical(v),
    }
}

/// (desired, allocated, actual) of one field.
fn current_values(
    c: &ContainerRow,
    i: usize,
) -> (Option<i64>, Option<Option<i64>>, Option<Option<i64>>) {
    let pick = |m: CpuMem| if i < 2 { m.cpu_millis } else { m.memory_bytes };
    let is_request = i.is_multiple_of(2);
    let desired = if is_request {
        pick(c.desired.requests)
    } else {
        pick(c.desired.limits)
    };
    let allocated = if is_request {
        c.allocated.map(pick)
    } else {
        None
    };
    let actual = c.actual.map(|a| {
        if is_request {
            pick(a.requests)
        } else {
            pick(a.limits)
        }
    });
    (desired, allocated, actual)
}

fn field_lines<'a>(
    editor: &EditorState,
    c: &ContainerRow,
    plan: Option<&ResizePlan>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for (i, (field, label, kind)) in FIELDS.iter().enumerate() {
        let focused = i == editor.focus && editor.stage == Stage::Editing;
        let error = editor.input_errors[i].clone().or_else(|| {
            plan.and_then(|p| p.errors.iter().find(|e| e.field == *field))
                .map(|e| e.message.clone())
        });
        let input_style = if error.is_some() {
            theme.input_invalid
        } else if focused {
            theme.input
        } else {
            theme.base
        };
        let (desired, allocated, actual) = current_values(c, i);
        let desired_text = c
            .desired_text(crate::model::pods::row::ResourceField::ALL[i])
            .unwrap_or_else(|| show(desired, *kind));
        let marker = if focused { "▶ " } else { "  " };
        let (before, after) = editor.inputs[i].split_at_cursor();
        let input = if focused {
            format!("{before}▏{after}")
        } else {
            format!("{before}{after} ")
        };
        // What a relative input comes to (`x2 → 200m`), worked out by the editor state.
        let meaning = editor.previews[i].beside();
        let gap = if meaning.is_empty() || input.ends_with(' ') {
            ""
        } else {
            " "
        };
        let meaning = format!("{gap}{meaning}");
        let pad = 13usize.saturating_sub(input.chars().count() + meaning.chars().count());
        let mut spans = vec![
            Span::styled(format!("{marker}{label:<15}"), theme.accent),
            Span::styled(input, input_style),
            Span::styled(format!("{meaning}{:pad$}", ""), theme.accent),
            Span::styled(format!("  desired {desired_text}"), theme.muted),
        ];
        // A value equal to the desired one reads as the desired one does (`512M`, not `500000Ki`).
        let same_or_own = |v: Option<i64>| {
            if v == desired {
                desired_text.clone()
            } else {
                show(v, *kind)
            }
        };
        if let Some(a) = allocated {
            spans.push(Span::styled(
                format!(" · allocated {}", same_or_own(a)),
                theme.muted,
            ));
        }
        if let Some(a) = actual {
            spans.push(Span::styled(
                format!(" · actual {}", same_or_own(a)),
                theme.muted,
            ));
        }
        lines.push(Line::from(spans));
        if let Some(error) = error {
            lines.push(Line::from(Span::styled(
                format!("    {error}"),
                theme.status_error,
            )));
        }
    }
    lines
}

/// A computed figure (free room, a node's allocatable) in the one form of figures.
fn figure(v: Option<i64>, kind: Kind) -> String {
    use crate::model::ground::figures::{cpu_figure, memory_figure};
    match (v, kind) {
        (None, _) => "-".into(),
        (Some(v), Kind::Cpu) => cpu_figure(v),
        (Some(v), Kind::Memory) => memory_figure(v),
    }
}

fn room_text(free: CpuMem) -> String {
    format!(
        "free cpu {} · memory {}",
        figure(free.cpu_millis, Kind::Cpu),
        figure(free.memory_bytes, Kind::Memory)
    )
}

/// What does not fit, whole-pod: "pod needs cpu 1.13 of 850m free". The free room alone
/// read as a contradiction beside a small change ("free cpu 850m" for +25m), since the whole
/// pod's requests must fit in it, not the change.
fn shortfall_text(needs: CpuMem, free: CpuMem) -> String {
    let short = |need: Option<i64>, have: Option<i64>| match (need, have) {
        (Some(n), Some(h)) if n > h => Some((n, h)),
        _ => None,
    };
    let mut parts = Vec::new();
    if let Some((n, h)) = short(needs.cpu_millis, free.cpu_millis) {
        let (n, h) = (figure(Some(n), Kind::Cpu), figure(Some(h), Kind::Cpu));
        parts.push(format!("cpu {n} of {h} free"));
    }
    if let Some((n, h)) = short(needs.memory_bytes, free.memory_bytes) {
        let (n, h) = (figure(Some(n), Kind::Memory), figure(Some(h), Kind::Memory));
        parts.push(format!("memory {n} of {h} free"));
    }
    format!("pod needs {}", parts.join(" · "))
}

fn outlook_lines<'a>(
    plan: &ResizePlan,
    pod: &PodRow,
    state: &AppState,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let qos_style = if plan.qos_after == plan.qos_before {
        theme.status_ok
    } else {
        theme.status_error
    };
    lines.push(Line::from(Span::styled(
        format!("QoS {} → {}", plan.qos_before, plan.qos_after),
        qos_style,
    )));
    if let Some(c) = pod.container(&plan.container) {
        let policy = |p: crate::model::pods::row::RestartPolicy| format!("{p:?}");
        lines.push(Line::from(format!(
            "resizePolicy cpu {} · memory {}",
            policy(c.policy.cpu),
            policy(c.policy.memory)
        )));
    }
    if plan.restarts {
        lines.push(Line::from(Span::styled(
            "⚠ RestartContainer: this change restarts the container",
            theme.resize_deferred,
        )));
    }
    let nodes = &state.cluster(pod.cluster).nodes;
    let node = pod.node.as_ref().and_then(|n| nodes.get(n));
    // A change the server refuses never reaches the node: no prediction beside the refusal.
    let refused = !plan.errors.is_empty();
    let prediction = match &plan.prediction {
        _ if refused => Span::styled(
            "prediction: none, the server would refuse this change".to_string(),
            theme.muted,
        ),
        Prediction::FitsNow => {
            Span::styled("prediction: fits the node now".to_string(), theme.status_ok)
        }
        Prediction::Deferred { free, needs } => Span::styled(
            format!(
                "prediction: will be Deferred ({}); m on the review: make room for it",
                shortfall_text(*needs, *free)
            ),
            theme.resize_deferred,
        ),
        Prediction::Infeasible { allocatable } => Span::styled(
            format!(
                "prediction: will be Infeasible (node allocatable cpu {} · memory {})",
                figure(allocatable.cpu_millis, Kind::Cpu),
                figure(allocatable.memory_bytes, Kind::Memory)
            ),
            theme.resize_infeasible,
        ),
        Prediction::Unknown => Span::styled(
            "prediction: unknown (node not known)".to_string(),
            theme.muted,
        ),
    };
    let mut line = vec![prediction];
    if let (Some(node), Prediction::FitsNow, false) = (node, &plan.prediction, refused) {
        let others = state.others_on_node(pod);
        let free = node.allocatable.minus(others);
        line.push(Span::styled(
            format!(" · node {}: {}", node.name, room_text(free)),
            theme.muted,
        ));
    }
    // Nothing typed yet: nothing to predict, and nothing refused (the "nothing to change"
    // line below says so); a prediction line here would read as a refusal.
    if plan.changed {
        lines.push(Line::from(line));
    }
    if let Some(caveat) = state.room_caveat(pod.cluster) {
        lines.push(Line::from(Span::styled(caveat, theme.resize_deferred)));
    }
    if let Some(owner) = pod.owner.as_ref().filter(|o| is_workload_owner(&o.kind)) {
        lines.push(Line::from(Span::styled(
            format!("note: {} {} still holds the old values in its template; a rollout or autoscaler can undo this", owner.kind, owner.name),
            theme.muted,
        )));
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(editor) = &state.editor else { return };
    let Some(pod) = state.pods.get(&crate::model::pods::row::PodKey::new(
        editor.cluster,
        &editor.namespace,
        &editor.pod,
    )) else {
        return;
    };
    let Some(container) = pod.container(&editor.container) else {
        return;
    };
    let plan = editor.plan.as_ref();
    let mut lines = field_lines(editor, container, plan, theme);
    if let Some(note) = &editor.recommendation_note {
        lines.push(Line::from(Span::styled(note.clone(), theme.accent)));
    }
    if let Some(warning) = state
        .cluster(pod.cluster)
        .vpas
        .editor_warning(pod, &editor.container)
    {
        lines.push(Line::from(Span::styled(warning, theme.stale_warning)));
    }
    // The preflight's findings (old runtime, HPA, what could not be checked), near the top:
    // a small terminal cuts the body short from the bottom.
    for line in &editor.preflight {
        lines.push(Line::from(Span::styled(line.clone(), theme.stale_warning)));
    }
    lines.push(Line::from(""));
    if let Some(plan) = plan {
        lines.extend(outlook_lines(plan, pod, state, theme));
        for e in plan.errors.iter().filter(|e| e.field == Field::Whole) {
            lines.push(Line::from(Span::styled(
                e.message.clone(),
                theme.status_error,
            )));
        }
    }
    lines.extend(super::editor_batch::batch_lines(editor, theme));
    if let Some(server) = &editor.server_error {
        lines.push(Line::from(Span::styled(
            format!("server: {server}"),
            theme.status_error,
        )));
    }
    let mut footer = footer_lines(editor, plan, theme);
    // Why Enter sent nothing stays in sight: the footer is never cut short.
    if let Some(why) = &editor.not_sent {
        footer.insert(0, Line::from(Span::styled(why.clone(), theme.status_error)));
    }
    let [columns] = Layout::horizontal([Constraint::Max(super::popup::WIDTH)])
        .flex(Flex::Center)
        .areas(area);
    let inner_width = columns.width.saturating_sub(2);
    // The footer (review patch and key hints) is laid out exactly and always shown; the body
    // above it gets the rows left and is the part cut short on a small terminal.
    let footer_rows = super::popup::rows(&footer, inner_width);
    let body_rows = super::popup::rows(&lines, inner_width);
    let height = body_rows
        .saturating_add(footer_rows)
        .saturating_add(2)
        .min(area.height);
    let title = format!(
        " resize {}/{} · {} ",
        editor.namespace, editor.pod, editor.container
    );
    let inner = super::popup::open(frame, area, height, title, theme);
    let [body, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(footer_rows)]).areas(inner);
    let lines = super::popup::cut_to(lines, inner_width, body.height, theme.muted);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), foot);
}

/// The review (the exact patch) and the key hints, below a blank row.
fn footer_lines<'a>(
    editor: &EditorState,
    plan: Option<&ResizePlan>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from("")];
    let hints: &[&str] = match (&editor.stage, plan) {
        (Stage::Confirm, Some(plan)) => {
            lines.push(Line::from(Span::styled(
                format!("patch (strategic merge) to {}:", plan.target_description()),
                theme.title,
            )));
            lines.push(Line::from(
                serde_json::to_string(&plan.patch).unwrap_or_default(),
            ));
            // The prediction above names `m` on the review: the review's hints say it too.
            if matches!(plan.prediction, Prediction::Deferred { .. }) && plan.is_sendable() {
                &["Enter send (dry run first) · m make room first · any other key back"]
            } else {
                &["Enter send (dry run first) · any other key back"]
            }
        }
        (Stage::Sending, _) => &["sending…"],
        _ => &[
            "quantity, +25%, x2, -100m, -64Mi · empty removes · ~ resets · r recommended",
            "Tab/Shift-Tab field · ←→ Home End ^U ^W edit · Enter review · Esc cancel",
        ],
    };
    lines.extend(
        hints
            .iter()
            .map(|h| Line::from(Span::styled(*h, theme.muted))),
    );
    lines
}
