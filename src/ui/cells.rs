//! Cell contents of the pod table: desired, allocated and actual side by side,
//! with values that differ from desired marked for highlighting.

use crate::model::ContainerRow;
use crate::model::ground::quantity::{cpu_human, memory_human};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::row::ResourceField;
use crate::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

#[derive(Clone, Copy)]
pub enum Resource {
    Cpu,
    Memory,
}

fn pick(values: CpuMem, resource: Resource) -> Option<i64> {
    match resource {
        Resource::Cpu => values.cpu_millis,
        Resource::Memory => values.memory_bytes,
    }
}

fn text(value: Option<i64>, resource: Resource) -> String {
    match (value, resource) {
        (None, _) => "-".into(),
        (Some(v), Resource::Cpu) => cpu_human(v),
        (Some(v), Resource::Memory) => memory_human(v),
    }
}

/// Usage as the table and the details pane both show it (`12m`, `68Mi`): one formatter, so
/// the two never disagree on units.
pub fn usage_text(cpu_millis: Option<i64>, memory_bytes: Option<i64>) -> (String, String) {
    use crate::model::ground::figures::{cpu_figure, memory_figure};
    (
        cpu_millis.map_or_else(|| "-".into(), cpu_figure),
        memory_bytes.map_or_else(|| "-".into(), memory_figure),
    )
}

/// One `spec│alloc│actual` cell; allocated and actual are highlighted where they differ from spec.
/// `width` is the width of each value.
pub fn side_by_side<'a>(
    desired: Option<i64>,
    others: &[Option<Option<i64>>],
    resource: Resource,
    width: usize,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![Span::raw(format!("{:>width$}", text(desired, resource)))];
    for other in others {
        spans.push(Span::styled("│", theme.border));
        // Outer None: the server does not report this value at all.
        let (shown, style) = match other {
            None => ("·".to_string(), theme.muted),
            Some(v) if *v != desired => (text(*v, resource), theme.diff),
            Some(v) => (text(*v, resource), Style::default()),
        };
        spans.push(Span::styled(format!("{shown:>width$}"), style));
    }
    Line::from(spans)
}

/// `spec│alloc│actual` requests of a container, or fewer of them on a narrow screen.
pub fn requests_cell<'a>(
    c: &ContainerRow,
    resource: Resource,
    figures: super::columns::Figures,
    theme: &Theme,
) -> Line<'a> {
    use super::columns::Figures;
    let width = match resource {
        Resource::Cpu => 5,
        Resource::Memory => 6,
    };
    let desired = pick(c.desired.effective_requests(), resource);
    let allocated = c.allocated.map(|a| pick(a, resource));
    let actual = c.actual.map(|a| pick(a.requests, resource));
    let others = match figures {
        Figures::Full => &[allocated, actual][..],
        Figures::SpecActual => &[actual][..],
        Figures::Spec => &[][..],
    };
    // The server's own text where podsize's figure would misstate it: `100u` is not `1m`.
    let field = match resource {
        Resource::Cpu => ResourceField::CpuRequest,
        Resource::Memory => ResourceField::MemoryRequest,
    };
    let server = c.server_text(field).map(str::to_string);
    with_server_text(
        side_by_side(desired, others, resource, width, theme),
        server,
        width,
    )
}

/// Puts `server` in place of the desired figure (the cell's first span) when it fits, and of
/// the allocated and actual figures that equal it, so equal values read the same.
fn with_server_text<'a>(mut line: Line<'a>, server: Option<String>, width: usize) -> Line<'a> {
    let Some(text) = server.filter(|t| t.chars().count() <= width) else {
        return line;
    };
    let Some(figure) = line.spans.first().map(|s| s.content.to_string()) else {
        return line;
    };
    for span in line.spans.iter_mut().filter(|s| s.content == figure) {
        span.content = format!("{text:>width$}").into();
    }
    line
}

/// `spec│actual` limits of a container.
pub fn limits_cell<'a>(c: &ContainerRow, resource: Resource, theme: &Theme) -> Line<'a> {
    let width = match resource {
        Resource::Cpu => 5,
        Resource::Memory => 6,
    };
    let desired = pick(c.desired.limits, resource);
    let actual = c.actual.map(|a: ResourceSpec| pick(a.limits, resource));
    let field = match resource {
        Resource::Cpu => ResourceField::CpuLimit,
        Resource::Memory => ResourceField::MemoryLimit,
    };
    with_server_text(
        side_by_side(desired, &[actual], resource, width, theme),
        c.server_text(field).map(str::to_string),
        width,
    )
}

/// A sum of limits: unbounded (`None`) as soon as one container has no limit, since that
/// container may use the whole node.
fn limit_sum(mut values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    values.try_fold(0i64, |sum, v| Some(sum.saturating_add(v?)))
}

fn limits_sum(specs: &[ResourceSpec]) -> CpuMem {
    CpuMem {
        cpu_millis: limit_sum(specs.iter().map(|s| s.limits.cpu_millis)),
        memory_bytes: limit_sum(specs.iter().map(|s| s.limits.memory_bytes)),
    }
}

fn requests_sum(requests: impl Iterator<Item = CpuMem>) -> CpuMem {
    requests.fold(CpuMem::default(), CpuMem::plus)
}

/// The CONTAINER cell of a pod's own row: the container's name when it has one, else a count
/// short enough for the column at 80 columns (`3 ctrs`, where `3 containers` read `3 contai…`).
fn pod_row_label(containers: &[ContainerRow]) -> String {
    match containers {
        [one] => crate::app::name_widths::container_label(one),
        [] => "0 ctrs".into(),
        many => format!("{} ctrs", many.len()),
    }
}

/// Sums over a pod's containers, for one-row-per-pod mode.
pub fn pod_totals(containers: &[ContainerRow]) -> ContainerRow {
    let desired: Vec<ResourceSpec> = containers.iter().map(|c| c.desired).collect();
    let reported: Vec<ResourceSpec> = containers.iter().filter_map(|c| c.actual).collect();
    let any_allocated = containers.iter().any(|c| c.allocated.is_some());
    ContainerRow {
        name: pod_row_label(containers),
        kind: crate::model::ContainerKind::Regular,
        desired: ResourceSpec {
            requests: requests_sum(desired.iter().map(ResourceSpec::effective_requests)),
            limits: limits_sum(&desired),
        },
        allocated: any_allocated
            .then(|| requests_sum(containers.iter().map(|c| c.allocated.unwrap_or_default()))),
        actual: (!reported.is_empty()).then(|| ResourceSpec {
            requests: requests_sum(reported.iter().map(|a| a.requests)),
            limits: limits_sum(&reported),
        }),
        policy: Default::default(),
        restart_count: containers
            .iter()
            .fold(0, |sum, c| sum.saturating_add(c.restart_count)),
        run_state: crate::model::pods::row::RunState::Running,
        state: crate::model::ResizeState::None,
        problems: Vec::new(),
        server_texts: None,
        oom_killed: false,
    }
}

/// The figures of a pod's own row (`p`): its pod-level `spec.resources` where it has them
/// (those bound the pod as a whole: the scheduler and the kubelet count them, not the
/// containers' sum), with the pod-level allocated and actual; else the containers' sums.
pub fn pod_figures(pod: &crate::model::PodRow) -> ContainerRow {
    let mut row = pod_totals(&pod.containers);
    if let Some(spec) = pod.pod_resources {
        let level = pod.pod_level.as_deref();
        row.name = "pod-level".into();
        row.desired = spec;
        row.allocated = level.and_then(|l| l.allocated);
        row.actual = level.and_then(|l| l.actual);
    }
    row
}

/// Style of a resize state.
pub fn state_style(state: &crate::model::ResizeState, theme: &Theme) -> Style {
    use crate::model::ResizeState as S;
    match state {
        S::None | S::Applied => theme.resize_done,
        S::NotStarted => theme.muted,
        S::Unsupported => theme.resize_unsupported,
        S::Submitted | S::Proposed => theme.resize_proposed,
        S::InProgress => theme.resize_in_progress,
        S::Deferred(_) => theme.resize_deferred,
        S::Infeasible(_) => theme.resize_infeasible,
        S::Error(_) | S::Unknown(_) => theme.resize_error,
    }
}

/// `‖ deferred: Node didn't have…` — the label plus the start of the message.
pub fn state_text(state: &crate::model::ResizeState) -> String {
    match state.message().filter(|m| !m.is_empty()) {
        Some(message) => format!("{}: {message}", state.label()),
        None => state.label().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_in_human_units_not_raw_ki() {
        let (cpu, mem) = usage_text(Some(12), Some(71_303_168));
        assert_eq!((cpu.as_str(), mem.as_str()), ("12m", "68Mi"));
        assert_eq!(usage_text(Some(1500), Some(102_400 * 1024)).1, "100Mi");
        assert_eq!(usage_text(None, None), ("-".to_string(), "-".to_string()));
    }

    fn container(requests: (i64, i64), limits: CpuMem) -> ContainerRow {
        let mut c = pod_totals(&[]);
        c.desired = ResourceSpec {
            requests: CpuMem {
                cpu_millis: Some(requests.0),
                memory_bytes: Some(requests.1),
            },
            limits,
        };
        c.actual = Some(c.desired);
        c
    }

    const NO_LIMITS: CpuMem = CpuMem {
        cpu_millis: None,
        memory_bytes: None,
    };

    #[test]
    fn a_container_without_a_limit_makes_the_pod_total_unbounded() {
        let bounded = CpuMem {
            cpu_millis: Some(200),
            memory_bytes: Some(256 << 20),
        };
        let total = pod_totals(&[
            container((350, 128 << 20), NO_LIMITS),
            container((200, 128 << 20), bounded),
        ]);
        assert_eq!(total.desired.requests.cpu_millis, Some(550));
        assert_eq!(
            total.desired.limits, NO_LIMITS,
            "not 200m under a 550m request"
        );
        assert_eq!(total.actual.unwrap().limits, NO_LIMITS);
        let both = pod_totals(&[
            container((100, 64 << 20), bounded),
            container((200, 64 << 20), bounded),
        ]);
        assert_eq!(both.desired.limits.cpu_millis, Some(400));
        assert_eq!(both.desired.limits.memory_bytes, Some(512 << 20));
    }

    #[test]
    fn one_container_is_named_and_several_are_counted_in_a_few_cells() {
        let mut one = container((1, 1), NO_LIMITS);
        one.name = "app".into();
        assert_eq!(pod_totals(std::slice::from_ref(&one)).name, "app");
        assert_eq!(pod_totals(&[one.clone(), one]).name, "2 ctrs");
    }
}
