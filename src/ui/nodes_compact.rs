//! The node view below 160 columns: no bars, one figure per column, so a node's memory, pod
//! count and waiting resizes stay on screen at 80 columns instead of running off the edge;
//! below 78, only the free room of each resource, so at 60 columns too.

use super::nodes::{cpu, mem};
use crate::model::decide::node_room::NodeRoom;
use crate::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Inner widths below this get the compact line (the full one needs about 170).
pub const FULL_WIDTH: usize = 160;
/// Inner widths below this get only the free room (the compact line needs 78).
pub const NARROW_WIDTH: usize = 78;
const NAME: usize = 16;

/// `name` cut to `NAME` characters, its end marked.
fn short_name(name: &str) -> String {
    if name.chars().count() <= NAME {
        return name.to_string();
    }
    let kept: String = name.chars().take(NAME - 1).collect();
    format!("{kept}…")
}

pub fn heading(narrow: bool, theme: &Theme) -> Line<'static> {
    let text = match narrow {
        true => format!(
            "{:<17}{:>8}  {:>8}  {:>4}  WAITING",
            "NODE", "CPU free", "MEM free", "PODS"
        ),
        false => format!(
            "{:<17}{:<19}{:<24}{:>4}  WAITING",
            "NODE", "CPU req/alloc free", "MEMORY req/alloc free", "PODS"
        ),
    };
    Line::from(Span::styled(text, theme.column_header))
}

/// What the Deferred resizes here miss, only the resources they miss: `2: cpu 1.3`.
fn waiting(r: &NodeRoom) -> String {
    if r.pending.is_empty() {
        return "-".into();
    }
    let m = r.pending_missing();
    let mut parts = Vec::new();
    if m.cpu_millis.is_some_and(|v| v > 0) {
        parts.push(format!("cpu {}", cpu(m.cpu_millis)));
    }
    if m.memory_bytes.is_some_and(|v| v > 0) {
        parts.push(format!("mem {}", mem(m.memory_bytes)));
    }
    if parts.is_empty() {
        format!("{} (fit now)", r.pending.len())
    } else {
        format!("{}: {}", r.pending.len(), parts.join(" "))
    }
}

/// `requested/allocatable` then `free` of one resource, in `width` and `free_width`
/// characters; free room below zero in the Deferred colour.
fn resource<'a>(
    [requested, allocatable, free]: [String; 3],
    negative: bool,
    (width, free_width): (usize, usize),
    style: Style,
    theme: &Theme,
) -> [Span<'a>; 2] {
    let free_style = if negative {
        theme.resize_deferred
    } else {
        style
    };
    [
        Span::styled(format!("{requested:>width$}/{allocatable:<width$}"), style),
        Span::styled(format!("{free:>free_width$}  "), free_style),
    ]
}

pub fn line<'a>(r: &NodeRoom, selected: bool, narrow: bool, theme: &Theme) -> Line<'a> {
    let style = if selected {
        theme.selected
    } else {
        Style::default()
    };
    let negative = |free: Option<i64>| free.is_some_and(|f| f < 0);
    let cpu_figures = [
        r.requested.cpu_millis,
        r.allocatable.cpu_millis,
        r.free.cpu_millis,
    ]
    .map(cpu);
    let memory_figures = [
        r.requested.memory_bytes,
        r.allocatable.memory_bytes,
        r.free.memory_bytes,
    ]
    .map(mem);
    let mut spans = vec![Span::styled(format!("{:<17}", short_name(&r.name)), style)];
    if narrow {
        let free = |text: String, negative: bool| {
            let free_style = if negative {
                theme.resize_deferred
            } else {
                style
            };
            Span::styled(format!("{text:>8}  "), free_style)
        };
        let [.., cpu_free] = cpu_figures;
        let [.., memory_free] = memory_figures;
        spans.push(free(cpu_free, negative(r.free.cpu_millis)));
        spans.push(free(memory_free, negative(r.free.memory_bytes)));
    } else {
        spans.extend(resource(
            cpu_figures,
            negative(r.free.cpu_millis),
            (5, 6),
            style,
            theme,
        ));
        spans.extend(resource(
            memory_figures,
            negative(r.free.memory_bytes),
            (7, 7),
            style,
            theme,
        ));
    }
    spans.extend([
        Span::styled(
            format!("{:>w$}  ", r.pods, w = if narrow { 4 } else { 3 }),
            style,
        ),
        Span::styled(
            waiting(r),
            if r.pending.is_empty() {
                theme.muted
            } else {
                theme.resize_deferred
            },
        ),
    ]);
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decide::node_room::PendingDemand;
    use crate::model::ground::resources::CpuMem;

    fn cpu_mem(cpu: i64, mem_gi: i64) -> CpuMem {
        CpuMem {
            cpu_millis: Some(cpu),
            memory_bytes: Some(mem_gi << 30),
        }
    }

    #[test]
    fn a_node_reads_whole_in_78_columns() {
        let waiting = PendingDemand {
            namespace: "shop".into(),
            pod: "api-0".into(),
            priority: 0,
            message: "Node didn't have enough resource: cpu".into(),
            wants: cpu_mem(1_300, 0),
            missing: cpu_mem(1_300, 0),
        };
        let room = NodeRoom {
            name: "ip-10-0-113-207.eu-west-1.compute.internal".into(),
            allocatable: cpu_mem(4_000, 8),
            requested: cpu_mem(5_300, 4),
            usage: None,
            free: cpu_mem(-1_300, 4),
            pods: 14,
            pending: vec![waiting],
        };
        let text: String = line(&room, false, false, &Theme::default())
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(text.chars().count() <= 78, "{text:?}");
        for part in [
            "ip-10-0-113-207…",
            "5.3/4",
            "-1.3",
            "4Gi/8Gi",
            "14",
            "1: cpu 1.3",
        ] {
            assert!(text.contains(part), "{part:?} in {text:?}");
        }
        let head: String = heading(false, &Theme::default())
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(head.chars().count() <= 78, "{head:?}");
    }

    #[test]
    fn a_node_reads_whole_in_58_columns_by_its_free_room() {
        let room = NodeRoom {
            name: "sim-node-tight".into(),
            allocatable: cpu_mem(4_000, 8),
            requested: cpu_mem(5_300, 4),
            usage: None,
            free: cpu_mem(-1_300, 4),
            pods: 4,
            pending: Vec::new(),
        };
        let text = |l: Line| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        let wide = text(line(&room, false, false, &Theme::default()));
        assert!(wide.chars().count() > 58, "{wide:?}");
        let narrow = text(line(&room, false, true, &Theme::default()));
        assert_eq!(narrow, "sim-node-tight       -1.3       4Gi     4  -");
        let head = text(heading(true, &Theme::default()));
        assert_eq!(head, "NODE             CPU free  MEM free  PODS  WAITING");
    }
}
