//! Drawing the app into a test terminal and reading the screen back as text.

use chrono::{DateTime, Utc};
use podsize::app::AppState;
use podsize::app::state::HeaderInfo;
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The fixed clock of screen tests.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_764_310_000, 0).unwrap_or_default()
}

/// The header of a 1.35 admin context on the simulated cluster.
pub fn admin_header() -> HeaderInfo {
    HeaderInfo {
        context: "sim-admin".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    }
}

pub fn render(s: &AppState, width: u16, height: u16, theme: &Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| podsize::ui::draw(f, s, now(), theme))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as lines of text, trailing spaces trimmed.
pub fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A wall display of two clusters, `sim-1` and `sim-2`, each with a pod in every state; the
/// last `down` of them reconnecting for `for_secs` after `error`.
pub fn wall_of_two(down: u16, error: &str, for_secs: i64) -> AppState {
    use podsize::app::{Action, update};
    use podsize::model::pods::events::{ClusterEvent, Connection, Scope};
    let headers = ["sim-1", "sim-2"]
        .iter()
        .map(|n| HeaderInfo {
            context: (*n).into(),
            ..admin_header()
        })
        .collect();
    let mut s = AppState::with_clusters(headers, Scope::default());
    for cluster in 0..2 {
        let event = ClusterEvent::pods_reset(super::every_state_rows());
        update(&mut s, Action::ClusterOf(cluster, event), now());
    }
    for cluster in 2 - down.min(2)..2 {
        let lost = Connection::Reconnecting {
            attempt: 3,
            error: error.into(),
            since: now() - chrono::TimeDelta::seconds(for_secs),
        };
        let event = ClusterEvent::Connection(lost);
        update(&mut s, Action::ClusterOf(cluster, event), now());
    }
    s.wall = Some(podsize::app::wall::Wall::new(
        chrono::TimeDelta::seconds(10),
        false,
        false,
    ));
    s.refresh_index();
    s
}
