//! A tmux session per test, driven by keys and read from the screen.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(command: &str) -> Option<Self> {
        Self::start_sized(command, 160, 45)
    }

    pub fn start_sized(command: &str, width: u16, height: u16) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // One tmux server per test: tests run in parallel.
        let socket = format!("podsize-e2e-{}-{n}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
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

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", k])
                .status()
                .unwrap();
        }
    }

    /// Presses Escape alone and waits until `closed` holds on the screen, which it returns.
    /// An Escape read together with the key after it is Alt+key, so under load a key sent at
    /// once lands in the overlay that should have closed: the next key goes only after this.
    pub fn escape_until(&self, what: &str, closed: impl Fn(&str) -> bool) -> String {
        self.keys(&["Escape"]);
        self.wait_for(what, closed)
    }

    pub fn literal(&self, text: &str) {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .status()
            .unwrap();
    }

    /// Runs any tmux command on this session's server.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pid of the program started in the pane (the child of the pane's shell).
    pub fn program_pid(&self, name: &str) -> Option<String> {
        let shell = self.display("#{pane_pid}");
        let out = Command::new("pgrep")
            .args(["-P", &shell, name])
            .output()
            .ok()?;
        let pid = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()?
            .trim()
            .to_string();
        (!pid.is_empty()).then_some(pid)
    }

    pub fn display(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display", "-p", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for_within(what, Duration::from_secs(30), pred)
    }

    pub fn wait_for_within(
        &self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                // A capture can land in the middle of a frame (the first lines new, the rest
                // not yet written): look again a moment later so callers assert on a whole
                // one. What was shown only for a moment (a status message) is still returned.
                std::thread::sleep(Duration::from_millis(60));
                let settled = self.screen();
                return if pred(&settled) { settled } else { screen };
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
