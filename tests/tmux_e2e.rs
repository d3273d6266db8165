//! End-to-end: the real binary in tmux, driven by keys, read from the screen.
//! Skipped (with a printed reason) when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let socket = format!("podsize-e2e-{}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "45",
                "sh",
                "-c",
                command,
            ])
            .env("TERM", "xterm-256color")
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux started");
        Some(Self { socket })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", k])
                .status()
                .unwrap();
        }
    }

    fn literal(&self, text: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .status()
            .unwrap();
    }

    fn display(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display", "-p", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Table body lines (below the two header lines, the title and the two column-title lines).
fn body(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .skip(5)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

#[test]
fn demo_filter_sort_namespace_help_quit_restores_the_terminal() {
    let bin = env!("CARGO_BIN_EXE_podsize");
    let cmd = format!("{bin} demo --pods 40 --seed 7; echo EXIT=$?; stty -a; sleep 30");
    let Some(t) = Tmux::start(&cmd) else { return };

    let screen = t.wait_for("rows", |s| s.contains("● connected") && body(s).len() > 10);
    assert!(screen.contains("all namespaces"));
    assert_eq!(
        t.display("#{alternate_on}"),
        "1",
        "the dashboard uses the alternate screen"
    );

    // Filter.
    t.keys(&["/"]);
    t.literal("istio");
    t.keys(&["Enter"]);
    let screen = t.wait_for("filter applied", |s| s.contains("filter: istio"));
    let rows = body(&screen);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|l| l.contains("istio")),
        "only istio rows:\n{screen}"
    );
    t.keys(&["Escape"]);
    t.wait_for("filter cleared", |s| !s.contains("filter: istio"));

    // Sort.
    t.keys(&["s"]);
    t.wait_for("sorted by state", |s| s.contains("sort: resize state"));

    // Switch namespace.
    t.keys(&[":"]);
    t.literal("ns default");
    t.keys(&["Enter"]);
    let screen = t.wait_for("namespace switched", |s| {
        s.lines().next().is_some_and(|l| l.contains(" default ")) && !body(s).is_empty()
    });
    assert!(
        !screen.contains("NAMESPACE"),
        "the namespace column is hidden when scoped"
    );

    // Help.
    t.keys(&["?"]);
    t.wait_for("help", |s| {
        s.contains("cycle sort") && s.contains("any key closes")
    });
    t.keys(&["x"]);
    t.wait_for("help closed", |s| !s.contains("any key closes"));

    // Quit and check the terminal.
    t.keys(&["q"]);
    let screen = t.wait_for("exit", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(t.display("#{alternate_on}"), "0", "alternate screen left");
    let modes: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        modes.contains(&"icanon"),
        "canonical mode restored:\n{screen}"
    );
    assert!(modes.contains(&"echo"), "echo restored:\n{screen}");
}
