//! What a new user sees in the first minute at 80×24 and 60×20 (issue #30): help scrolls to its
//! end and says how, a key-hint line is at the foot, `?` works on the wall, and at 60 columns
//! every row still says which pod and container it is and its resize state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use simcluster::{SimCluster, SimConfig};

fn demo(width: u16, height: u16) -> Option<Tmux> {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} demo --pods 40 --seed 7; echo EXIT=$?; sleep 30");
    let t = Tmux::start_sized(&cmd, width, height)?;
    t.wait_for("rows", |s| {
        s.contains(" pods · sort:") && s.contains("✓ ok")
    });
    Some(t)
}

/// N of the help border's `↑ N lines above`.
fn lines_above(screen: &str) -> Option<usize> {
    let (before, _) = screen.split_once(" lines above")?;
    before.rsplit_once("↑ ")?.1.parse().ok()
}

#[test]
fn help_scrolls_to_its_end_at_80x24_and_60x20() {
    for (width, height) in [(80, 24), (60, 20)] {
        let Some(t) = demo(width, height) else { return };
        let screen = t.screen();
        let last = screen.lines().last().unwrap_or_default();
        assert!(last.starts_with(" e edit · Space mark"), "{screen}");
        t.keys(&["?"]);
        let help = t.wait_for("help", |s| s.contains("PgDn: more"));
        assert!(!help.contains("columns: spec = desired"), "{help}");
        for _ in 0..40 {
            t.keys(&["j"]);
        }
        let end = t.wait_for("the end of help", |s| s.contains("columns: spec = desired"));
        assert!(end.contains("lines above"), "{end}");
        // `k` moves at once, however far past the end `j` was pressed: one line fewer above.
        let above = lines_above(&end).unwrap_or_else(|| panic!("{end}"));
        t.keys(&["k"]);
        let moved = format!("↑ {} lines above", above - 1);
        t.wait_for_within("k to move", std::time::Duration::from_secs(5), |s| {
            s.contains(&moved)
        });
        t.keys(&["x"]);
        t.wait_for("help closed", |s| !s.contains("key closes"));
        t.keys(&["q"]);
        let screen = t.wait_for("exit", |s| s.contains("EXIT="));
        assert!(screen.contains("EXIT=0"), "{screen}");
    }
}

#[test]
fn at_80_columns_the_pod_row_says_its_containers_whole() {
    let Some(t) = demo(80, 24) else { return };
    t.keys(&["p"]);
    // `2 containers` read `2 contai…` in the CONTAINER column.
    let screen = t.wait_for("one row per pod", |s| {
        s.contains(" pods · sort:") && !s.contains(" rows · ")
    });
    assert!(!screen.contains("contai…"), "{screen}");
    assert!(screen.contains(" ctrs "), "{screen}");
}

#[test]
fn at_60_columns_every_row_names_its_pod_container_and_state() {
    let Some(t) = demo(60, 20) else { return };
    let screen = t.screen();
    let titles = screen.lines().nth(3).unwrap_or_default();
    for title in ["NAMESPACE", "POD", "CONTAINER", "RESIZE"] {
        assert!(titles.contains(title), "{title}:\n{screen}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn question_mark_opens_help_on_the_wall() {
    let sim = SimCluster::start(SimConfig {
        pods: 8,
        namespaces: 2,
        ..SimConfig::empty()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&kubeconfig).unwrap();
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!(
        "{bin} --kubeconfig {} watch -A; echo EXIT=$?; sleep 30",
        kubeconfig.display()
    );
    let Some(t) = Tmux::start_sized(&cmd, 80, 24) else {
        return;
    };
    t.wait_for("the wall", |s| {
        s.contains("READ-ONLY") && s.contains("page 1/")
    });
    t.keys(&["?"]);
    t.wait_for("help on the wall", |s| s.contains("next page now"));
    t.keys(&["x"]);
    t.wait_for("help closed", |s| !s.contains("next page now"));
    t.keys(&["q"]);
    let screen = t.wait_for("exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
}
