//! `podsize config path|show`, and filling the parsed command line with the config file's
//! values wherever the user did not type a flag.

use super::CommandError;
use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{ConfigError, ConfigPath, Effective, Flags, PromAddress, Source};
use clap::ArgMatches;
use clap::parser::ValueSource;

/// Whether `id` was typed on the command line (not a default), at any subcommand level.
fn typed(matches: &ArgMatches, id: &str) -> bool {
    let mut level = Some(matches);
    while let Some(m) = level {
        if matches!(m.try_contains_id(id), Ok(true))
            && m.value_source(id) == Some(ValueSource::CommandLine)
        {
            return true;
        }
        level = m.subcommand().map(|(_, sub)| sub);
    }
    false
}

/// The flags the config file can be overridden by, as typed.
pub fn flags_from(cli: &Cli, matches: &ArgMatches) -> Flags {
    let mut flags = Flags {
        theme: cli.common.theme.clone(),
        initial_list: cli.common.initial_list.clone(),
        ..Flags::default()
    };
    let usage = match &cli.command {
        Some(Command::Recommend(a)) => Some(&a.usage),
        Some(Command::Resize(a)) => Some(&a.usage),
        _ => None,
    };
    if let Some(usage) = usage {
        flags.prometheus_url = usage.prometheus.clone();
        flags.prometheus_service = usage.prometheus_service.clone();
        flags.history = typed(matches, "history").then_some(usage.history);
    }
    if let Some(Command::Info(a)) = &cli.command {
        flags.prometheus_url = a.prometheus.clone();
        flags.prometheus_service = a.prometheus_service.clone();
    }
    if let Some(Command::Watch(w)) = &cli.command {
        flags.page_interval = typed(matches, "page_interval").then_some(w.page_interval);
        flags.rotate_namespaces = w.rotate_namespaces;
    }
    flags
}

/// Commands that never read the config (so a broken file cannot block `podsize man`).
fn reads_config(command: Option<&Command>) -> bool {
    !matches!(
        command,
        Some(
            Command::Sim(_)
                | Command::Themes
                | Command::Completion(_)
                | Command::Man
                | Command::Config(ConfigCommand::Path)
        )
    )
}

/// Reads the config and writes its values into `cli` where no flag was typed. `None` for
/// commands that do not read it.
pub fn prepare(cli: &mut Cli, matches: &ArgMatches) -> Result<Option<Effective>, ConfigError> {
    if !reads_config(cli.command.as_ref()) {
        return Ok(None);
    }
    let path = ConfigPath::find(cli.common.config.as_deref());
    let effective = crate::config::resolve(&path, &flags_from(cli, matches))?;
    apply(cli, &effective);
    Ok(Some(effective))
}

fn apply(cli: &mut Cli, eff: &Effective) {
    cli.common.theme = eff.theme.value.clone();
    if eff.initial_list.source != Source::Default {
        cli.common.initial_list = Some(list_name(eff.initial_list.value).to_string());
    }
    cli.common.prefs = eff.prefs();
    // One-cluster commands read the Prometheus of their context when the file names one.
    let prometheus = if eff.prometheus_contexts.is_empty() {
        eff.prometheus.value.clone()
    } else {
        let context = super::contexts::one_context_name(&cli.common).unwrap_or_default();
        cli.common.prefs.prometheus_for(&context, 1)
    };
    let (url, service) = match &prometheus {
        Some(PromAddress::Url(u)) => (Some(u.clone()), None),
        Some(PromAddress::Service(s)) => (None, Some(s.clone())),
        None => (None, None),
    };
    let one_namespace = cli.common.namespace.is_some();
    match &mut cli.command {
        Some(Command::Recommend(a)) => fill_usage(&mut a.usage, eff, url, service),
        Some(Command::Resize(a)) => fill_usage(&mut a.usage, eff, url, service),
        Some(Command::Info(a)) => (a.prometheus, a.prometheus_service) = (url, service),
        Some(Command::Watch(w)) => {
            w.page_interval = eff.page_interval.value;
            // `-n` on the command line outranks a rotation the file asks for.
            w.rotate_namespaces = eff.rotate_namespaces.value
                && !(one_namespace
                    && eff.rotate_namespaces.source != Source::Flag("--rotate-namespaces"));
        }
        _ => {}
    }
}

fn fill_usage(
    usage: &mut crate::cli::UsageArgs,
    eff: &Effective,
    url: Option<String>,
    service: Option<String>,
) {
    usage.prometheus = url;
    usage.prometheus_service = service;
    usage.history = eff.history.value;
}

fn list_name(list: crate::settings::InitialList) -> &'static str {
    use crate::settings::InitialList;
    match list {
        InitialList::List => "list",
        InitialList::Streaming => "stream",
        InitialList::Paged => "pages",
    }
}

/// `podsize config path` / `podsize config show`.
pub fn run(
    command: &ConfigCommand,
    common: &crate::cli::CommonArgs,
    effective: Option<&Effective>,
) -> Result<(), CommandError> {
    let path = ConfigPath::find(common.config.as_deref());
    let out = match command {
        ConfigCommand::Path => match &path.path {
            Some(p) => format!("{}\n", p.display()),
            None => {
                return Err(CommandError::Refused(
                    "no config path: set HOME, XDG_CONFIG_HOME or --config".into(),
                ));
            }
        },
        ConfigCommand::Show => show(&path, effective),
    };
    out!("{out}");
    Ok(())
}

fn show(path: &ConfigPath, effective: Option<&Effective>) -> String {
    let file = match &path.path {
        Some(p) if p.is_file() && !path.explicit() => {
            format!("# config file {} (default location)\n", p.display())
        }
        Some(p) if p.is_file() => format!("# config file {} ({})\n", p.display(), path.source),
        Some(p) => format!("# config file {} (not found: defaults)\n", p.display()),
        None => "# no config file (HOME and XDG_CONFIG_HOME unset)\n".into(),
    };
    let eff = effective.cloned().unwrap_or_default();
    file + &crate::config::render_show(&eff)
}
