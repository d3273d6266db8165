//! What podsize's tests need of a simulated cluster besides its test kit: a kubeconfig once a
//! pod runs, and the podsize binary run against it.
#![allow(dead_code)]

pub use simcluster::testkit::*;

/// Writes `sim`'s kubeconfig into a fresh temp dir: the dir, which must outlive the
/// kubeconfig's use, and the kubeconfig's path.
pub fn kubeconfig_of(sim: &simcluster::SimCluster) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    sim.write_kubeconfig(&path).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

/// `kubeconfig_of`, once `pod` (in `default`) runs.
pub async fn kubeconfig_when_running(
    sim: &simcluster::SimCluster,
    pod: &str,
) -> (tempfile::TempDir, String) {
    let written = kubeconfig_of(sim);
    eventually("running", || {
        let ok = sim.pod("default", pod).is_some_and(|p| running(&p));
        async move { ok.then_some(()) }
    })
    .await;
    written
}

/// Runs the podsize binary against `kubeconfig`: exit code, stdout, stderr.
pub async fn run_podsize(kubeconfig: &str, args: &[&str]) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_podsize"))
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The sim's pods as the dashboard's first list reads them.
pub async fn listed_rows(client: &kube::Client) -> Vec<podsize::model::PodRow> {
    use podsize::model::pods::events::{ClusterEvent, Scope};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    podsize::cluster::list::list_pods(client, &Scope::default(), &tx)
        .await
        .unwrap();
    drop(tx);
    let mut out = Vec::new();
    while let Some(event) = rx.recv().await {
        if let ClusterEvent::ListBatch(batch) = event {
            out.extend(batch);
        }
    }
    out
}

/// The first snapshot of the app's policy watch over the sim that `complete` accepts.
pub async fn policy_snapshot(
    client: &kube::Client,
    complete: impl Fn(&podsize::model::pods::cluster_policy::PolicySnapshot) -> bool,
) -> podsize::model::pods::cluster_policy::PolicySnapshot {
    use podsize::model::pods::events::{ClusterEvent, Scope};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(podsize::cluster::policy_watch::feed_app(
        client.clone(),
        Scope::default(),
        tx,
    ));
    let found = tokio::time::timeout(std::time::Duration::from_secs(15), async {
        while let Some(event) = rx.recv().await {
            if let ClusterEvent::Policy(snap) = event
                && complete(&snap)
            {
                return *snap;
            }
        }
        panic!("the policy watch ended");
    })
    .await
    .expect("a complete policy snapshot within 15 s");
    task.abort();
    found
}

/// The dashboard's state over the sim's pods and its first policy snapshot `complete` accepts.
pub async fn dashboard_with_policy(
    client: &kube::Client,
    complete: impl Fn(&podsize::model::pods::cluster_policy::PolicySnapshot) -> bool,
) -> podsize::app::AppState {
    use podsize::app::{Action, AppState, update};
    use podsize::model::pods::events::{ClusterEvent, Scope};
    let now = super::screen::now();
    let mut s = AppState::new(super::screen::admin_header(), Scope::default());
    let rows = listed_rows(client).await;
    update(&mut s, Action::Cluster(ClusterEvent::pods_reset(rows)), now);
    let snap = policy_snapshot(client, complete).await;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::Policy(Box::new(snap))),
        now,
    );
    s
}
