//! Options of the commands that change pods (`resize`, `boost`, `make-room`): the many flags
//! that decide what is sent and how long to follow it, kept apart from the read-only commands'.

use super::{OutputFormat, ReportFormat, UsageArgs, parse_duration_arg};
use clap::Args;
use std::time::Duration;

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
