//! The config file's precedence (default < file < env < flag), its wiring into the parsed
//! command line, and `podsize config path|show` run as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::FromArgMatches;
use podsize::cli::{Cli, Command};
use podsize::config::{Flags, PromAddress, Source, merge, parse_config};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn full_file() -> podsize::config::FileConfig {
    let path = fixture("full.toml");
    parse_config(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()
}

fn file_line(source: &Source) -> usize {
    match source {
        Source::File(at) => at.line,
        other => panic!("expected a file source, got {other:?}"),
    }
}

#[test]
fn default_then_file_then_env_then_flag() {
    let none = |_: &str| None;
    let defaults = merge(None, &none, &Flags::default()).unwrap();
    assert_eq!(defaults.theme.value, None);
    assert_eq!(defaults.theme.source, Source::Default);
    assert_eq!(defaults.stuck_after.value, Duration::from_secs(120));

    let from_file = merge(Some(full_file()), &none, &Flags::default()).unwrap();
    assert_eq!(from_file.theme.value.as_deref(), Some("light"));
    assert_eq!(file_line(&from_file.theme.source), 2);
    assert_eq!(from_file.stuck_after.value, Duration::from_secs(300));
    assert_eq!(from_file.metrics_poll.value, Duration::from_secs(30));

    let env = |var: &str| match var {
        "PODSIZE_THEME" => Some("mono".to_string()),
        "PODSIZE_INITIAL_LIST" => Some("stream".to_string()),
        "PODSIZE_PROMETHEUS" => Some("http://prom:9090".to_string()),
        _ => None,
    };
    let from_env = merge(Some(full_file()), &env, &Flags::default()).unwrap();
    assert_eq!(from_env.theme.value.as_deref(), Some("mono"));
    assert_eq!(from_env.theme.source, Source::Env("PODSIZE_THEME"));
    assert_eq!(
        from_env.prometheus.value,
        Some(PromAddress::Url("http://prom:9090".into()))
    );
    // No variable for the page interval: the file's value stays.
    assert_eq!(file_line(&from_env.page_interval.source), 12);

    let flags = Flags {
        theme: Some("high-contrast".into()),
        initial_list: Some("list".into()),
        page_interval: Some(Duration::from_secs(5)),
        prometheus_service: Some("obs/prom:9090".into()),
        history: Some(Duration::from_secs(3600)),
        ..Flags::default()
    };
    let from_flags = merge(Some(full_file()), &env, &flags).unwrap();
    assert_eq!(from_flags.theme.value.as_deref(), Some("high-contrast"));
    assert_eq!(from_flags.theme.source, Source::Flag("--theme"));
    assert_eq!(
        from_flags.initial_list.source,
        Source::Flag("--initial-list")
    );
    assert_eq!(from_flags.page_interval.value, Duration::from_secs(5));
    assert_eq!(
        from_flags.prometheus.value,
        Some(PromAddress::Service("obs/prom:9090".into()))
    );
    assert_eq!(from_flags.history.source, Source::Flag("--history"));
    // Untouched by env and flags: still the file's.
    assert_eq!(file_line(&from_flags.sort.source), 3);
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let env = |var: &str| (var == "PODSIZE_INITIAL_LIST").then(|| "fast".to_string());
    let err = merge(None, &env, &Flags::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable PODSIZE_INITIAL_LIST: unknown list strategy \"fast\" (expected list, stream or pages)"
    );
}

/// Parses `args` as the binary does and applies the config file to them.
fn prepared(args: &[&str]) -> Cli {
    let matches = podsize::invocation::command(false)
        .try_get_matches_from(args)
        .unwrap();
    let mut cli = Cli::from_arg_matches(&matches).unwrap();
    podsize::commands::config::prepare(&mut cli, &matches).unwrap();
    cli
}

#[test]
fn file_values_reach_the_commands_unless_a_flag_was_typed() {
    let config = fixture("full.toml");
    let config = config.to_str().unwrap();
    let cli = prepared(&["podsize", "--config", config, "watch"]);
    let Some(Command::Watch(watch)) = &cli.command else {
        panic!("{:?}", cli.command)
    };
    assert_eq!(watch.page_interval, Duration::from_secs(20));
    assert!(watch.rotate_namespaces);
    assert_eq!(cli.common.theme.as_deref(), Some("light"));
    assert_eq!(cli.common.initial_list.as_deref(), Some("pages"));
    assert_eq!(cli.common.prefs.stuck_after, Duration::from_secs(300));
    assert_eq!(cli.common.prefs.metrics_poll, Duration::from_secs(30));
    assert_eq!(cli.common.prefs.columns.as_ref().map(Vec::len), Some(6));
    // What a right-sizing decrease needs, for every command and the dashboard alike.
    assert_eq!(
        cli.common.prefs.min_history,
        Duration::from_secs(3 * 86_400)
    );
    let policy = podsize::commands::recommend::policy_of(&cli.common.prefs);
    assert_eq!(policy.gate.min_history, chrono::TimeDelta::days(3));

    // A typed flag wins, even one equal to the built-in default; -n outranks the file's rotation.
    let cli = prepared(&[
        "podsize",
        "--config",
        config,
        "watch",
        "--page-interval",
        "10s",
        "-n",
        "shop",
    ]);
    let Some(Command::Watch(watch)) = &cli.command else {
        panic!()
    };
    assert_eq!(watch.page_interval, Duration::from_secs(10));
    assert!(!watch.rotate_namespaces);

    let cli = prepared(&["podsize", "recommend", "--config", config]);
    let Some(Command::Recommend(rec)) = &cli.command else {
        panic!()
    };
    assert_eq!(
        rec.usage.prometheus_service.as_deref(),
        Some("monitoring/prometheus:9090")
    );
    assert_eq!(rec.usage.history, Duration::from_secs(7 * 86_400));
    let cli = prepared(&[
        "podsize",
        "recommend",
        "--config",
        config,
        "--prometheus",
        "http://p:9090",
    ]);
    let Some(Command::Recommend(rec)) = &cli.command else {
        panic!()
    };
    assert_eq!(rec.usage.prometheus.as_deref(), Some("http://p:9090"));
    assert_eq!(rec.usage.prometheus_service, None);
    let cli = prepared(&["podsize", "info", "--config", config]);
    let Some(Command::Info(info)) = &cli.command else {
        panic!()
    };
    assert_eq!(
        info.prometheus_service.as_deref(),
        Some("monitoring/prometheus:9090")
    );
}

/// Runs the binary with a private config home (and HOME), none of podsize's variables set.
fn podsize(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_podsize"));
    cmd.args(args)
        .env("XDG_CONFIG_HOME", home.join("xdg"))
        .env("HOME", home)
        .env("KUBECONFIG", home.join("no-kubeconfig"));
    for var in [
        "PODSIZE_CONFIG",
        "PODSIZE_THEME",
        "PODSIZE_INITIAL_LIST",
        "PODSIZE_PROMETHEUS",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn write_config(home: &Path, text: &str) -> PathBuf {
    let dir = home.join("xdg/podsize");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The line of `show` output for `key`, split into its text and its source comment.
fn show_line<'a>(out: &'a str, key: &str) -> (&'a str, &'a str) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in\n{out}"));
    let (text, source) = line.split_once(" # ").unwrap();
    (text.trim_end(), source)
}

#[test]
fn config_show_says_where_each_value_came_from() {
    let home = tempfile::tempdir().unwrap();
    let path = write_config(
        home.path(),
        "theme = \"light\"\n\n[wall]\npage_interval = \"30s\"\n",
    );
    let out = podsize(
        home.path(),
        &[("PODSIZE_PROMETHEUS", "http://prom:9090")],
        &["config", "show", "--initial-list", "stream"],
    );
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let file = path.display();
    assert_eq!(
        show_line(&text, "theme"),
        ("theme = \"light\"", &*format!("file {file}:1"))
    );
    assert_eq!(
        show_line(&text, "wall.page_interval"),
        ("wall.page_interval = \"30s\"", &*format!("file {file}:4"))
    );
    assert_eq!(
        show_line(&text, "initial_list"),
        ("initial_list = \"stream\"", "flag --initial-list")
    );
    assert_eq!(
        show_line(&text, "prometheus.url"),
        (
            "prometheus.url = \"http://prom:9090\"",
            "env PODSIZE_PROMETHEUS"
        )
    );
    assert_eq!(
        show_line(&text, "stuck_after"),
        ("stuck_after = \"2m\"", "default")
    );
    assert_eq!(
        show_line(&text, "rightsizing.min_history"),
        ("rightsizing.min_history = \"1d\"", "default")
    );
    assert!(
        text.starts_with(&format!("# config file {file} (default location)\n")),
        "{text}"
    );
}

#[test]
fn config_path_follows_flag_then_env_then_xdg() {
    let home = tempfile::tempdir().unwrap();
    let stdout = |out: Output| {
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let xdg = home.path().join("xdg/podsize/config.toml");
    let out = podsize(home.path(), &[], &["config", "path"]);
    assert_eq!(stdout(out), format!("{}\n", xdg.display()));
    let env = [("PODSIZE_CONFIG", "/etc/podsize.toml")];
    let out = podsize(home.path(), &env, &["config", "path"]);
    assert_eq!(stdout(out), "/etc/podsize.toml\n");
    let out = podsize(
        home.path(),
        &env,
        &["config", "path", "--config", "/x.toml"],
    );
    assert_eq!(stdout(out), "/x.toml\n");
}

#[test]
fn a_broken_config_stops_with_exit_2_and_one_line_but_config_path_still_works() {
    let home = tempfile::tempdir().unwrap();
    let path = write_config(home.path(), "theme = \"mono\"\nsort = \"size\"\n");
    let out = podsize(home.path(), &[], &["get"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!(
            "podsize: config file \"{}\", line 2: key \"sort\": unknown sort \"size\"",
            path.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = podsize(home.path(), &[], &["config", "path"]);
    assert!(out.status.success(), "{out:?}");
}

/// A kubeconfig in `dir` whose current context is `current` (no server is ever contacted).
fn kubeconfig_with_current(dir: &Path, current: &str) -> PathBuf {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {current}\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: {current}\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn recommend_prometheus(args: &[&str]) -> (Option<String>, Option<String>) {
    let mut all = vec!["podsize", "recommend"];
    all.extend_from_slice(args);
    let cli = prepared(&all);
    let Some(Command::Recommend(rec)) = cli.command else {
        panic!("{:?}", cli.command)
    };
    (rec.usage.prometheus, rec.usage.prometheus_service)
}

// Issue #15 asks for each cluster with its own capabilities; a cluster's Prometheus is one:
// `[prometheus.contexts]` names it per kubeconfig context, for one-cluster commands too.
#[test]
fn a_one_cluster_command_reads_the_prometheus_of_its_context() {
    let config = fixture("contexts.toml");
    let config = config.to_str().unwrap();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        recommend_prometheus(&["--config", config, "--context", "prod-eu"]),
        (some("https://prometheus.eu.example.com"), None)
    );
    assert_eq!(
        recommend_prometheus(&["--config", config, "--context", "prod-us"]),
        (None, some("monitoring/prometheus-k8s:9090"))
    );
    assert_eq!(
        recommend_prometheus(&["--config", config, "--context", "staging"]),
        (some("http://global-prometheus:9090"), None)
    );
    // Without --context, the kubeconfig's current context decides.
    let dir = tempfile::tempdir().unwrap();
    let edge = "arn:aws:eks:us-east-1:123:cluster/edge";
    let kubeconfig = kubeconfig_with_current(dir.path(), edge);
    let kubeconfig = kubeconfig.to_str().unwrap();
    assert_eq!(
        recommend_prometheus(&["--config", config, "--kubeconfig", kubeconfig]),
        (some("http://edge-prom:9090"), None)
    );
    // A typed address outranks the file's entries.
    assert_eq!(
        recommend_prometheus(&[
            "--config",
            config,
            "--context",
            "prod-eu",
            "--prometheus",
            "http://typed:9090"
        ]),
        (some("http://typed:9090"), None)
    );
}

#[test]
fn config_show_lists_each_contexts_prometheus_with_its_line() {
    let home = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("contexts.toml")).unwrap();
    let path = write_config(home.path(), &text);
    let out = podsize(home.path(), &[], &["config", "show"]);
    assert!(out.status.success(), "{out:?}");
    let shown = String::from_utf8(out.stdout).unwrap();
    let file = path.display();
    assert_eq!(
        show_line(&shown, "prometheus.contexts.prod-eu"),
        (
            "prometheus.contexts.prod-eu = \"https://prometheus.eu.example.com\"",
            &*format!("file {file}:7")
        )
    );
    assert_eq!(
        show_line(
            &shown,
            "prometheus.contexts.\"arn:aws:eks:us-east-1:123:cluster/edge\""
        ),
        (
            "prometheus.contexts.\"arn:aws:eks:us-east-1:123:cluster/edge\" = \"http://edge-prom:9090\"",
            &*format!("file {file}:9")
        )
    );
    // What `show` prints reads back as the same settings.
    let pasted: String = shown
        .lines()
        .filter(|l| l.starts_with("prometheus.contexts."))
        .map(|l| l.split(" # ").next().unwrap().trim_end().to_string() + "\n")
        .collect();
    let round = tempfile::tempdir().unwrap();
    let again = write_config(round.path(), &pasted);
    let reread = podsize::config::load(&podsize::config::ConfigPath {
        path: Some(again),
        source: Source::Flag("--config"),
    })
    .unwrap()
    .unwrap();
    let names: Vec<&str> = (reread.prometheus_contexts.iter())
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "prod-eu",
            "prod-us",
            "arn:aws:eks:us-east-1:123:cluster/edge"
        ]
    );
}
