//! Command line, following kubectl's conventions. Common options work before or after the subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "podsize",
    version,
    about = "Terminal dashboard for Kubernetes in-place pod resize",
    long_about = "Shows each container's desired (spec), allocated and actual CPU/memory side by side with the \
resize state, and resizes containers in place through the pods/resize subresource.\n\n\
Without a subcommand, opens the dashboard on the current kubeconfig context."
)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Command {
    /// The subcommand as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Demo(_) => "demo",
            Self::Watch(_) => "watch",
            Self::Get(_) => "get",
            Self::Resize(_) => "resize",
            Self::Recommend(_) => "recommend",
            Self::Boost(_) => "boost",
            Self::Nodes(_) => "nodes",
            Self::MakeRoom(_) => "make-room",
            Self::Sim(_) => "sim",
            Self::Themes => "themes",
            Self::Info(_) => "info",
            Self::Completion(_) => "completion",
            Self::Man => "man",
            Self::Config(_) => "config",
        }
    }
}

impl Cli {
    /// Combinations clap cannot express, refused before anything starts.
    pub fn check(&self) -> Result<(), String> {
        crate::option_scope::check(self)?;
        crate::option_scope::check_one_cluster(self)?;
        if let (Some(Command::Watch(w)), Some(ns)) = (&self.command, &self.common.namespace)
            && w.rotate_namespaces
        {
            return Err(format!(
                "--rotate-namespaces rotates over all namespaces; drop -n {ns}"
            ));
        }
        Ok(())
    }
}

/// Options shared by every subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use instead of the current one; give it again to see several
    /// clusters at once (the dashboard, watch and get).
    #[arg(long, global = true, value_name = "NAME", action = clap::ArgAction::Append)]
    pub context: Vec<String>,
    /// Every context of the kubeconfig at once (the dashboard, watch and get).
    #[arg(long, global = true, conflicts_with = "context")]
    pub all_contexts: bool,
    /// Namespace to show (default: the context's namespace).
    #[arg(short = 'n', long, global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Show pods of all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Label selector, as kubectl's -l (e.g. app=web,tier!=db).
    #[arg(short = 'l', long, global = true, value_name = "SEL")]
    pub selector: Option<String>,
    /// Refuse every request that would change the cluster; enforced in the HTTP client.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Theme: a shipped name (default, light, high-contrast, mono, colorblind) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub theme: Option<String>,
    /// How pods are first listed: one LIST (fastest), a streaming list, or pages of 500.
    #[arg(long, global = true, value_name = "HOW", value_parser = ["list", "stream", "pages"])]
    pub initial_list: Option<String>,
    /// Write a debug log to this file (never to the terminal).
    #[arg(long, global = true, value_name = "FILE", env = "PODSIZE_LOG")]
    pub log_file: Option<PathBuf>,
    /// Config file to read instead of $PODSIZE_CONFIG or ~/.config/podsize/config.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Dashboard defaults from the config file that have no flag (filled in after parsing).
    #[arg(skip)]
    pub prefs: crate::config::Prefs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the dashboard on an embedded simulated cluster (no cluster needed).
    Demo(DemoArgs),
    /// Read-only wall-display mode: no edits, large header, pages through long tables.
    Watch(WatchArgs),
    /// Print the pod table once and exit (several clusters: --context repeated or --all-contexts).
    Get(GetArgs),
    /// Resize one container in place through the pods/resize subresource.
    Resize(ResizeArgs),
    /// Recommend what each container should have, from its real usage (Prometheus, VPA,
    /// metrics.k8s.io), with the reason and the patch that would be sent.
    Recommend(RecommendArgs),
    /// Raise a container's CPU or memory now and put the exact old values back when the pod is
    /// Ready or the time is up (the plan is kept on the pod, so any podsize can revert it).
    Boost(BoostArgs),
    /// Room on each node as the scheduler counts it, and the Deferred resizes waiting there.
    Nodes(NodesArgs),
    /// Free room for a Deferred resize by shrinking lower-priority pods on its node in place.
    MakeRoom(MakeRoomArgs),
    /// Run the simulated cluster headless and write a kubeconfig for other clients (kubectl).
    Sim(SimArgs),
    /// List the shipped themes with a preview.
    Themes,
    /// Check what podsize needs of the cluster, one line each (--check: exit code only).
    Info(InfoArgs),
    /// Print a shell completion script to stdout, e.g. `source <(podsize completion bash)`.
    Completion(CompletionArgs),
    /// Print the man page (roff) to stdout, e.g. `podsize man | man -l -`.
    Man,
    /// The config file: where it is read from, and the values in effect.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the config file podsize reads.
    Path,
    /// Print every effective setting and where it came from (default, file:line, env, flag).
    Show,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete in; `kubectl`: the `kubectl_complete-podsize` script that
    /// completes `kubectl podsize` (kubectl 1.26+ runs it from PATH).
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Where completion is wanted: bash, zsh and fish complete context, namespace and pod names
/// too (asked of `podsize __complete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
    Kubectl,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print nothing; exit 0 when everything podsize needs works, 1 otherwise.
    #[arg(long)]
    pub check: bool,
    /// Also check that this Prometheus answers.
    #[arg(long, value_name = "URL", conflicts_with = "prometheus_service")]
    pub prometheus: Option<String>,
    /// Also check that this in-cluster Prometheus answers through the service proxy.
    #[arg(long, value_name = "NS/NAME:PORT")]
    pub prometheus_service: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Table with desired, allocated and actual values.
    #[default]
    Table,
    /// Table with node, QoS, owner and resize messages too.
    Wide,
    /// One JSON object per container (schema in README).
    Json,
}

/// Output of the commands that print a report rather than the pod table: no `wide` form, so
/// `-o wide` is refused rather than silently taken as the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// Text for a person.
    #[default]
    Table,
    /// JSON for scripts (schema in README).
    Json,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// Options of the simulated cluster, shared by `demo` and `sim`.
#[derive(Debug, Args, Clone)]
pub struct SimOptions {
    /// Kubernetes minor version to imitate (27 to 37), e.g. 1.35 or 35.
    #[arg(long = "k8s-version", value_name = "VERSION", default_value = "1.35", value_parser = parse_minor)]
    pub minor: u32,
    /// Number of simulated nodes.
    #[arg(long, default_value_t = 4)]
    pub nodes: usize,
    /// Number of pods to generate.
    #[arg(long, default_value_t = 60)]
    pub pods: usize,
    /// Number of namespaces to spread the pods over.
    #[arg(long, default_value_t = 4)]
    pub namespaces: usize,
    /// Seed of the workload generator (same seed, same cluster).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Create and delete pods and resize some now and then, like a live cluster.
    #[arg(long)]
    pub churn: bool,
    /// Delay before the simulated kubelet acts on a resize (e.g. 1s, 500ms).
    #[arg(long, default_value = "1s", value_parser = parse_duration_arg)]
    pub kubelet_delay: Duration,
    /// Take a real apiserver's time per object for lists and initial watch events
    /// (calibrated on a 1.35 server; for benchmarks).
    #[arg(long)]
    pub realistic: bool,
    /// Number of simulated clusters (1 to 16): `sim-1` … `sim-N`, each with its own pods
    /// (seeds SEED … SEED+N-1), nodes and port.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub clusters: u16,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub sim: SimOptions,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(flatten)]
    pub sim: SimOptions,
    /// Address to listen on (port 0 picks a free one); with --clusters, cluster i listens on
    /// PORT+i-1.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Write a kubeconfig with `sim-admin` and `sim-viewer` contexts to this file (with
    /// --clusters above 1: one admin context per cluster, `sim-1` … `sim-N`).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS with a fresh self-signed certificate (kubectl sends
    /// bearer tokens only over HTTPS, so keep the default for kubectl).
    #[arg(long)]
    pub plain_http: bool,
    /// Write this much synthetic usage history of the generated pods (e.g. 14d) to
    /// --openmetrics-out, for `promtool tsdb create-blocks-from openmetrics`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, requires = "openmetrics_out")]
    pub usage_history: Option<Duration>,
    /// The OpenMetrics file the usage history is written to (cAdvisor metric and label names);
    /// one cluster's, so refused with --clusters above 1.
    #[arg(long, value_name = "FILE", requires = "usage_history")]
    pub openmetrics_out: Option<PathBuf>,
    /// Serve the containers' usage counters at http://ADDR/metrics in the Prometheus text
    /// format (cAdvisor names and labels), for a real Prometheus to scrape; one cluster's, so
    /// refused with --clusters above 1.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// Serve no metrics.k8s.io, like a cluster without metrics-server: the group is not listed
    /// and its paths answer 404.
    #[arg(long)]
    pub no_metrics: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Time between automatic page turns of a long table: seconds (10) or a duration (10s,
    /// 1m); at least 1s.
    #[arg(long, default_value = "10s", value_parser = crate::settings::parse_page_interval)]
    pub page_interval: Duration,
    /// Cycle through all namespaces one at a time (implies -A).
    #[arg(long)]
    pub rotate_namespaces: bool,
    /// Ignore every key except Ctrl-C.
    #[arg(long)]
    pub no_input: bool,
}

/// Where usage history comes from, for `recommend` and `resize --recommended`.
#[derive(Debug, Args, Clone)]
pub struct UsageArgs {
    /// Prometheus base URL (e.g. http://127.0.0.1:9090).
    #[arg(long, value_name = "URL", conflicts_with = "prometheus_service")]
    pub prometheus: Option<String>,
    /// Prometheus as an in-cluster service, reached through the API server's service proxy
    /// with the kubeconfig's credentials (no port-forward needed).
    #[arg(long, value_name = "NS/NAME:PORT")]
    pub prometheus_service: Option<String>,
    /// How far back usage is read from Prometheus (e.g. 14d, 36h).
    #[arg(long, default_value = "14d", value_parser = parse_duration_arg)]
    pub history: Duration,
    /// Percentile of CPU usage used for the CPU request.
    #[arg(long, default_value_t = 95, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub percentile: u8,
    /// Without Prometheus: read metrics.k8s.io for this long (e.g. 10m) before recommending,
    /// so a decrease can rest on the window sampled (`rightsizing.min_history`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub sample: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    #[command(flatten)]
    pub usage: UsageArgs,
    /// Output format (table or json).
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Table)]
    pub output: ReportFormat,
    /// Recommend for resources an HPA scales on too (a smaller request makes it scale out).
    #[arg(long)]
    pub with_hpa: bool,
    /// Send each patch as a server dry run: the server's answer decides `applicable`.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub struct ResizeArgs {
    /// Pod name.
    pub pod: String,
    /// Container to resize (default: the only container).
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// New CPU request (any quantity form: 500m, 1.5, ...).
    #[arg(long, value_name = "Q")]
    pub cpu_request: Option<String>,
    /// New CPU limit.
    #[arg(long, value_name = "Q")]
    pub cpu_limit: Option<String>,
    /// New memory request (256Mi, 1Gi, ...).
    #[arg(long, value_name = "Q")]
    pub memory_request: Option<String>,
    /// New memory limit.
    #[arg(long, value_name = "Q")]
    pub memory_limit: Option<String>,
    /// Resize the pod-level resources (`spec.resources`) instead of a container.
    #[arg(long, conflicts_with_all = ["container", "recommended"])]
    pub pod_level: bool,
    /// Apply the container's right-sizing recommendation (see `podsize recommend`).
    #[arg(long, conflicts_with_all = ["cpu_request", "cpu_limit", "memory_request", "memory_limit"])]
    pub recommended: bool,
    /// With --recommended: apply it although an HPA scales the workload on that resource.
    #[arg(long, requires = "recommended")]
    pub with_hpa: bool,
    #[command(flatten)]
    pub usage: UsageArgs,
    /// Validate on the server (dryRun=All) without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Follow the resize to its end; fail on Infeasible, Error or timeout (default 60s). A
    /// word after --wait that is not a duration is the pod: `--wait POD` waits 60s for POD.
    #[arg(long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "60s", value_parser = parse_duration_arg)]
    pub wait: Option<Duration>,
    /// Output format of the result.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Args, Clone)]
#[command(group = clap::ArgGroup::new("until").args(["for_", "until_ready"]))]
pub struct BoostArgs {
    /// Pod name (not needed with --revert-due or --watch).
    #[arg(required_unless_present_any = ["revert_due", "watch"])]
    pub pod: Option<String>,
    /// Container to boost (default: the only container).
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// CPU request during the boost: a quantity (2), +N% or xN of the current request. A set
    /// limit is scaled by the same ratio.
    #[arg(long, value_name = "Q|+N%|xN")]
    pub cpu: Option<String>,
    /// Memory request during the boost, as --cpu.
    #[arg(long, value_name = "Q|+N%|xN")]
    pub memory: Option<String>,
    /// Revert after this long (e.g. 90s, 5m).
    #[arg(long = "for", id = "for_", value_name = "DURATION", value_parser = parse_duration_arg)]
    pub for_: Option<Duration>,
    /// Revert when the pod's Ready condition turns True.
    #[arg(long)]
    pub until_ready: bool,
    /// With --until-ready: revert after this long even if the pod never turns Ready.
    #[arg(long, value_name = "DURATION", requires = "until_ready", value_parser = parse_duration_arg)]
    pub max: Option<Duration>,
    /// Boost a container whose resizePolicy is RestartContainer (it restarts on the boost and
    /// again on the revert).
    #[arg(long)]
    pub allow_restart: bool,
    /// Stay until the revert is applied (exit 0); exit 2 when the boost or the revert ends
    /// Infeasible or Error, 3 when either takes longer than DURATION to apply (default 60s).
    #[arg(long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "60s", value_parser = parse_duration_arg)]
    pub wait: Option<Duration>,
    /// Start-up boosts for a rollout: with -l (and -n or -A), run until stopped and boost each
    /// matching pod that starts (not yet Ready), then revert it at Ready or at --max.
    #[arg(long, requires = "until_ready", conflicts_with_all = ["pod", "wait", "for_", "dry_run"])]
    pub watch: bool,
    /// Validate the boost on the server (dryRun=All) without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Revert every boost in scope (-n/-A) whose time is up or whose pod is Ready, then exit.
    #[arg(long, conflicts_with_all = ["container", "cpu", "memory", "for_", "until_ready", "dry_run", "watch"])]
    pub revert_due: bool,
    /// Output format of the result (table or json).
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Table)]
    pub output: ReportFormat,
}

#[derive(Debug, Args)]
pub struct NodesArgs {
    /// Output format (table or json).
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Table)]
    pub output: ReportFormat,
    /// Nodes with the most room missed by Deferred resizes first (default: name order).
    #[arg(long)]
    pub sort_pending: bool,
}

#[derive(Debug, Args)]
pub struct MakeRoomArgs {
    /// The pod whose resize is Deferred; with --give-back a victim, or the pod it lent to.
    #[arg(required_unless_present = "give_back")]
    pub pod: Option<String>,
    /// Its container (default: the only container).
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Print the plan and validate it on the server (dryRun=All) without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Send the plan without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Margin over each container's observed peak and over the missing room, in percent.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i64).range(0..=100))]
    pub margin: i64,
    /// Pods of the waiting pod's own priority may give room too (never higher ones).
    #[arg(long)]
    pub allow_equal_priority: bool,
    /// Shrink at most this many pods.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_pods: u16,
    /// Guaranteed pods may give room (their limits are lowered with their requests).
    #[arg(long)]
    pub allow_guaranteed: bool,
    /// Containers whose resizePolicy restarts them may give room.
    #[arg(long)]
    pub allow_restart: bool,
    /// Least usage history a victim needs before it is shrunk (e.g. 24h, 7d; 0s: any);
    /// default: right-sizing's gate, `rightsizing.min_history` and 100 samples.
    #[arg(long, value_parser = parse_duration_arg)]
    pub min_history: Option<Duration>,
    /// Give lent room back: to the victims of POD (or POD itself), or with -A to every
    /// victim in the cluster; only values nobody changed since, only as the node has room.
    #[arg(long, conflicts_with_all = ["container", "dry_run", "allow_equal_priority", "allow_guaranteed", "allow_restart"])]
    pub give_back: bool,
    /// How long to follow the shrinks and then the waiting resize.
    #[arg(long, default_value = "120s", value_parser = parse_duration_arg)]
    pub timeout: Duration,
    #[command(flatten)]
    pub usage: UsageArgs,
    /// Output format (table or json).
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Table)]
    pub output: ReportFormat,
}

fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    crate::model::ground::time::parse_duration(text)
}

fn parse_minor(text: &str) -> Result<u32, String> {
    let minor = text.strip_prefix("1.").unwrap_or(text);
    match minor.parse::<u32>() {
        Ok(m) if (27..=37).contains(&m) => Ok(m),
        _ => Err(format!("unsupported version {text:?}: use 1.27 to 1.37")),
    }
}
