//! podsize at cluster scale. Prints every figure next to its target (design.md §5).
//!
//!     cargo bench --bench scale                 # strategies at 10,000 / 50,000 pods
//!     PODSIZE_BENCH_HUGE=1 ...                  # and once at 150,000 pods
//!     PODSIZE_BENCH_PODS=10000 cargo bench --bench scale   # strategies at these sizes only
//!     PODSIZE_BENCH_SKIP_PLAIN=1 ...            # skip the plain-sim run with kubectl (1k, 10k)
//!     PODSIZE_BENCH_IDLE_SECS=60 ...            # idle window of the dashboard and `watch` (default 60; 0 skips)
//!     PODSIZE_BENCH_IDLE_PODS=10000 ...         # pods of the idle clusters (default 10000)
//!     PODSIZE_BENCH_BIN=/path/podsize ...       # measure idle on this build instead (before/after)
//!     PODSIZE_BENCH_SKIP_E2E=1 ...              # only the in-process figures and idle CPU
//!     PODSIZE_BENCH_SKIP_IN_PROCESS=1 ...       # skip the in-process figures
//!
//! The simulated cluster runs as a separate process (`podsize sim`); podsize runs as the real
//! binary for the end-to-end figures and in-process for frame, filter and event-rate figures.
//! Times are medians of several runs; ratios compare with curl (and kubectl) in the same run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "scale_support/idle.rs"]
mod idle;
#[path = "scale_support/sim_process.rs"]
mod sim_process;
#[path = "scale_support/strategies.rs"]
mod strategies;

use sim_process::{Sim, SimShape, median, proc_kib};

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use podsize::app::state::HeaderInfo;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};
use podsize::model::{PodRow, SlimPod};
use podsize::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_podsize");

fn start_sim(pods: usize, dir: &std::path::Path) -> Sim {
    start_sim_with(pods, dir, false)
}

/// `realistic`: the sim takes a real server's time per object (`podsize sim --realistic`).
fn start_sim_with(pods: usize, dir: &std::path::Path, realistic: bool) -> Sim {
    let shape = SimShape {
        clusters: 1,
        pods,
        realistic,
        metrics: true,
    };
    sim_process::start_sim(shape, dir)
}

/// Runs a command to completion; returns (seconds, peak RSS in KiB seen in /proc, success).
fn timed(cmd: &mut Command) -> (f64, u64, bool) {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (start.elapsed().as_secs_f64(), peak, status.success());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Starts the real dashboard in tmux; returns (seconds to a full table from process start,
/// RSS MiB one second later, peak RSS MiB).
fn dashboard_run(sim: &Sim, dir: &std::path::Path, run: usize) -> Option<(f64, f64, f64)> {
    let log = dir.join(format!("podsize-{}-{run}.log", sim.child.id()));
    let socket = format!("podsize-bench-{}-{run}", std::process::id());
    let cmd = format!(
        "exec {BIN} --kubeconfig {} --log-file {} -A",
        sim.kubeconfig,
        log.display()
    );
    Command::new("tmux")
        .args([
            "-L",
            &socket,
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "60",
            &cmd,
        ])
        .status()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let elapsed_ms = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(ms) = text
            .lines()
            .find(|l| l.contains("initial list"))
            .and_then(|l| l.split("elapsed_ms=").nth(1))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
        {
            break ms;
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_secs(1));
    let pid = String::from_utf8(
        Command::new("tmux")
            .args(["-L", &socket, "list-panes", "-F", "#{pane_pid}"])
            .output()
            .ok()?
            .stdout,
    )
    .ok()?;
    let pid = pid.trim();
    let (rss, peak) = (proc_kib(pid, "VmRSS:"), proc_kib(pid, "VmHWM:"));
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .status();
    Some((elapsed_ms / 1e3, rss as f64 / 1024.0, peak as f64 / 1024.0))
}

fn end_to_end(pods: usize, dir: &std::path::Path, runs: usize) {
    let sim = start_sim(pods, dir);
    println!("\n== {pods} pods (simulated cluster {}, HTTPS) ==", sim.url);
    let token = "podsize-admin-token";
    let (mut curl, mut table, mut rss, mut peak, mut get, mut kubectl) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        if have("curl") {
            let url = format!("{}/api/v1/pods", sim.url);
            let (t, _, ok) = timed(Command::new("curl").args([
                "-skf",
                "-o",
                "/dev/null",
                "-H",
                &format!("Authorization: Bearer {token}"),
                &url,
            ]));
            if ok {
                curl.push(t);
            }
        }
        if have("tmux")
            && let Some((t, r, p)) = dashboard_run(&sim, dir, run)
        {
            table.push(t);
            rss.push(r);
            peak.push(p);
        }
        let (t, _, ok) = timed(Command::new(BIN).args([
            "--kubeconfig",
            &sim.kubeconfig,
            "get",
            "-A",
            "-o",
            "json",
        ]));
        if ok {
            get.push(t);
        }
        if have("kubectl") && pods <= 10_000 {
            let (t, _, ok) = timed(Command::new("kubectl").args([
                "--kubeconfig",
                &sim.kubeconfig,
                "get",
                "pods",
                "-A",
                "-o",
                "json",
            ]));
            if ok {
                kubectl.push(t);
            }
        }
    }
    let floor = (!curl.is_empty()).then(|| median(curl));
    let ratio = |t: f64| floor.map_or(String::new(), |c| format!("  ×{:.2} curl", t / c));
    if let Some(c) = floor {
        println!("curl, full list, one request (floor):      {c:.3} s");
    }
    if !table.is_empty() {
        let t = median(table);
        println!(
            "podsize dashboard: start to full table:     {t:.3} s{}  (target ≤ 1.0× over TLS)",
            ratio(t)
        );
        let target = if pods >= 50_000 { 256.0 } else { 64.0 };
        println!(
            "podsize dashboard RSS after load / peak:    {:.1} / {:.1} MiB  (target ≤ {target} MiB)",
            median(rss),
            median(peak)
        );
    }
    if !get.is_empty() {
        let t = median(get);
        println!(
            "podsize get -A -o json (list+print):        {t:.3} s{}",
            ratio(t)
        );
    }
    if !kubectl.is_empty() {
        let k = median(kubectl);
        println!(
            "kubectl get pods -A -o json:                {k:.3} s{}",
            ratio(k)
        );
    }
}

/// Rows like a real cluster's, from the captured fixtures, with distinct names.
fn synthetic_rows(n: usize) -> Vec<PodRow> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pods");
    let templates: Vec<PodRow> = [
        "real-1.35-none.json",
        "real-1.35-deferred.json",
        "real-1.35-inprogress.json",
        "v1.35-sidecar.json",
        "real-1.35-infeasible.json",
    ]
    .iter()
    .map(|f| {
        let pod: SlimPod =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{f}")).unwrap()).unwrap();
        PodRow::from_slim(&pod)
    })
    .collect();
    (0..n)
        .map(|i| {
            let mut row = templates[i % templates.len()].clone();
            row.namespace = format!("team-{:02}", i % 20);
            row.name = format!("service-{}-{:05x}", i % 37, i);
            row.uid = format!("uid-{i}");
            row.node = Some(format!("node-{:03}", i % 250));
            row
        })
        .collect()
}

/// A key press; `\u{1b}` is Esc and `\u{8}` is Backspace.
fn key(state: &mut AppState, c: char) {
    let code = match c {
        '\u{1b}' => KeyCode::Esc,
        '\u{8}' => KeyCode::Backspace,
        c => KeyCode::Char(c),
    };
    update(
        state,
        Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Utc::now(),
    );
}

/// Milliseconds to apply one key and re-index, as the event loop does before a draw.
fn timed_key(state: &mut AppState, c: char) -> f64 {
    let start = Instant::now();
    key(state, c);
    state.refresh_index();
    start.elapsed().as_secs_f64() * 1e3
}

fn report_keys(what: &str, times: Vec<f64>) {
    let worst = times.iter().copied().fold(0.0, f64::max);
    println!(
        "{what:44}{:.2} ms median, {worst:.2} ms worst  (target ≤ 10 ms)",
        median(times)
    );
}

/// Typing a filter (each key narrows), deleting it (each key rebuilds), and typing while
/// watch events change the pods between keys.
fn filter_keystrokes(state: &mut AppState, rows: &[PodRow]) {
    // `/` builds the search keys (every pod's strings read once) for the keys after it.
    let open = timed_key(state, '/');
    println!("`/` opens the filter (builds search keys):   {open:.2} ms");
    let typed: Vec<f64> = "service-1".chars().map(|c| timed_key(state, c)).collect();
    report_keys("filter keystroke, typing (narrows):", typed);
    let deleted: Vec<f64> = (0..8).map(|_| timed_key(state, '\u{8}')).collect();
    report_keys("filter keystroke, backspace (rebuilds):", deleted);
    // A watch event between keys: the event loop re-indexes (and rebuilds the search keys)
    // when it draws the event, so the key after it narrows again.
    let (mut events, mut busy) = (Vec::new(), Vec::new());
    for (i, c) in "ervice-2".chars().enumerate() {
        let mut row = rows[i * 7919 % rows.len()].clone();
        row.restart_policy_never = !row.restart_policy_never;
        let start = Instant::now();
        update(
            state,
            Action::Cluster(ClusterEvent::PodApplied(Box::new(row))),
            Utc::now(),
        );
        state.refresh_index();
        events.push(start.elapsed().as_secs_f64() * 1e3);
        busy.push(timed_key(state, c));
    }
    println!(
        "re-index after a watch event, filter open:  {:.2} ms median  (not a keystroke)",
        median(events)
    );
    report_keys("filter keystroke after a watch event:", busy);
    key(state, '\u{1b}');
}

fn in_process(pods: usize) {
    println!("\n== in process, {pods} pods ==");
    let rows = synthetic_rows(pods);
    let header = HeaderInfo {
        context: "bench".into(),
        server_version: "v1.35.0".into(),
        minor: Some(35),
        resize_disabled: false,
        rbac_denied: None,
        readonly: false,
    };
    let mut state = AppState::new(header, Scope::default());
    update(
        &mut state,
        Action::Cluster(ClusterEvent::pods_reset(rows.clone())),
        Utc::now(),
    );
    let start = Instant::now();
    state.refresh_index();
    println!(
        "first index of {} rows:                     {:.2} ms",
        state.visible().len(),
        start.elapsed().as_secs_f64() * 1e3
    );

    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut frames = Vec::new();
    for i in 0..30 {
        state.select(i * 997);
        let now = Utc::now();
        let start = Instant::now();
        terminal
            .draw(|f| podsize::ui::draw(f, &state, now, &theme))
            .unwrap();
        frames.push(start.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "render one frame (200×60):                  {:.3} ms median  (target ≤ 2 ms)",
        median(frames)
    );

    filter_keystrokes(&mut state, &rows);

    // Watch events: every pod modified once, applied in bursts of 1,000 with one re-index each,
    // as the event loop does (drain, then draw).
    let events: Vec<ClusterEvent> = rows
        .into_iter()
        .map(|mut r| {
            r.restart_policy_never = !r.restart_policy_never;
            ClusterEvent::PodApplied(Box::new(r))
        })
        .collect();
    let n = events.len();
    let start = Instant::now();
    for (i, event) in events.into_iter().enumerate() {
        update(&mut state, Action::Cluster(event), Utc::now());
        if i % 1000 == 999 {
            state.refresh_index();
        }
    }
    state.refresh_index();
    let rate = n as f64 / start.elapsed().as_secs_f64();
    println!("watch events applied:                       {rate:.0} events/s  (target ≥ 20,000)");
}

fn sizes() -> Vec<usize> {
    let mut sizes: Vec<usize> = match std::env::var("PODSIZE_BENCH_PODS") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => vec![10_000, 50_000],
    };
    // Kubernetes' supported maximum per cluster: run it when asked, not every time.
    if std::env::var("PODSIZE_BENCH_HUGE").is_ok() && !sizes.contains(&150_000) {
        sizes.push(150_000);
    }
    sizes
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let sizes = sizes();
    let idle: u64 = std::env::var("PODSIZE_BENCH_IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    println!(
        "podsize scale benchmark — {} on {} cores, load average {}",
        Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    let idle_pods: usize = std::env::var("PODSIZE_BENCH_IDLE_PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Started first: their pods must be older than two minutes when the window opens.
    let idle_sims = (idle > 0).then(|| idle::start(idle_pods, dir.path()));
    if std::env::var("PODSIZE_BENCH_SKIP_E2E").is_err() {
        if std::env::var("PODSIZE_BENCH_SKIP_PLAIN").is_err() {
            for pods in [1_000, 10_000] {
                end_to_end(pods, dir.path(), 5);
            }
        }
        for &pods in &sizes {
            // Fewer runs at larger sizes; 150,000 pods once.
            let runs = [(10_000, 5), (50_000, 3)]
                .iter()
                .find(|(max, _)| pods <= *max)
                .map_or(1, |(_, runs)| *runs);
            strategies::run(pods, dir.path(), runs);
        }
    }
    if std::env::var("PODSIZE_BENCH_SKIP_IN_PROCESS").is_err() {
        in_process(50_000);
    }
    if let Some(sims) = &idle_sims {
        idle::measure(sims, dir.path(), idle);
    }
    println!(
        "load average at the end: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
