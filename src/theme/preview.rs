//! Sample lines that show a theme at a glance, for `podsize themes`.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::ansi::{line_to_ansi, line_to_plain};
use super::builtin::builtin_names;
use super::resolve::{Source, resolve};
use super::slots::Theme;

/// A few styled lines covering the slots a user notices first: the header,
/// a table with a selected, a marked and a changed row, every resize state,
/// and the banners and form fields.
pub fn preview_lines(theme: &Theme) -> Vec<Line<'static>> {
    vec![
        header_line(theme),
        Line::from(span(
            " NAMESPACE  POD           CPU     MEMORY  ",
            theme.column_header,
        )),
        Line::from(span(
            " shop       cart-5c1a     250m    512Mi   ",
            theme.selected,
        )),
        diff_line(theme),
        Line::from(span(
            " shop       api-2b7e      100m    128Mi   ",
            theme.marked,
        )),
        states_line(theme),
        banners_line(theme),
        form_line(theme),
    ]
}

fn span(text: &'static str, style: Style) -> Span<'static> {
    Span::styled(text, style)
}

fn header_line(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        span(" podsize  ctx kind-dev  ns shop ", theme.header),
        span(" ", theme.base),
        span("Pods", theme.title),
        span(" | ", theme.border),
        span("42", theme.accent),
        span(" pods, 2m ago", theme.muted),
    ])
}

/// A normal row whose allocated CPU differs from the desired value.
fn diff_line(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        span(" shop       web-7d9f      ", theme.base),
        span("500m", theme.diff),
        span("    256Mi   ", theme.base),
        span("changed", theme.changed_recently),
    ])
}

/// Each resize state's name drawn in its own style.
fn states_line(theme: &Theme) -> Line<'static> {
    let states = [
        ("done", theme.resize_done),
        ("proposed", theme.resize_proposed),
        ("in-progress", theme.resize_in_progress),
        ("deferred", theme.resize_deferred),
        ("infeasible", theme.resize_infeasible),
        ("error", theme.resize_error),
        ("unsupported", theme.resize_unsupported),
        ("stuck", theme.resize_stuck),
    ];
    let mut spans = vec![span(" ", theme.base)];
    for (name, style) in states {
        spans.push(span(name, style));
        spans.push(span(" ", theme.base));
    }
    Line::from(spans)
}

fn banners_line(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        span(" ", theme.base),
        span(" READ-ONLY ", theme.readonly_banner),
        span(" ", theme.base),
        span(" stale 12s ", theme.stale_warning),
        span(" ", theme.base),
        span("resized web-7d9f", theme.status_ok),
        span(" ", theme.base),
        span("forbidden: pods/resize", theme.status_error),
    ])
}

fn form_line(theme: &Theme) -> Line<'static> {
    Line::from(vec![
        span(" ", theme.base),
        span(" cpu limit ", theme.popup),
        span(" 750m ", theme.input),
        span(" ", theme.popup),
        span(" 7x5m ", theme.input_invalid),
        span(" ", theme.popup),
    ])
}

/// Every shipped theme's name followed by its preview, indented, as text
/// for a plain terminal: ANSI colours, or no escapes at all when `no_color`.
pub fn render_theme_list(no_color: bool) -> String {
    let mut out = String::new();
    for name in builtin_names() {
        out.push_str(name);
        out.push('\n');
        match resolve(Source::Builtin(name)) {
            Ok(theme) => push_preview(&mut out, &theme, no_color),
            Err(err) => out.push_str(&format!("  (cannot load: {err})\n")),
        }
        out.push('\n');
    }
    out
}

fn push_preview(out: &mut String, theme: &Theme, no_color: bool) {
    for line in preview_lines(theme) {
        let text = if no_color {
            line_to_plain(&line)
        } else {
            line_to_ansi(&line)
        };
        out.push_str("  ");
        out.push_str(&text);
        out.push('\n');
    }
}
