//! The `b` boost form popup: three fields, the plan (from → to, QoS, prediction, restart), the
//! exact patch once under review, and the keys.

use crate::app::AppState;
use crate::app::boost_form::{BoostForm, LABELS, Stage};
use crate::model::decide::boost::{Until, values_text};
use crate::model::rules::plan::Prediction;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
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

fn plan_lines<'a>(form: &BoostForm, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(b) = &form.boost {
        lines.push(Line::from(format!("from {}", values_text(&b.original))));
        lines.push(Line::from(format!("to   {}", values_text(&b.boosted))));
        lines.push(Line::from(match b.until {
            Until::Ready => "back to the original values when the pod is Ready".to_string(),
            Until::Deadline(t) => format!("back to the original values at {}", t.to_rfc3339()),
            Until::ReadyBy(t) => format!(
                "back to the original values when the pod is Ready, at the latest {}",
                t.to_rfc3339()
            ),
        }));
    }
    if let Some(r) = &form.resize {
        lines.push(Line::from(format!(
            "QoS {} → {}",
            r.qos_before, r.qos_after
        )));
        lines.push(Line::from(match &r.prediction {
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

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(form) = &state.boost_form else {
        return;
    };
    let mut lines = field_lines(form, theme);
    lines.push(Line::from(""));
    lines.extend(plan_lines(form, theme));
    lines.push(Line::from(""));
    lines.extend(footer(form, theme));
    let height = u16::try_from(lines.len() + 4).unwrap_or(u16::MAX);
    let title = format!(
        " boost {}/{} · {} ",
        form.namespace, form.pod, form.container
    );
    let inner = super::popup::open(frame, area, height, title, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
