//! Issue #30 points 3, 6 and 12 in the resize editor: values shown as the server holds them
//! (`100u`, `512M`), computed figures in the one form (`57.7Gi`, not `60514016Ki`), and input
//! that is refused with what was meant, under the field at fault, and said again on Enter.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::keys::{key_at, typed_at};
use crate::common::screen::now;
use crossterm::event::KeyCode;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, NodeInfo, Scope};
use podsize::model::rules::plan::Field;
use podsize::model::{PodRow, SlimPod};
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

/// Types `text` at the screen tests' fixed clock.
fn typed(s: &mut AppState, text: &str) {
    typed_at(s, text, now());
}

/// A running pod whose values are in forms podsize would not write itself, on a node whose
/// allocatable is no round number (as on a real node).
fn state() -> AppState {
    let resources = json!({
        "requests": {"cpu": "100u", "memory": "512M"},
        "limits": {"cpu": "1", "memory": "1G"}
    });
    let pod: SlimPod = serde_json::from_value(json!({
        "metadata": {"name": "odd", "namespace": "shop", "uid": "u-1", "generation": 1},
        "spec": {"nodeName": "node-1", "containers": [{"name": "app", "resources": resources}]},
        "status": {
            "phase": "Running", "qosClass": "Burstable", "observedGeneration": 1,
            "containerStatuses": [{
                "name": "app", "ready": true, "restartCount": 0,
                "state": {"running": {"startedAt": "2026-12-07T00:00:00Z"}},
                "allocatedResources": {"cpu": "100u", "memory": "512M"},
                "resources": resources
            }]
        }
    }))
    .unwrap();
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(vec![PodRow::from_slim(&pod)])),
        now(),
    );
    update(
        &mut s,
        Action::Cluster(ClusterEvent::NodesReset(vec![NodeInfo {
            name: "node-1".into(),
            allocatable: CpuMem {
                cpu_millis: Some(15_800),
                memory_bytes: Some(61_966_352_384),
            },
        }])),
        now(),
    );
    s.refresh_index();
    key_at(&mut s, KeyCode::Char('e'), now());
    assert!(s.editor.is_some(), "the editor opens");
    s
}

fn screen(s: &AppState, width: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, 40)).unwrap();
    terminal
        .draw(|f| podsize::ui::draw(f, s, now(), &Theme::default()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_fields_hold_the_servers_forms_and_a_relative_edit_comes_to_whole_millicores() {
    let mut s = state();
    let editor = s.editor.as_ref().unwrap();
    let inputs: Vec<&str> = editor.inputs.iter().map(|i| i.text()).collect();
    assert_eq!(inputs, ["100u", "1", "512M", "1G"]);
    let text = screen(&s, 120);
    assert!(text.contains("desired 100u"), "{text}");
    assert!(!text.contains("500000Ki"), "{text}");
    // Twice 100u is 200u, finer than Kubernetes allows (1m): the change comes to 1m, the
    // next whole millicore up, never below what was asked.
    typed(&mut s, "x2");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(plan.is_sendable(), "{:?}", plan.errors);
    assert_eq!(
        plan.patch["spec"]["containers"][0]["resources"]["requests"]["cpu"],
        "1m"
    );
    assert!(screen(&s, 120).contains("x2▏ → 1m "), "{}", screen(&s, 120));
}

#[test]
fn a_cpu_typed_finer_than_a_millicore_is_refused_under_the_field() {
    let mut s = state();
    typed(&mut s, "500u");
    let editor = s.editor.as_ref().unwrap();
    assert!(editor.plan.is_none(), "nothing planned from 500u");
    let error = editor.input_errors[0].clone().unwrap_or_default();
    assert!(error.contains("finer than 1m"), "{error}");
    let text = screen(&s, 120);
    assert!(
        text.contains(
            "\"500u\" is finer than 1m: cpu is set in whole millicores: did you mean 1m?"
        ),
        "{text}"
    );
}

#[test]
fn an_infeasible_prediction_reads_in_cores_and_binary_units() {
    let mut s = state();
    typed(&mut s, "20");
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "20");
    let text = screen(&s, 140);
    assert!(
        text.contains("node allocatable cpu 15.8 · memory 57.7Gi"),
        "{text}"
    );
    assert!(
        !text.contains("60514016Ki") && !text.contains("15800m"),
        "{text}"
    );
}

#[test]
fn a_unitless_memory_change_is_refused_with_what_was_meant() {
    let mut s = state();
    key_at(&mut s, KeyCode::Tab, now());
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "-1");
    let editor = s.editor.as_ref().unwrap();
    let error = editor.input_errors[2].clone().unwrap_or_default();
    assert!(
        error.contains("by 1 byte") && error.contains("-1Mi"),
        "{error}"
    );
    assert!(editor.plan.is_none(), "nothing planned from -1");
}

#[test]
fn a_word_is_refused_with_the_forms_accepted_and_enter_says_why_nothing_was_sent() {
    let mut s = state();
    typed(&mut s, "abc");
    let error = s.editor.as_ref().unwrap().input_errors[0].clone().unwrap();
    assert!(!error.contains("regular expression"), "{error}");
    assert!(error.contains("250m"), "{error}");
    key_at(&mut s, KeyCode::Enter, now());
    let editor = s.editor.as_ref().unwrap();
    assert_eq!(editor.stage, podsize::app::editor::Stage::Editing);
    let why = editor.not_sent.clone().unwrap_or_default();
    assert!(why.starts_with("not sent: CPU request: \"abc\""), "{why}");
    let text = screen(&s, 120);
    assert!(text.contains("not sent: CPU request"), "{text}");
    // The next edit clears it.
    key_at(&mut s, KeyCode::Backspace, now());
    assert!(s.editor.as_ref().unwrap().not_sent.is_none());
}

#[test]
fn a_limit_lowered_below_the_request_is_reported_under_the_limit() {
    let mut s = state();
    key_at(&mut s, KeyCode::Tab, now());
    key_at(&mut s, KeyCode::Tab, now());
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "256Mi");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    let error = plan
        .errors
        .iter()
        .find(|e| e.message.contains("less than or equal to memory limit"))
        .unwrap_or_else(|| panic!("{:?}", plan.errors));
    assert_eq!(error.field, Field::MemoryLimit, "{error:?}");
    // Raising the request above the limit is the request's fault.
    let mut s = state();
    key_at(&mut s, KeyCode::Tab, now());
    key_at(&mut s, KeyCode::Tab, now());
    typed(&mut s, "2Gi");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(
        plan.errors.iter().any(|e| e.field == Field::MemoryRequest),
        "{:?}",
        plan.errors
    );
}

#[test]
fn the_table_shows_the_servers_forms_not_rounded_figures() {
    let mut s = state();
    key_at(&mut s, KeyCode::Esc, now());
    assert!(s.editor.is_none());
    let text = screen(&s, 200);
    let row = text.lines().find(|l| l.contains("odd")).unwrap_or_default();
    assert!(row.contains("100u"), "{text}");
    assert!(row.contains("512M"), "{text}");
    assert!(!row.contains(" 1m") && !row.contains("488"), "{row}");
}
