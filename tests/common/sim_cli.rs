//! A simulated cluster with a kubeconfig in a tempdir, and the built `podsize` (or kubectl) run
//! against it over real HTTP: the set-up that the CLI tests used to repeat each on their own.

use simcluster::{SimCluster, SimConfig};
use std::path::PathBuf;
use std::process::Output;
use tempfile::TempDir;

/// Exit code and the two streams of one run, as text.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

impl Run {
    fn from_output(out: &Output) -> Self {
        Run {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Stdout as JSON; the panic shows what was printed.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.out)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.out, self.err))
    }
}

pub struct SimCli {
    pub sim: SimCluster,
    /// Holds the kubeconfig; also HOME of kubectl runs, so no cache of the developer's is used.
    pub dir: TempDir,
    pub kubeconfig: PathBuf,
    /// XDG_STATE_HOME of podsize runs: no state file of the developer's is touched.
    state: TempDir,
}

impl SimCli {
    pub async fn start(config: SimConfig) -> Self {
        let sim = SimCluster::start(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        sim.write_kubeconfig(&kubeconfig).unwrap();
        SimCli {
            sim,
            dir,
            kubeconfig,
            state: tempfile::tempdir().unwrap(),
        }
    }

    /// `podsize --kubeconfig <this cluster> ARGS`, not yet started (for concurrent runs).
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_podsize"));
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("XDG_STATE_HOME", self.state.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Run {
        Run::from_output(&self.command(args).output().await.unwrap())
    }

    /// Runs podsize and parses its stdout as JSON, whatever the exit code.
    pub async fn json(&self, args: &[&str]) -> (Run, serde_json::Value) {
        let run = self.run(args).await;
        let v = run.json();
        (run, v)
    }

    /// `kubectl --kubeconfig <this cluster> ARGS`, an independent client.
    pub async fn kubectl(&self, kubectl: &str, args: &[&str]) -> Run {
        let out = tokio::process::Command::new(kubectl)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .env("HOME", self.dir.path())
            .output()
            .await
            .unwrap();
        Run::from_output(&out)
    }
}
