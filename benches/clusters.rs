//! Several clusters against one of the same total size (issue #15): three simulated clusters
//! of 3,000 pods on one `podsize watch --all-contexts` against one cluster of 9,000 pods on
//! `podsize watch`. The issue asks that memory and CPU grow with the total number of pods,
//! not faster, so each fleet figure is printed next to its baseline figure and their ratio.
//!
//!     cargo bench --bench clusters
//!     PODSIZE_BENCH_RUNS=3 ...          # runs of each setup (default 5); medians are printed
//!     PODSIZE_BENCH_IDLE_SECS=30 ...    # idle CPU window after the load (default 10; 0 skips)
//!     PODSIZE_BENCH_PODS=9000 ...       # total pods (default 9,000), split over the fleet
//!     PODSIZE_BENCH_CLUSTERS=3 ...      # clusters of the fleet (default 3)
//!
//! Both setups are served by `podsize sim` processes started once, before the runs, and
//! podsize runs as the real binary in tmux, read-only (`watch`), as in benches/scale.rs.
//! Figures: time to the full table (the `initial list` line podsize logs once every cluster's
//! first list is done), CPU time (utime + stime) spent by then, RSS one second later and
//! peak RSS (VmHWM), then CPU over an idle window. No timing is asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "scale_support/sim_process.rs"]
mod sim_process;

use sim_process::{Sim, SimShape, median, proc_kib, start_sim};

const BIN: &str = env!("CARGO_BIN_EXE_podsize");
/// The allowance: the fleet may cost at most this many times the single cluster.
const TARGET: f64 = 1.2;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of a process, in seconds (USER_HZ = 100, so 10 ms steps).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    (field(11).unwrap_or(0.0) + field(12).unwrap_or(0.0)) / 100.0
}

/// The `pods=` and `elapsed_ms=` (in seconds) of the log's `initial list` line.
fn initial_list(log: &str) -> Option<(u64, f64)> {
    let line = log.lines().find(|l| l.contains("initial list"))?;
    let value = |key: &str| {
        line.split(key)
            .nth(1)
            .and_then(|v| v.split_whitespace().next())
            .map(|v| v.trim_matches('"').to_string())
    };
    let pods = value("pods=")?.parse().ok()?;
    let ms: f64 = value("elapsed_ms=")?.parse().ok()?;
    Some((pods, ms / 1e3))
}

/// One start of the dashboard and what it cost.
struct Load {
    pods: u64,
    full_table: f64,
    cpu_to_table: f64,
    rss_mib: f64,
    peak_mib: f64,
    /// Percent of one core over the idle window, if one was measured.
    idle_pct: Option<f64>,
}

fn pane_pid(socket: &str) -> Option<String> {
    let out = Command::new("tmux")
        .args(["-L", socket, "list-panes", "-F", "#{pane_pid}"])
        .output()
        .ok()?;
    let pid = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!pid.is_empty()).then_some(pid)
}

/// Starts `podsize watch -A` (plus `extra`, e.g. `--all-contexts`) in tmux, waits for its
/// full table, reads memory a second later and CPU over `idle_secs`, then stops it.
fn load(sim: &Sim, extra: &[&str], tag: &str, idle_secs: u64, dir: &Path) -> Option<Load> {
    let tag = format!("{}-{tag}", std::process::id());
    let log = dir.join(format!("podsize-{tag}.log"));
    let socket = format!("podsize-bench-{tag}");
    // No page turns: the idle window should see only the clock and freshness ticks.
    let cmd = format!(
        "exec {BIN} --kubeconfig {} --log-file {} {} watch -A --page-interval 1h",
        sim.kubeconfig,
        log.display(),
        extra.join(" ")
    );
    let tmux = ["-L", &socket, "new-session", "-d", "-x", "200", "-y", "60"];
    Command::new("tmux").args(tmux).arg(&cmd).status().ok()?;
    let result = measure(&socket, &log, idle_secs);
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .status();
    if result.is_none() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(5).collect();
        println!("  no `initial list` within the deadline; last log lines: {tail:?}");
    }
    result
}

fn measure(socket: &str, log: &Path, idle_secs: u64) -> Option<Load> {
    let pid = pane_pid(socket)?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let (pods, full_table, cpu_to_table) = loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some((pods, t)) = initial_list(&text) {
            break (pods, t, cpu_seconds(&pid));
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    std::thread::sleep(Duration::from_secs(1));
    let rss_mib = proc_kib(&pid, "VmRSS:") as f64 / 1024.0;
    let peak_mib = proc_kib(&pid, "VmHWM:") as f64 / 1024.0;
    let idle_pct = (idle_secs > 0).then(|| {
        let before = cpu_seconds(&pid);
        std::thread::sleep(Duration::from_secs(idle_secs));
        (cpu_seconds(&pid) - before) / idle_secs as f64 * 100.0
    });
    Some(Load {
        pods,
        full_table,
        cpu_to_table,
        rss_mib,
        peak_mib,
        idle_pct,
    })
}

/// Prints one figure for both setups, their ratio and, for `target`, whether it is met.
fn row(what: &str, unit: &str, base: f64, fleet: f64, target: bool) {
    let ratio = if base > 0.0 { fleet / base } else { f64::NAN };
    let verdict = match (target, ratio <= TARGET) {
        (false, _) => "(no target)".to_string(),
        (true, true) => format!("(target ≤ {TARGET}×) ✓"),
        (true, false) => format!("(target ≤ {TARGET}×) ✗"),
    };
    println!("{what:34}{base:>9.3} {unit:4}{fleet:>9.3} {unit:4}{ratio:>7.2}×  {verdict}");
}

fn report(base: &[Load], fleet: &[Load]) {
    let pick = |loads: &[Load], f: fn(&Load) -> f64| median(loads.iter().map(f).collect());
    let both = |f: fn(&Load) -> f64| (pick(base, f), pick(fleet, f));
    println!(
        "\n{:34}{:>14}{:>14}{:>9}",
        "median of each setup's runs", "1 cluster", "fleet", "ratio"
    );
    let (b, f) = both(|l| l.pods as f64);
    println!("{:34}{b:>9.0}     {f:>9.0}", "pods in the table");
    let (b, f) = both(|l| l.full_table);
    row("start → full table", "s", b, f, false);
    let (b, f) = both(|l| l.cpu_to_table);
    row("CPU until the full table", "s", b, f, true);
    let (b, f) = both(|l| l.rss_mib);
    row("RSS 1 s after the full table", "MiB", b, f, true);
    let (b, f) = both(|l| l.peak_mib);
    row("peak RSS (VmHWM)", "MiB", b, f, true);
    if base.iter().chain(fleet).all(|l| l.idle_pct.is_some()) {
        let (b, f) = both(|l| l.idle_pct.unwrap_or(0.0));
        row("idle CPU after the load", "%", b, f, true);
    }
    println!(
        "target: the fleet shows the same total of pods, so each of its figures should be at most \
         {TARGET}× the single cluster's (the rest is per-cluster fixed cost: a client, TLS \
         session and watch stream each); CPU is in 10 ms ticks and idle CPU is % of one core"
    );
}

fn shape(clusters: usize, pods: usize) -> SimShape {
    SimShape {
        clusters,
        pods,
        realistic: false,
        metrics: true,
    }
}

fn main() {
    let runs = env_or("PODSIZE_BENCH_RUNS", 5).max(1) as usize;
    let idle_secs = env_or("PODSIZE_BENCH_IDLE_SECS", 10);
    let total = env_or("PODSIZE_BENCH_PODS", 9_000) as usize;
    let clusters = env_or("PODSIZE_BENCH_CLUSTERS", 3).clamp(2, 16) as usize;
    let loadavg = || {
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    println!(
        "podsize clusters benchmark — {} cores, load average {}; {runs} runs, idle window {idle_secs} s",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg()
    );
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("skipped: needs tmux");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let per = total / clusters;
    let single = start_sim(shape(1, total), dir.path());
    let fleet_sim = start_sim(shape(clusters, per), dir.path());
    println!("baseline: 1 cluster × {total} pods; fleet: {clusters} clusters × {per} pods");
    let (mut base, mut fleet) = (Vec::new(), Vec::new());
    // Alternating the setups spreads any change of load over both.
    for run in 0..runs {
        let (base_tag, fleet_tag) = (format!("base-{run}"), format!("fleet-{run}"));
        base.extend(load(&single, &[], &base_tag, idle_secs, dir.path()));
        let all = ["--all-contexts"];
        fleet.extend(load(&fleet_sim, &all, &fleet_tag, idle_secs, dir.path()));
        println!(
            "run {}: {} baseline and {} fleet loads so far",
            run + 1,
            base.len(),
            fleet.len()
        );
    }
    if base.is_empty() || fleet.is_empty() {
        println!("not reported: a setup never reached its full table (see above)");
    } else {
        report(&base, &fleet);
    }
    println!("load average at the end: {}", loadavg());
}
