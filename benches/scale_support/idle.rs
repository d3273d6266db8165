//! Idle CPU and memory (issue #30 point 15): the dashboard (`podsize -A`) and `podsize watch -A`,
//! each on a simulated cluster without metrics.k8s.io (like a real one with no metrics-server)
//! and on one that serves it, all pods older than two minutes so ages change once a minute.
//! Each podsize runs in its own tmux pane of 200×60; the sims are separate processes, so their
//! CPU is not counted. CPU is read from /proc/PID/stat (10 ms ticks) over the window.

use super::sim_process::{Sim, SimShape, proc_kib, start_sim};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The podsize measured: this build, or `PODSIZE_BENCH_BIN` (an earlier build, for a before
/// and after on the same machine and load). The sims are always this build's.
fn measured_bin() -> String {
    std::env::var("PODSIZE_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_podsize").into())
}

/// Pods are "young" (ages shown in seconds) for two minutes; the window starts after that.
const PODS_OLD_AFTER: Duration = Duration::from_secs(130);

/// The two clusters, started early so their pods age while the other figures are taken.
pub struct IdleSims {
    without_metrics: Sim,
    with_metrics: Sim,
    started: Instant,
    pods: usize,
}

pub fn start(pods: usize, dir: &Path) -> IdleSims {
    let shape = |metrics| SimShape {
        clusters: 1,
        pods,
        realistic: false,
        metrics,
    };
    IdleSims {
        without_metrics: start_sim(shape(false), dir),
        with_metrics: start_sim(shape(true), dir),
        started: Instant::now(),
        pods,
    }
}

/// One podsize on show in a detached tmux server of its own.
struct Pane {
    socket: String,
    pid: String,
    what: &'static str,
    metrics: bool,
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// Starts `podsize ARGS` against `sim` in a 200×60 pane; waits for its full table.
fn open(sim: &Sim, dir: &Path, what: &'static str, metrics: bool, args: &str) -> Option<Pane> {
    let tag = format!("{}-{}", what.replace(' ', "-"), metrics);
    let log = dir.join(format!("idle-{tag}.log"));
    let socket = format!("podsize-idle-{}-{tag}", std::process::id());
    let cmd = format!(
        "exec {} --kubeconfig {} --log-file {} {args}",
        measured_bin(),
        sim.kubeconfig,
        log.display()
    );
    let args = ["-L", &socket, "new-session", "-d", "-x", "200", "-y", "60"];
    Command::new("tmux").args(args).arg(&cmd).status().ok()?;
    let pid = String::from_utf8(
        Command::new("tmux")
            .args(["-L", &socket, "list-panes", "-F", "#{pane_pid}"])
            .output()
            .ok()?
            .stdout,
    )
    .ok()?
    .trim()
    .to_string();
    let pane = Pane {
        socket,
        pid,
        what,
        metrics,
    };
    let deadline = Instant::now() + Duration::from_secs(180);
    while !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("initial list")) {
        if Instant::now() > deadline {
            println!("{what}: no full table within 180 s; left out");
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(pane)
}

/// User plus system time of the whole process so far, in 10 ms ticks.
fn cpu_ticks(pid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which may hold spaces: state is field 3, utime 14.
    let fields: Vec<u64> = (stat.rsplit(')').next().unwrap_or(""))
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    fields.get(11).unwrap_or(&0) + fields.get(12).unwrap_or(&0)
}

/// Measures all four for `seconds` at once (idle processes do not compete for the cores).
pub fn measure(sims: &IdleSims, dir: &Path, seconds: u64) {
    let have_tmux = Command::new("tmux").arg("-V").output().is_ok();
    if !have_tmux {
        println!("\nidle CPU: skipped (tmux not installed)");
        return;
    }
    std::thread::sleep(PODS_OLD_AFTER.saturating_sub(sims.started.elapsed()));
    let dashboard = "-A";
    let watch = "watch -A --page-interval 1h";
    let panes: Vec<Pane> = [
        (&sims.without_metrics, "dashboard", false, dashboard),
        (&sims.without_metrics, "watch", false, watch),
        (&sims.with_metrics, "dashboard", true, dashboard),
        (&sims.with_metrics, "watch", true, watch),
    ]
    .into_iter()
    .filter_map(|(sim, what, metrics, args)| open(sim, dir, what, metrics, args))
    .collect();
    // The start-up's allocations settle and the usage histories reach their resident size:
    // with metrics, RSS climbs for about 90 s after the first list (seven readings) and then
    // holds, so the window opens after that and measures the steady state, not the climb.
    std::thread::sleep(Duration::from_secs(100));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let start: Vec<(u64, u64)> = (panes.iter())
        .map(|p| (cpu_ticks(&p.pid), proc_kib(&p.pid, "VmRSS:")))
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    println!(
        "\n== idle at {} pods, {seconds} s, all four at once (load average {}) ==\n{}",
        sims.pods,
        load.trim(),
        measured_bin()
    );
    for (pane, (t0, rss0)) in panes.iter().zip(start) {
        let (t1, rss1) = (cpu_ticks(&pane.pid), proc_kib(&pane.pid, "VmRSS:"));
        let pct = t1.saturating_sub(t0) as f64 / 100.0 / seconds as f64 * 100.0;
        let (cpu_target, rss_target) = if pane.metrics {
            (0.3, 88.0)
        } else {
            (0.1, 64.0)
        };
        let mib = |kib: u64| kib as f64 / 1024.0;
        let mark = |ok: bool| if ok { "✓" } else { "✗" };
        println!(
            "{:9} {:15} CPU {pct:5.2} % of one core (target ≤ {cpu_target} % {})   RSS {:.1} → {:.1} MiB (target ≤ {rss_target} MiB {})",
            pane.what,
            if pane.metrics {
                "metrics served"
            } else {
                "no metrics"
            },
            mark(pct <= cpu_target),
            mib(rss0),
            mib(rss1),
            mark(mib(rss0.max(rss1)) <= rss_target),
        );
    }
}
