//! `podsize sim` as a child process, for the tests of the command itself: started, read up to
//! the line that says its kubeconfig is written, and killed when the test ends, passed or not.
//! kubectl, the independent client, is run against the kubeconfig it wrote.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub const KUBECTL: &str = "/usr/bin/kubectl";

/// A running `podsize sim`; killed on drop.
pub struct SimProcess {
    child: Child,
    /// Its stdout up to and including the `kubeconfig written to` line.
    pub lines: Vec<String>,
}

impl SimProcess {
    /// `podsize ARGS` (ARGS begin with `sim`), with its state under `state`.
    pub fn start(args: &[&str], state: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_podsize"))
            .args(args)
            .env("XDG_STATE_HOME", state)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut sim = SimProcess {
            child,
            lines: Vec::new(),
        };
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            let done = line.starts_with("kubeconfig written to");
            sim.lines.push(line);
            if done {
                // Keep reading: a closed pipe would end the simulator at its next line.
                std::thread::spawn(move || lines.for_each(drop));
                return sim;
            }
        }
        panic!(
            "podsize sim ended before writing its kubeconfig: {:?}",
            sim.lines
        );
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `podsize sim ARGS --kubeconfig-out DIR/kubeconfig`: the process and the kubeconfig's path.
pub fn start_sim(dir: &Path, args: &[&str]) -> (SimProcess, String) {
    let kubeconfig = dir.join("kubeconfig").to_str().unwrap().to_string();
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    all.extend(["--kubeconfig-out", &kubeconfig]);
    (SimProcess::start(&all, dir), kubeconfig)
}

/// `kubectl --kubeconfig KUBECONFIG ARGS`, its HOME beside the kubeconfig so no cache of the
/// developer's is used.
pub fn kubectl(kubeconfig: &Path, args: &[&str]) -> Output {
    Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("HOME", kubeconfig.parent().unwrap())
        .output()
        .unwrap()
}
