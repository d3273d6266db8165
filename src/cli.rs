//! Command line, following kubectl's conventions. Common options work before or after the subcommand.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

mod change_args;
mod sim_args;
pub use change_args::{BoostArgs, MakeRoomArgs, ResizeArgs};
pub use sim_args::{DemoArgs, SimArgs, SimOptions};

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
    /// Every context of the kubeconfig at once (the dashboard, watch and get); contexts on the
    /// same server and namespace are one cluster, shown once.
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
pub struct NodesArgs {
    /// Output format (table or json).
    #[arg(short = 'o', long, value_enum, default_value_t = ReportFormat::Table)]
    pub output: ReportFormat,
    /// Nodes with the most room missed by Deferred resizes first (default: name order).
    #[arg(long)]
    pub sort_pending: bool,
}

fn parse_duration_arg(text: &str) -> Result<Duration, String> {
    crate::model::ground::time::parse_duration(text)
}
