//! Details pane: everything about the selected pod's resize, in full sentences.

use super::cells::{state_style, state_text};
use crate::app::AppState;
use crate::model::ground::figures::{counted, cpu_figure, memory_figure};
use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::pods::row::ResourceField;
use crate::model::pods::row::RestartPolicy;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn opt(v: Option<i64>, f: fn(i64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

/// `42%` of a reference value, `-` when either is unknown.
fn percent(used: Option<i64>, of: Option<i64>) -> String {
    match (used, of) {
        (Some(u), Some(o)) if o > 0 => format!("{}%", u.saturating_mul(100) / o),
        _ => "-".into(),
    }
}

fn policy(p: RestartPolicy) -> &'static str {
    match p {
        RestartPolicy::NotRequired => "NotRequired",
        RestartPolicy::RestartContainer => "RestartContainer",
    }
}

/// `desired/allocated/actual` of one request and `desired/actual` of its limit.
fn triple(
    desired: Option<i64>,
    allocated: Option<Option<i64>>,
    actual: Option<Option<i64>>,
    f: fn(i64) -> String,
) -> String {
    let other = |v: Option<Option<i64>>| v.map_or("·".into(), |v| opt(v, f));
    format!("{}/{}/{}", opt(desired, f), other(allocated), other(actual))
}

/// A desired value as the server holds it (`100u`, `512M`), or the fallback field's (a missing
/// request is the limit's value); `-` when neither is set.
fn desired(
    c: &crate::model::ContainerRow,
    field: ResourceField,
    fallback: ResourceField,
) -> String {
    c.desired_text(field)
        .or_else(|| c.desired_text(fallback))
        .unwrap_or_else(|| "-".into())
}

/// The pod-level resources line (resize-api.md §1.3, §2.6): desired/allocated/actual requests,
/// desired/actual limits and the pod level's resize state.
fn pod_level_line<'a>(pod: &crate::model::PodRow, theme: &Theme) -> Option<Line<'a>> {
    let desired = pod.pod_resources?;
    let level = pod.pod_level.as_deref().cloned().unwrap_or_default();
    let req = desired.effective_requests();
    let (alloc, actual) = (level.allocated, level.actual);
    Some(Line::from(vec![
        Span::styled("pod level: ", theme.accent),
        Span::styled(state_text(&level.state), state_style(&level.state, theme)),
        Span::raw(format!(
            "  cpu req {} lim {}/{} · mem req {} lim {}/{} (desired/allocated/actual)",
            triple(
                req.cpu_millis,
                alloc.map(|a| a.cpu_millis),
                actual.map(|a| a.requests.cpu_millis),
                cpu_canonical
            ),
            opt(desired.limits.cpu_millis, cpu_canonical),
            actual.map_or("·".into(), |a| opt(a.limits.cpu_millis, cpu_canonical)),
            triple(
                req.memory_bytes,
                alloc.map(|a| a.memory_bytes),
                actual.map(|a| a.requests.memory_bytes),
                memory_canonical
            ),
            opt(desired.limits.memory_bytes, memory_canonical),
            actual.map_or("·".into(), |a| opt(
                a.limits.memory_bytes,
                memory_canonical
            )),
        )),
    ]))
}

/// What the server version allows for the pod level (resize-api.md §1.3).
fn pod_level_note(minor: Option<u32>) -> Option<&'static str> {
    match minor? {
        32..=34 => {
            Some("  pod-level resize refused: pods with pod-level resources cannot be resized")
        }
        35 => Some(
            "  pod-level resize needs the alpha gate InPlacePodLevelResourcesVerticalScaling; the server answers (podsize resize POD --pod-level)",
        ),
        m if m >= 36 => Some("  pod-level resize: podsize resize POD --pod-level --cpu-limit …"),
        _ => None,
    }
}

/// A text sparkline of the newest `width` values (▁ to █, scaled to their peak).
fn sparkline(values: &[u64], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let tail = &values[values.len().saturating_sub(width)..];
    let peak = tail.iter().copied().max().unwrap_or(0).max(1);
    tail.iter()
        .map(|v| BARS[usize::try_from(v * 7 / peak).unwrap_or(7).min(7)])
        .collect()
}

/// podsize's own readings of a container; always labelled with since when and how many, since
/// minutes are not weeks.
fn live_usage_line<'a>(
    state: &AppState,
    pod: &crate::model::PodRow,
    c: &crate::model::ContainerRow,
    theme: &Theme,
) -> Option<Line<'a>> {
    let rings = state.usage_history.get(&pod.pod_key())?;
    let (_, ring) = rings.iter().find(|(name, _)| *name == c.name)?;
    let since = ring.since();
    let usage = ring.usage(crate::app::rightsizing::PERCENTILE, since)?;
    Some(Line::from(Span::styled(
        format!(
            "  live since {} · {} · cpu p50 {} p95 {} peak {} {} · memory peak {}",
            since.format("%H:%M"),
            counted(
                usize::try_from(usage.samples).unwrap_or(usize::MAX),
                "sample",
                "samples"
            ),
            // Computed from readings: figures in the one form, not quantities to send.
            opt(usage.cpu_p50, cpu_figure),
            opt(usage.cpu_percentile, cpu_figure),
            opt(usage.cpu_peak, cpu_figure),
            sparkline(&ring.cpu_series(), 24),
            opt(usage.memory_peak, memory_figure),
        ),
        theme.muted,
    )))
}

/// The container's recommendation with its source and reason, as the REC column shows it.
fn recommendation_line<'a>(
    state: &AppState,
    pod: &crate::model::PodRow,
    c: &crate::model::ContainerRow,
    theme: &Theme,
) -> Option<Line<'a>> {
    use crate::model::decide::rightsizing::Direction;
    let key = pod.pod_key();
    let verdict = crate::app::rightsizing::verdict(state, &key, &c.name)?;
    // The table judges without words: the row on show is worded from the same figures.
    let rec = crate::app::rightsizing::explained(state, &key, &c.name)?;
    let confidence = if rec.source.low_confidence() {
        ", low confidence"
    } else {
        ""
    };
    let style = match (verdict.cpu, verdict.memory) {
        (Direction::Under, _) | (_, Direction::Under) => theme.under_requested,
        (Direction::Over, _) | (_, Direction::Over) => theme.over_requested,
        _ => theme.muted,
    };
    Some(Line::from(Span::styled(
        format!(
            "  recommendation ({}{confidence}): {}",
            rec.source.name(),
            rec.reason()
        ),
        style,
    )))
}

/// Why the pod's containers show `⊘ unsupported`: running, with no `resources` in their status,
/// their kubelet cannot resize in place, and the server refuses any resize of the pod
/// (resize-api.md §4.9). The table says only the state; this says which containers and why.
fn unsupported_line<'a>(pod: &crate::model::PodRow, theme: &Theme) -> Option<Line<'a>> {
    let names: Vec<&str> = (pod.containers.iter())
        .filter(|c| c.state == crate::model::ResizeState::Unsupported)
        .map(|c| c.name.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        Line::from(Span::styled(
            format!(
                "⊘ cannot be resized in place: its node's kubelet reports no resources for {} \
                 (no in-place resize there; the server refuses: Pod running on node without \
                 support for resize)",
                names.join(", ")
            ),
            theme.resize_unsupported,
        ))
    })
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(pod) = state.selected_pod() else {
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}/{}", pod.namespace, pod.name), theme.title),
        Span::raw(format!(
            "  phase {} · QoS {} · node {} · owner {}",
            pod.phase,
            pod.qos.map_or("-", |q| q.as_str()),
            pod.node.as_deref().unwrap_or("-"),
            pod.owner
                .as_ref()
                .map_or("-".into(), |o| format!("{}/{}", o.kind, o.name)),
        )),
    ])];
    // Why the pod cannot be resized, or why its resize waits or failed, before the lines that
    // are there for completeness: at 80×24 the pane shows a few rows and counts the rest.
    lines.extend(unsupported_line(pod, theme));
    if let Some(p) = &pod.resize.pending {
        lines.push(Line::from(Span::styled(
            format!("PodResizePending {}: {}", p.reason, p.message),
            if p.infeasible {
                theme.resize_infeasible
            } else {
                theme.resize_deferred
            },
        )));
    }
    if let Some(p) = &pod.resize.in_progress {
        let text = match &p.error {
            Some(e) => format!("PodResizeInProgress Error: {e}"),
            None => "PodResizeInProgress".to_string(),
        };
        let style = if p.error.is_some() {
            theme.resize_error
        } else {
            theme.resize_in_progress
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    if let Some(legacy) = &pod.resize.legacy {
        lines.push(Line::from(format!("status.resize: {legacy}")));
    }
    lines.push(Line::from(format!(
        "generation {} · observedGeneration {}",
        pod.generation.map_or("-".into(), |g| g.to_string()),
        pod.observed_generation
            .map_or("-".into(), |g| g.to_string()),
    )));
    let usage = state.usage.as_ref().and_then(|u| u.get(&pod.pod_key()));
    if let Some(line) = pod_level_line(pod, theme) {
        lines.push(line);
        if let Some(note) = pod_level_note(state.cluster(pod.cluster).header.minor) {
            lines.push(Line::from(Span::styled(note, theme.muted)));
        }
    }
    lines.extend(super::boost::details_line(pod, theme));
    for c in &pod.containers {
        let req = c.desired.effective_requests();
        let used = usage
            .and_then(|u| u.containers.iter().find(|(name, _)| *name == c.name))
            .map(|(_, u)| *u);
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", c.name), theme.accent),
            Span::styled(state_text(&c.state), state_style(&c.state, theme)),
            Span::raw(format!(
                "  cpu {}/{} mem {}/{} · policy cpu {} memory {} · restarts {}",
                desired(c, ResourceField::CpuRequest, ResourceField::CpuLimit),
                desired(c, ResourceField::CpuLimit, ResourceField::CpuLimit),
                desired(c, ResourceField::MemoryRequest, ResourceField::MemoryLimit),
                desired(c, ResourceField::MemoryLimit, ResourceField::MemoryLimit),
                policy(c.policy.cpu),
                policy(c.policy.memory),
                c.restart_count,
            )),
        ]));
        if let Some(used) = used {
            let (cpu, mem) = super::cells::usage_text(used.cpu_millis, used.memory_bytes);
            lines.push(Line::from(Span::styled(
                format!(
                    "  usage cpu {cpu} ({} of request, {} of limit) · memory {mem} ({} of request, {} of limit)",
                    percent(used.cpu_millis, req.cpu_millis),
                    percent(used.cpu_millis, c.desired.limits.cpu_millis),
                    percent(used.memory_bytes, req.memory_bytes),
                    percent(used.memory_bytes, c.desired.limits.memory_bytes),
                ),
                theme.muted,
            )));
        }
        if let Some(line) = live_usage_line(state, pod, c, theme) {
            lines.push(line);
        }
        if let Some(line) = recommendation_line(state, pod, c, theme) {
            lines.push(line);
        }
        for problem in &c.problems {
            lines.push(Line::from(Span::styled(
                format!("  ! {problem}"),
                theme.status_error,
            )));
        }
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border)
        .title(Span::styled(" details ", theme.title));
    // At 80×24 the pane has seven rows: what does not fit is counted, not cut off unsaid.
    let lines = super::popup::cut_to(
        lines,
        area.width,
        area.height.saturating_sub(1),
        theme.muted,
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .style(theme.base),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PodRow, SlimPod};

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn sparklines_scale_to_their_peak() {
        assert_eq!(sparkline(&[0, 50, 100], 24), "▁▄█");
        assert_eq!(sparkline(&[5; 40], 3), "███");
        assert_eq!(sparkline(&[], 10), "");
    }

    #[test]
    fn pod_level_line_shows_desired_allocated_actual_and_the_state() {
        let pod = serde_json::json!({
            "metadata": {"name": "p", "namespace": "ns", "generation": 2},
            "spec": {"resources": {"requests": {"cpu": "1", "memory": "1Gi"},
                                   "limits": {"cpu": "2", "memory": "2Gi"}},
                     "containers": [{"name": "c"}]},
            "status": {"observedGeneration": 2,
                       "allocatedResources": {"cpu": "500m", "memory": "1Gi"},
                       "resources": {"requests": {"cpu": "500m", "memory": "1Gi"},
                                     "limits": {"cpu": "1", "memory": "2Gi"}},
                       "containerStatuses": [{"name": "c", "state": {"running": {}},
                                              "resources": {}}]},
        });
        let row = PodRow::from_slim(&serde_json::from_value::<SlimPod>(pod).unwrap_or_default());
        let line = pod_level_line(&row, &Theme::default()).map(|l| text(&l));
        let line = line.unwrap_or_default();
        assert!(line.starts_with("pod level: "), "{line}");
        assert!(
            line.contains(&state_text(&crate::model::ResizeState::Submitted).to_string()),
            "{line}"
        );
        assert!(line.contains("cpu req 1/500m/500m lim 2/1"), "{line}");
        assert!(line.contains("mem req 1Gi/1Gi/1Gi lim 2Gi/2Gi"), "{line}");
        for minor in 32..=34 {
            assert!(
                pod_level_note(Some(minor))
                    .is_some_and(|n| n.contains("pods with pod-level resources cannot be resized"))
            );
        }
        assert!(pod_level_note(Some(35)).is_some_and(|n| n.contains("alpha gate")));
        let plain = PodRow::from_slim(&SlimPod::default());
        assert!(pod_level_line(&plain, &Theme::default()).is_none());
    }
}
