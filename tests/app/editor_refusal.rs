//! The editor on a change the server will refuse (the walkthrough after issue #30): a sidecar
//! resize on a 1.31 server, or a change of a pod's QoS class, read "prediction: fits the node
//! now" next to the refusal. A refused change never reaches the node, so it gets no node
//! prediction, and the editor (and the boost form) says one thing.

use crate::common::keys::key_at;
use crate::common::{self, screen};
use crossterm::event::KeyCode;
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::ground::resources::CpuMem;
use podsize::model::pods::events::{ClusterEvent, NodeInfo, Scope};
use podsize::model::rules::plan::Prediction;
use podsize::theme::Theme;

/// `form` (`e` the editor, `b` the boost form) open on `container` of the fixture's pod, its
/// node roomy, `typed` in the first field; the screen at 120×40.
fn opened(
    minor: u32,
    fixture: &str,
    container: &str,
    form: char,
    typed: &str,
) -> (AppState, String) {
    let header = HeaderInfo {
        server_version: format!("v1.{minor}.0"),
        minor: Some(minor),
        ..screen::admin_header()
    };
    let mut s = AppState::new(header, Scope::default());
    let pod = common::fixture_row(fixture);
    let node = pod.node.clone().unwrap();
    let roomy = NodeInfo {
        name: node,
        allocatable: CpuMem {
            cpu_millis: Some(64_000),
            memory_bytes: Some(256 << 30),
        },
    };
    let events = [
        ClusterEvent::pods_reset([pod]),
        ClusterEvent::NodesReset(vec![roomy]),
    ];
    for event in events {
        update(&mut s, Action::Cluster(event), screen::now());
    }
    s.refresh_index();
    let row = s
        .visible()
        .iter()
        .position(|r| {
            s.row(r)
                .and_then(|(_, c)| c)
                .is_some_and(|c| c.name == container)
        })
        .unwrap();
    s.select(row);
    key_at(&mut s, KeyCode::Char(form), screen::now());
    for c in typed.chars() {
        key_at(&mut s, KeyCode::Char(c), screen::now());
    }
    let text = screen::text(&screen::render(&s, 120, 40, &Theme::default()));
    (s, text)
}

#[test]
fn a_refused_change_gets_no_prediction_that_it_fits() {
    let cases = [
        // A sidecar before 1.33.
        (
            31,
            "v1.35-sidecar.json",
            "log-shipper",
            "150m",
            "from Kubernetes 1.33",
        ),
        // A Guaranteed pod's request below its limit: Burstable, in 1.31's words.
        (
            31,
            "real-1.35-none.json",
            "admin-ui",
            "500m",
            "Pod QoS is immutable",
        ),
    ];
    for (minor, fixture, container, typed, refusal) in cases {
        let (s, screen) = opened(minor, fixture, container, 'e', typed);
        let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
        // The node has room: without the refusal this change would be predicted to fit.
        assert_eq!(plan.prediction, Prediction::FitsNow, "{screen}");
        assert!(!plan.errors.is_empty(), "{screen}");
        assert!(screen.contains(refusal), "{screen}");
        assert!(!screen.contains("fits the node"), "{screen}");
        assert!(
            screen.contains("prediction: none, the server would refuse this change"),
            "{screen}"
        );
    }
}

/// The boost form said the same two things of a boost the server refuses.
#[test]
fn a_refused_boost_gets_no_prediction_that_it_fits() {
    // Twice the CPU of a sidecar on 1.31, the form's default.
    let (s, screen) = opened(31, "v1.35-sidecar.json", "log-shipper", 'b', "");
    let plan = s.boost_form.as_ref().unwrap().resize.clone().unwrap();
    assert_eq!(plan.prediction, Prediction::FitsNow, "{screen}");
    assert!(screen.contains("from Kubernetes 1.33"), "{screen}");
    assert!(!screen.contains("fits the node"), "{screen}");
    assert!(
        screen.contains("prediction: none, the server would refuse this change"),
        "{screen}"
    );
}

/// The first-minute walk (issue #30, second round): the editor just opened, nothing typed,
/// read "prediction: none, the server would refuse this change" above "nothing to change".
/// Nothing is refused; there is nothing to predict yet, and the screen says only that.
#[test]
fn an_editor_with_nothing_typed_predicts_nothing_and_claims_no_refusal() {
    let (s, screen) = opened(35, "real-1.35-resize-demo.json", "c1", 'e', "");
    let plan = s.editor.as_ref().unwrap().plan.clone().unwrap();
    assert!(!plan.changed, "{screen}");
    assert!(
        screen.contains("nothing to change: the values equal the desired ones"),
        "{screen}"
    );
    assert!(!screen.contains("refuse"), "{screen}");
    assert!(!screen.contains("prediction:"), "{screen}");
}

/// The first-minute walk: the boost form answered a slip with `podsize boost`'s flag names
/// ("--cpu: \"x2+0.5m\" is not a quantity"), which the form has nowhere on screen. Its
/// refusals name its own fields, and send a lowering to the editor rather than the command.
#[test]
fn the_boost_form_names_its_own_fields_in_a_refusal() {
    for (typed, expected) in [
        ("lots", "CPU request: \"lots\" is not a quantity"),
        (
            "x1",
            "does not raise the request; lower it in the editor (e)",
        ),
        ("200.5m", "CPU request: \"200.5m\" is finer than 1m"),
    ] {
        let (mut s, _) = opened(35, "real-1.35-resize-demo.json", "c1", 'b', "");
        // The CPU field starts at the form's default, x2: clear it, then type.
        let default = s.boost_form.as_ref().unwrap().inputs[0].text().len();
        for _ in 0..default {
            key_at(&mut s, KeyCode::Backspace, screen::now());
        }
        for c in typed.chars() {
            key_at(&mut s, KeyCode::Char(c), screen::now());
        }
        let error = s
            .boost_form
            .as_ref()
            .unwrap()
            .error
            .clone()
            .unwrap_or_default();
        assert!(error.contains(expected), "{typed}: {error}");
        assert!(
            !error.contains("--cpu") && !error.contains("podsize resize"),
            "{error}"
        );
        let text = screen::text(&screen::render(&s, 120, 40, &Theme::default()));
        assert!(text.contains(expected), "{text}");
    }
}
