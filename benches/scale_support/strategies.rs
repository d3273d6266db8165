//! End to end per initial-list strategy against the simulated cluster in realistic mode
//! (`podsize sim --realistic`: a real 1.35 server's time per object, src/sim/pacing.rs).
//! For each strategy: time to a full table, time to the first screen of rows, podsize's own
//! CPU for the load and its peak RSS, next to the curl floor of the same uncompressed list
//! measured in the same run (ratios, since the machine is shared with other work).

use super::{BIN, Sim, have, median, proc_kib, start_sim_with, timed};
use std::process::Command;
use std::time::{Duration, Instant};

const STRATEGIES: [&str; 3] = ["list", "stream", "pages"];

/// One dashboard start: seconds to the first screen and to the full table (from process
/// start, as podsize logs them), CPU seconds used by then, peak RSS in MiB.
struct Load {
    first_screen: f64,
    full_table: f64,
    cpu: f64,
    peak_mib: f64,
}

/// utime + stime of a process, in seconds (USER_HZ = 100).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    (field(11).unwrap_or(0.0) + field(12).unwrap_or(0.0)) / 100.0
}

/// The `elapsed_ms` of the first log line containing `what`, in seconds.
fn logged(log: &str, what: &str) -> Option<f64> {
    log.lines()
        .find(|l| l.contains(what))
        .and_then(|l| l.split("elapsed_ms=").nth(1))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .map(|ms| ms / 1e3)
}

fn pane_pid(socket: &str) -> Option<String> {
    let out = Command::new("tmux")
        .args(["-L", socket, "list-panes", "-F", "#{pane_pid}"])
        .output()
        .ok()?;
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// Starts the real dashboard in tmux with `--initial-list strategy` and waits for its
/// full table.
fn load(sim: &Sim, dir: &std::path::Path, strategy: &str, run: usize) -> Option<Load> {
    // Unique per sim (size) as well: a log left by another size must not be read.
    let tag = format!("{}-{}-{strategy}-{run}", std::process::id(), sim.child.id());
    let log = dir.join(format!("podsize-{tag}.log"));
    let socket = format!("podsize-bench-{tag}");
    let cmd = format!(
        "exec {BIN} --kubeconfig {} --log-file {} --initial-list {strategy} -A",
        sim.kubeconfig,
        log.display()
    );
    let tmux = ["-L", &socket, "new-session", "-d", "-x", "200", "-y", "60"];
    Command::new("tmux").args(tmux).arg(&cmd).status().ok()?;
    let pid = pane_pid(&socket);
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut result = None;
    while Instant::now() < deadline {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(full_table) = logged(&text, "initial list") {
            let pid = pid.as_deref().unwrap_or("0");
            let cpu = cpu_seconds(pid);
            result = Some(Load {
                first_screen: logged(&text, "first screen").unwrap_or(full_table),
                full_table,
                cpu,
                peak_mib: proc_kib(pid, "VmHWM:") as f64 / 1024.0,
            });
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .status();
    result
}

/// curl of the uncompressed list, with a non-curl User-Agent as the facts' measurement had.
fn curl_floor(sim: &Sim) -> Option<f64> {
    let url = format!("{}/api/v1/pods", sim.url);
    let auth = "Authorization: Bearer podsize-admin-token";
    let (t, _, ok) = timed(Command::new("curl").args([
        "-skf",
        "-A",
        "podsize-bench",
        "-o",
        "/dev/null",
        "-H",
        auth,
        &url,
    ]));
    ok.then_some(t)
}

fn rss_target(pods: usize) -> f64 {
    if pods <= 10_000 {
        64.0
    } else if pods <= 50_000 {
        256.0
    } else {
        640.0
    }
}

/// Every strategy at `pods`, `runs` times each, curl in between; prints medians with targets.
pub fn run(pods: usize, dir: &std::path::Path, runs: usize) {
    if !have("tmux") || !have("curl") {
        println!("\nstrategies at {pods} pods: skipped (needs tmux and curl)");
        return;
    }
    let sim = start_sim_with(pods, dir, true);
    println!(
        "\n== {pods} pods, realistic sim {} (HTTPS), median of {runs} ==",
        sim.url
    );
    let mut curl = Vec::new();
    let mut loads: Vec<Vec<Load>> = STRATEGIES.iter().map(|_| Vec::new()).collect();
    for run in 0..runs {
        curl.extend(curl_floor(&sim));
        for (i, strategy) in STRATEGIES.iter().enumerate() {
            loads[i].extend(load(&sim, dir, strategy, run));
        }
    }
    let floor = (!curl.is_empty()).then(|| median(curl));
    match floor {
        Some(c) => println!("curl, uncompressed list (floor):        {c:.3} s"),
        None => println!("curl failed: no floor"),
    }
    for (strategy, loads) in STRATEGIES.iter().zip(loads) {
        report(pods, strategy, &loads, floor);
    }
}

fn report(pods: usize, strategy: &str, loads: &[Load], floor: Option<f64>) {
    if loads.is_empty() {
        println!("--initial-list {strategy}: no full table within the deadline");
        return;
    }
    let pick = |f: fn(&Load) -> f64| median(loads.iter().map(f).collect());
    let full = pick(|l| l.full_table);
    let ratio = floor.map_or(String::new(), |c| format!(" = {:.2}× curl", full / c));
    println!("--initial-list {strategy:6}");
    println!("  start → full table:     {full:.3} s{ratio}  (target ≤ 1.0× curl)");
    println!(
        "  start → first screen:   {:.3} s  (target ≤ 0.150 s)",
        pick(|l| l.first_screen)
    );
    let cpu_target = if pods <= 10_000 {
        "  (target ≤ 0.25 s)"
    } else {
        ""
    };
    println!(
        "  own CPU for the load:   {:.2} s{cpu_target}",
        pick(|l| l.cpu)
    );
    println!(
        "  peak RSS (VmHWM):       {:.1} MiB  (target ≤ {} MiB)",
        pick(|l| l.peak_mib),
        rss_target(pods)
    );
}
