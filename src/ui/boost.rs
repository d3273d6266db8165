//! How a timed boost shows: `⇡ boost 4m12s` / `⇡ boost until ready` ahead of the resize state
//! in the table and the wall, and the original values in the details pane.

use super::cells::{state_style, state_text};
use crate::model::PodRow;
use crate::model::ResizeState;
use crate::model::decide::boost::{BoostPlan, values_text};
use crate::model::ground::time::format_age;
use crate::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};

/// The boost on `pod` for `container` (any container when `None`, e.g. a pod-total row).
/// An annotation that cannot be read still shows, so nobody misses it.
/// `room` is the cell's width left for the badge: when the whole badge and a space would
/// not leave room for the state label, the short form says the same in fewer cells.
fn badge(pod: &PodRow, container: Option<&str>, now: DateTime<Utc>, room: u16) -> Option<String> {
    let text = pod.boost.as_deref()?;
    match BoostPlan::from_annotation(text) {
        Ok(plan) if container.is_none_or(|c| c == plan.container) => {
            let full = plan.badge(now);
            let fits = u16::try_from(full.chars().count()).is_ok_and(|w| w <= room);
            Some(if fits { full } else { plan.short_badge(now) })
        }
        Ok(_) => None,
        Err(_) => Some("⇡ boost ?".into()),
    }
}

/// The resize column's cell: the boost badge (if any), then the resize state.
pub fn resize_cell<'a>(
    pod: &PodRow,
    container: Option<&str>,
    state: &ResizeState,
    stuck: Option<chrono::TimeDelta>,
    width: u16,
    now: DateTime<Utc>,
    theme: &Theme,
) -> Line<'a> {
    let fit = super::table::fit;
    // A resize applying for longer than the threshold says so in its own cell (any resize, not
    // only those this podsize sent): `⧗ stuck 16m in progress`.
    let (text, style) = match stuck {
        Some(age) => (
            format!("⧗ stuck {} in progress", format_age(age)),
            theme.resize_stuck,
        ),
        None => (state_text(state), state_style(state, theme)),
    };
    let label = u16::try_from(state.label().chars().count()).unwrap_or(width);
    match badge(pod, container, now, width.saturating_sub(label + 1)) {
        Some(b) => {
            // The badge first: it says why the values are what they are; the state gets the rest.
            let rest = width.saturating_sub(u16::try_from(b.chars().count() + 1).unwrap_or(width));
            Line::from(vec![
                Span::styled(fit(&b, width), theme.resize_in_progress),
                Span::raw(" "),
                Span::styled(fit(&text, rest), style),
            ])
        }
        None => Line::from(Span::styled(fit(&text, width), style)),
    }
}

/// The details pane's boost line: original and boosted values, who started it, or why the
/// annotation cannot be read.
pub fn details_line<'a>(pod: &PodRow, theme: &Theme) -> Option<Line<'a>> {
    let text = pod.boost.as_deref()?;
    let line = match BoostPlan::from_annotation(text) {
        Ok(plan) => format!(
            "⇡ boost {} on {} · original {} · boosted {} · by {}",
            match plan.until {
                crate::model::decide::boost::Until::Ready => "until ready".to_string(),
                crate::model::decide::boost::Until::Deadline(t) =>
                    format!("until {}", t.to_rfc3339()),
                crate::model::decide::boost::Until::ReadyBy(t) =>
                    format!("until ready, at the latest {}", t.to_rfc3339()),
            },
            plan.container,
            values_text(&plan.original),
            values_text(&plan.boosted),
            plan.started_by
        ),
        Err(e) => format!("⇡ boost: {e}"),
    };
    Some(Line::from(Span::styled(line, theme.accent)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decide::boost::Until;

    fn pod_with(plan: Option<&BoostPlan>) -> PodRow {
        let text = include_str!("../../tests/fixtures/pods/real-1.35-resize-demo.json");
        let slim: crate::model::SlimPod = serde_json::from_str(text).unwrap_or_default();
        let mut pod = PodRow::from_slim(&slim);
        pod.boost = plan.map(BoostPlan::to_annotation);
        pod
    }

    fn plan(until: Until) -> BoostPlan {
        BoostPlan {
            container: "c1".into(),
            uid: String::new(),
            original: Default::default(),
            original_exact: Default::default(),
            boosted: Default::default(),
            until,
            started_at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            started_by: "me".into(),
            claim: None,
        }
    }

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_badge_is_on_the_boosted_container_only() {
        let theme = Theme::default();
        let now = DateTime::from_timestamp(100, 0).unwrap_or_default();
        let p = pod_with(Some(&plan(Until::Deadline(
            now + chrono::TimeDelta::seconds(90),
        ))));
        let cell = resize_cell(&p, Some("c1"), &ResizeState::None, None, 60, now, &theme);
        assert!(text(&cell).starts_with("⇡ boost 1m30s "), "{}", text(&cell));
        let other = resize_cell(&p, Some("c2"), &ResizeState::None, None, 60, now, &theme);
        assert!(!text(&other).contains("boost"));
        let ready = pod_with(Some(&plan(Until::Ready)));
        let total = resize_cell(&ready, None, &ResizeState::None, None, 60, now, &theme);
        assert!(text(&total).starts_with("⇡ boost until ready"));
        // A narrow cell keeps the state label whole beside the short badge.
        let narrow = resize_cell(&ready, None, &ResizeState::None, None, 18, now, &theme);
        assert_eq!(text(&narrow), "⇡ until ready ✓ ok");
        let narrow = resize_cell(&p, Some("c1"), &ResizeState::None, None, 16, now, &theme);
        assert_eq!(text(&narrow), "⇡ 1m30s ✓ ok");
        let plain = resize_cell(
            &pod_with(None),
            Some("c1"),
            &ResizeState::None,
            None,
            60,
            now,
            &theme,
        );
        assert!(!text(&plain).contains("boost"));
    }

    #[test]
    fn a_foreign_annotation_shows_its_error() {
        let mut p = pod_with(None);
        p.boost = Some("{\"x\":1}".into());
        let line = details_line(&p, &Theme::default()).map(|l| text(&l));
        assert!(line.is_some_and(|l| l.contains("not a podsize boost plan")));
    }
}
