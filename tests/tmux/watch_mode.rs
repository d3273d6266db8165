//! The read-only wall display: nothing mutating ever leaves the process, staleness is
//! shown and recovered from, and long tables page by themselves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::sim_http as sim_common;

use common::tmux::Tmux;
use simcluster::{SimCluster, SimConfig};
use std::time::Duration;

struct Cluster {
    sim: SimCluster,
    _dir: tempfile::TempDir,
    kubeconfig: String,
}

async fn cluster(pods: usize) -> Cluster {
    let sim = SimCluster::start(SimConfig {
        pods,
        namespaces: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&path).unwrap();
    Cluster {
        sim,
        _dir: dir,
        kubeconfig: path.to_str().unwrap().to_string(),
    }
}

/// The view with nothing open that Escape closes: the dashboard's footer offers its first keys
/// (no prompt, node view or marks), the wall's says how to quit; no help, no details pane, and
/// the refusal of the last edit key cleared (Escape clears a message, the wall's too).
fn at_rest(screen: &str) -> bool {
    let footer = screen.lines().last().unwrap_or_default();
    (footer.contains("e edit · Space mark") || footer.contains("q quits"))
        && !screen.contains("┌ keys ")
        && !screen.contains(" details ─")
        && !screen.contains("editing is disabled")
}

/// Presses `e`, then Escape alone once the screen shows something for it to close or clear:
/// read with the key after it, an Escape is Alt+key and that key lands where it was not meant,
/// so the next key goes only when the screen is at rest again. `e` is refused with a message
/// wherever nothing else is open, so there is always something.
fn edit_then_escape(t: &Tmux) {
    t.keys(&["e"]);
    t.wait_for("something for Escape to close", |s| !at_rest(s));
    t.escape_until("the view at rest", at_rest);
}

/// Presses every kind of key, edit keys and a whole edit sequence included.
fn press_everything(t: &Tmux) {
    for k in [
        "e", "Enter", "Space", "Tab", "BTab", "Up", "Down", "PageDown", "PageUp", "Home", "End",
    ] {
        t.keys(&[k]);
    }
    edit_then_escape(t);
    for text in [
        "abcdfghijklmnoprstuvwxyz",
        "ABCDEFGHIJKLMNOPRSTUVWXYZ",
        "0123456789",
        "/:?!@#$%^&*()-=+[]{};'\",.<>~",
    ] {
        t.literal(text);
        edit_then_escape(t);
    }
    // An attempted edit: open, type, review, send; each edit key is refused with the reason.
    t.keys(&["e"]);
    t.wait_for("the edit refused", |s| s.contains("editing is disabled"));
    t.literal("2");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("the edit refused", |s| s.contains("editing is disabled"));
    t.escape_until("the view at rest", at_rest);
    t.keys(&[" ", "e", "Enter", "Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    t.wait_for("the edit refused", |s| s.contains("editing is disabled"));
}

fn no_mutation(c: &Cluster, what: &str) {
    let log = c.sim.request_log();
    let mutating: Vec<_> = log.iter().filter(|r| r.method != "GET").collect();
    assert!(
        mutating.is_empty(),
        "{what}: mutating requests reached the server: {mutating:?}"
    );
    assert!(
        log.iter()
            .any(|r| r.method == "GET" && r.uri.contains("pods")),
        "{what}: the session did read pods"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_sessions_send_no_mutating_request() {
    let c = cluster(12).await;
    let bin = env!("CARGO_BIN_EXE_podsize");
    let runs = [
        (
            "viewer watch",
            format!(
                "{bin} --kubeconfig {} --context sim-viewer watch -A",
                c.kubeconfig
            ),
        ),
        (
            "admin --readonly dashboard",
            format!("{bin} --kubeconfig {} --readonly -A", c.kubeconfig),
        ),
        (
            "admin watch",
            format!("{bin} --kubeconfig {} watch -A", c.kubeconfig),
        ),
    ];
    for (what, cmd) in runs {
        c.sim.clear_request_log();
        let Some(t) = Tmux::start(&format!("{cmd}; echo EXIT=$?; sleep 30")) else {
            return;
        };
        t.wait_for("rows", |s| {
            s.contains("READ-ONLY") && s.contains(" pods · sort:") && s.contains("✓ ok")
        });
        press_everything(&t);
        // The dashboard quits with q once input modes are closed; the wall display with q too.
        t.escape_until("the view at rest", at_rest);
        t.keys(&["q"]);
        let screen = t.wait_for("exit", |s| s.contains("EXIT="));
        assert!(screen.contains("EXIT=0"), "{what}: {screen}");
        no_mutation(&c, what);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn staleness_banner_comes_and_goes_and_the_table_converges() {
    let c = cluster(8).await;
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!(
        "{bin} --kubeconfig {} watch -A; echo EXIT=$?; sleep 60",
        c.kubeconfig
    );
    let Some(t) = Tmux::start_sized(&cmd, 250, 70) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("PODS") && s.contains("sim-node"));
    c.sim.stop().await;
    t.wait_for("the stale banner", |s| {
        s.contains("DATA STALE FOR") && s.contains("reconnecting (attempt")
    });
    // Changes the display cannot see while the server is away.
    let gone = c.sim.pods()[0].clone();
    let (ns, name) = (
        gone.metadata.namespace.clone().unwrap(),
        gone.metadata.name.clone().unwrap(),
    );
    c.sim.delete_pod(&ns, &name);
    let mut newcomer = sim_common::resize_demo();
    newcomer.metadata.name = Some("arrived-while-away".into());
    c.sim.create_pod(newcomer).unwrap();
    c.sim.restart().await.unwrap();
    let want = c.sim.pods().len();
    let screen = t.wait_for_within("recovery", Duration::from_secs(60), |s| {
        !s.contains("DATA STALE") && s.contains("arrived-while-away") && !s.contains(&name)
    });
    // The PODS counter equals the server's pod count.
    let counter_line = screen
        .lines()
        .find(|l| l.contains("│") && l.trim_start().starts_with('│'))
        .unwrap();
    let first_count: usize = counter_line
        .split('│')
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(first_count, want, "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit", |s| s.contains("EXIT=0"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_table_pages_through_every_pod_unattended() {
    let c = cluster(300).await;
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!(
        "{bin} --kubeconfig {} watch -A --page-interval 1 --no-input; sleep 60",
        c.kubeconfig
    );
    let Some(t) = Tmux::start_sized(&cmd, 250, 70) else {
        return;
    };
    t.wait_for("rows", |s| s.contains("page 1/"));
    let mut seen = std::collections::BTreeSet::new();
    let mut pages_seen = std::collections::BTreeSet::new();
    let mut total_pages = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let screen = t.screen();
        if let Some(pos) = screen.find("page ") {
            let rest = &screen[pos + 5..];
            let frac: String = rest
                .chars()
                .take_while(|ch| ch.is_ascii_digit() || *ch == '/')
                .collect();
            if let Some((page, of)) = frac.split_once('/') {
                pages_seen.insert(page.parse::<usize>().unwrap_or(0));
                total_pages = of.parse().unwrap_or(0);
            }
        }
        for line in screen.lines() {
            for word in line.split_whitespace() {
                seen.insert(word.to_string());
            }
        }
        if total_pages > 1 && pages_seen.len() == total_pages {
            break;
        }
        std::thread::sleep(Duration::from_millis(40));
    }
    assert!(total_pages > 1, "300 pods need several pages");
    assert_eq!(
        pages_seen.len(),
        total_pages,
        "every page was shown: {pages_seen:?}"
    );
    // Every pod name (or the visible start of a long one) appeared on some page.
    for pod in c.sim.pods() {
        let name = pod.metadata.name.unwrap();
        let shown = seen.iter().any(|w| {
            name.starts_with(w.trim_start_matches('●').trim()) && w.len() >= 12.min(name.len())
        });
        assert!(shown, "{name} never shown");
    }
    // --no-input: q does nothing, Ctrl-C quits.
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(t.screen().contains("page "), "q is ignored with --no-input");
}

/// A wall state over `per_ns` copies of a fixture row in each of namespaces a, b, c.
fn wall_state(rotate: bool, per_ns: usize) -> podsize::app::AppState {
    use podsize::app::state::HeaderInfo;
    use podsize::app::{Action, AppState, update};
    use podsize::model::pods::events::{ClusterEvent, Scope};
    let template = common::every_state_rows().remove(0);
    let mut rows = Vec::new();
    for ns in ["a", "b", "c"] {
        for i in 0..per_ns {
            let mut row = template.clone();
            row.namespace = ns.into();
            row.name = format!("pod-{i}");
            rows.push(row);
        }
    }
    let mut s = AppState::new(HeaderInfo::default(), Scope::default());
    s.wall = Some(podsize::app::wall::Wall::new(
        chrono::TimeDelta::seconds(10),
        rotate,
        false,
    ));
    s.per_pod = true;
    s.page_rows = 2;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(rows)),
        chrono::Utc::now(),
    );
    s.refresh_index();
    s
}

fn visible_namespaces(s: &podsize::app::AppState) -> Vec<String> {
    let mut out: Vec<String> = s
        .visible()
        .iter()
        .map(|r| r.pod.namespace.clone())
        .collect();
    out.dedup();
    out
}

#[test]
fn rotation_shows_one_namespace_from_the_start() {
    use podsize::app::{Action, update};
    let mut s = wall_state(true, 3);
    assert_eq!(visible_namespaces(&s), ["a"], "not every namespace first");
    // Two pages of namespace a (3 pods, 2 per page), then namespace b.
    let t0 = chrono::Utc::now();
    update(&mut s, Action::Tick, t0);
    for step in 1..=2 {
        update(
            &mut s,
            Action::Tick,
            t0 + chrono::TimeDelta::seconds(10 * step),
        );
    }
    s.refresh_index();
    assert_eq!(visible_namespaces(&s), ["b"]);
}

#[test]
fn page_keys_turn_pages_on_the_wall() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use podsize::app::{Action, update};
    let mut s = wall_state(false, 3);
    let press = |s: &mut podsize::app::AppState, code| {
        update(
            s,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            chrono::Utc::now(),
        );
    };
    press(&mut s, KeyCode::PageDown);
    assert_eq!(s.wall.as_ref().unwrap().page, 1);
    press(&mut s, KeyCode::PageUp);
    press(&mut s, KeyCode::PageUp);
    assert_eq!(
        s.wall.as_ref().unwrap().page,
        4,
        "9 rows, 2 a page: wraps to page 5"
    );
}
