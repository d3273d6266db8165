//! `:ctx all` and `--all-contexts` in the dashboard over one sim whose kubeconfig has two
//! contexts (`sim-admin`, `sim-viewer`: one server, two users): the walk of issue #30 saw
//! `120 pods … sim-admin ● sim-viewer ●` where kubectl counts 60. One cluster, shown once,
//! and the status line says which context was folded into which.

use crate::common::sim_cli::SimCli;
use crate::common::tmux::Tmux;
use simcluster::SimConfig;

const FOLDED: &str = "sim-viewer is the same cluster as sim-admin";

async fn sim() -> SimCli {
    SimCli::start(SimConfig {
        pods: 60,
        nodes: 3,
        namespaces: 3,
        ..SimConfig::empty()
    })
    .await
}

fn dashboard(s: &SimCli, args: &str) -> Option<Tmux> {
    let cmd = format!(
        "{} --kubeconfig {} -A {args}; echo EXIT=$?; sleep 30",
        env!("CARGO_BIN_EXE_podsize"),
        s.kubeconfig.display()
    );
    Tmux::start_sized(&cmd, 200, 50)
}

#[tokio::test(flavor = "multi_thread")]
async fn ctx_all_shows_a_cluster_with_two_contexts_once() {
    let s = sim().await;
    let Some(t) = dashboard(&s, "") else {
        return;
    };
    t.wait_for("the cluster live", |s| {
        s.contains(" 60 pods") && s.contains("● live")
    });
    t.keys(&[":"]);
    t.literal("ctx all");
    t.keys(&["Enter"]);
    let screen = t.wait_for("the folded context named", |s| s.contains(FOLDED));
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains(" 60 pods"), "{screen}");
    assert!(
        !screen.contains("120 pods") && !screen.contains("ctx sim-viewer"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn all_contexts_on_the_command_line_shows_it_once_too() {
    let s = sim().await;
    let Some(t) = dashboard(&s, "--all-contexts") else {
        return;
    };
    let screen = t.wait_for("the cluster live, the fold said", |s| {
        s.contains(" 60 pods") && s.contains("● live") && s.contains(FOLDED)
    });
    assert!(
        !screen.contains("120 pods") && !screen.contains("sim-viewer ●"),
        "{screen}"
    );
}
