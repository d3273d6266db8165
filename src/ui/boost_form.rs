//! The `b` boost form popup: three fields, the plan (from → to, QoS, prediction, restart), the
//! exact patch once under review, and the keys.

use crate::app::AppState;
use crate::app::boost_form::{BoostForm, LABELS, Stage};
use crate::model::decide::boost::{Until, values_text};
use crate::model::rules::plan::Prediction;
use crate::theme::Theme;
use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

fn field_lines<'a>(form: &BoostForm, theme: &Theme) -> Vec<Line<'a>> {
    let hints = [
        "2 · +50% · x2 (limit scales alike)",
        "empty: unchanged",
        "ready or 5m / 90s",
    ];
    LABELS
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let marker = if i == form.focus { "▸ " } else { "  " };
            Line::from(vec![
                Span::styled(format!("{marker}{label:<15}"), theme.accent),
                Span::raw(format!("{:<12}", form.inputs[i].text())),
                Span::styled(format!("  {}", hints[i]), theme.muted),
            ])
        })
        .collect()
}

/// When the boost ends, in the local time a person reads from a clock: the time of day, with
/// the date when it is not today's.
fn local_time(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let (t, now) = (t.with_timezone(&Local), now.with_timezone(&Local));
    if t.date_naive() == now.date_naive() {
        t.format("%H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

fn plan_lines<'a>(form: &BoostForm, now: DateTime<Utc>, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(b) = &form.boost {
        lines.push(Line::from(format!("from {}", values_text(&b.original))));
        lines.push(Line::from(format!("to   {}", values_text(&b.boosted))));
        lines.push(Line::from(match b.until {
            Until::Ready => "back to the original values when the pod is Ready".to_string(),
            Until::Deadline(t) => {
                format!("back to the original values at {}", local_time(t, now))
            }
            Until::ReadyBy(t) => format!(
                "back to the original values when the pod is Ready, at the latest {}",
                local_time(t, now)
            ),
        }));
    }
    if let Some(r) = &form.resize {
        lines.push(Line::from(format!(
            "QoS {} → {}",
            r.qos_before, r.qos_after
        )));
        lines.push(Line::from(match &r.prediction {
            // A refused boost never reaches the node: no prediction beside the refusal.
            _ if !r.errors.is_empty() => "prediction: none, the server would refuse this change",
            Prediction::FitsNow => "prediction: fits the node now",
            Prediction::Deferred { .. } => "prediction: Deferred until room frees on the node",
            Prediction::Infeasible { .. } => "prediction: Infeasible (larger than the node)",
            Prediction::Unknown => "prediction: unknown",
        }));
        if r.restarts {
            lines.push(Line::from(Span::styled(
                "resizePolicy RestartContainer: the container restarts (on the boost and the revert)",
                theme.status_error,
            )));
        }
        for e in &r.errors {
            lines.push(Line::from(Span::styled(
                e.message.clone(),
                theme.status_error,
            )));
        }
    }
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(e.clone(), theme.status_error)));
    }
    for line in &form.preflight {
        lines.push(Line::from(Span::styled(line.clone(), theme.stale_warning)));
    }
    lines
}

fn footer<'a>(form: &BoostForm, theme: &Theme) -> Vec<Line<'a>> {
    match (&form.stage, &form.resize) {
        (Stage::Confirm, Some(r)) => vec![
            Line::from(Span::styled(
                format!(
                    "patch {}",
                    serde_json::to_string(&r.patch).unwrap_or_default()
                ),
                theme.accent,
            )),
            Line::from(
                "plan annotation podsize.dev/boost · Enter sends (dry run first) · any other key goes back",
            ),
        ],
        (Stage::Sending, _) => vec![Line::from("sending…")],
        _ => vec![Line::from(Span::styled(
            "Tab next field · Enter review · Esc cancel",
            theme.muted,
        ))],
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, now: DateTime<Utc>, theme: &Theme) {
    let Some(form) = &state.boost_form else {
        return;
    };
    let mut lines = field_lines(form, theme);
    lines.push(Line::from(""));
    lines.extend(plan_lines(form, now, theme));
    let mut keys = vec![Line::from("")];
    keys.extend(footer(form, theme));
    // The patch and the keys (how to send, how to go back) are always shown whole; the plan
    // above them is what a small screen cuts short.
    let inner_width = area.width.min(super::popup::WIDTH).saturating_sub(2);
    let keys_rows = super::popup::rows(&keys, inner_width);
    let height = super::popup::rows(&lines, inner_width)
        .saturating_add(keys_rows)
        .saturating_add(2);
    let title = format!(
        " boost {}/{} · {} ",
        form.namespace, form.pod, form.container
    );
    let inner = super::popup::open(frame, area, height, title, theme);
    let [body, foot] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(keys_rows)]).areas(inner);
    let lines = super::popup::cut_to(lines, inner_width, body.height, theme.muted);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(Paragraph::new(keys).wrap(Wrap { trim: false }), foot);
}
