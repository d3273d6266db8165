//! Which of the common options mean something for which subcommand (issue #18): the common
//! options work before or after any subcommand, as kubectl's do, but a subcommand's help does
//! not offer those that mean nothing there (`podsize sim --help` lists no `--theme`), and
//! giving one is refused with the reason rather than silently ignored.

use crate::cli::{Cli, CommonArgs};

/// Common options as clap names them (field names) and as the user types them.
const FLAGS: [(&str, &str); 11] = [
    ("kubeconfig", "--kubeconfig"),
    ("context", "--context"),
    ("all_contexts", "--all-contexts"),
    ("namespace", "-n/--namespace"),
    ("all_namespaces", "-A/--all-namespaces"),
    ("selector", "-l/--selector"),
    ("readonly", "--readonly"),
    ("theme", "--theme"),
    ("initial_list", "--initial-list"),
    ("log_file", "--log-file"),
    ("config", "--config"),
];

/// Everything about reaching a cluster and choosing its pods.
const CLUSTER: [&str; 9] = [
    "kubeconfig",
    "context",
    "all_contexts",
    "namespace",
    "all_namespaces",
    "selector",
    "readonly",
    "initial_list",
    "config",
];

/// The common options that mean nothing for `subcommand` (its name as typed).
pub fn meaningless(subcommand: &str) -> Vec<&'static str> {
    match subcommand {
        // Runs a cluster rather than reaching one; the theme is for screens.
        "sim" => [&CLUSTER[..], &["theme"]].concat(),
        // Print text that depends on no cluster, theme or log.
        "completion" | "man" => [&CLUSTER[..], &["theme", "log_file"]].concat(),
        "themes" => CLUSTER.to_vec(),
        // `config show` resolves --theme and --initial-list like any command, so it takes them.
        "config" => CLUSTER[..7].to_vec(),
        // The demo makes its own clusters and kubeconfig.
        "demo" => vec!["kubeconfig", "context", "all_contexts"],
        // Print, never draw.
        "get" => vec!["theme"],
        // One cluster's pods or nodes: several contexts are refused by `check_one_cluster`.
        "recommend" | "nodes" | "info" => vec!["theme", "all_contexts"],
        // One named pod: a selector or every namespace would pick nothing more.
        "resize" => vec![
            "theme",
            "initial_list",
            "all_contexts",
            "all_namespaces",
            "selector",
        ],
        "boost" | "make-room" => vec!["theme", "initial_list", "all_contexts"],
        _ => Vec::new(),
    }
}

/// Hides, in each subcommand's help, the common options that mean nothing there: the
/// subcommand gets its own hidden copy of each, which global propagation leaves alone.
pub fn hide_meaningless(mut command: clap::Command) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let hidden: Vec<clap::Arg> = meaningless(&name)
            .into_iter()
            .filter_map(|id| command.get_arguments().find(|a| a.get_id() == id))
            .map(|a| a.clone().global(false).hide(true))
            .collect();
        command = command.mut_subcommand(&name, |sub| sub.args(hidden));
    }
    command
}

/// Refuses a common option typed after a subcommand it means nothing for (`podsize sim
/// --theme x`); `check` covers the same options typed before it.
pub fn check_matches(matches: &clap::ArgMatches) -> Result<(), String> {
    let Some((name, sub)) = matches.subcommand() else {
        return Ok(());
    };
    for id in meaningless(name) {
        // The log file may come from $PODSIZE_LOG: hidden where meaningless, never refused.
        if id != "log_file"
            && matches!(sub.try_contains_id(id), Ok(true))
            && sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
        {
            return Err(refusal(id, name));
        }
    }
    Ok(())
}

fn refusal(id: &str, name: &str) -> String {
    let flag = FLAGS.iter().find(|(i, _)| *i == id).map_or(id, |(_, f)| *f);
    format!("{flag} means nothing for `podsize {name}`")
}

/// Whether the common option `id` was given (the log file may come from `$PODSIZE_LOG`, so it
/// is hidden where meaningless but never refused).
fn given(common: &CommonArgs, id: &str) -> bool {
    match id {
        "kubeconfig" => common.kubeconfig.is_some(),
        "context" => !common.context.is_empty(),
        "all_contexts" => common.all_contexts,
        "namespace" => common.namespace.is_some(),
        "all_namespaces" => common.all_namespaces,
        "selector" => common.selector.is_some(),
        "readonly" => common.readonly,
        "theme" => common.theme.is_some(),
        "initial_list" => common.initial_list.is_some(),
        "config" => common.config.is_some(),
        _ => false,
    }
}

/// Refuses a common option given to a subcommand it means nothing for.
pub fn check(cli: &Cli) -> Result<(), String> {
    let Some(name) = cli.command.as_ref().map(crate::cli::Command::name) else {
        return Ok(());
    };
    for id in meaningless(name) {
        if given(&cli.common, id) {
            return Err(refusal(id, name));
        }
    }
    Ok(())
}

/// Subcommands that act on one cluster refuse a second `--context` rather than pick one.
pub fn check_one_cluster(cli: &Cli) -> Result<(), String> {
    let Some(name) = cli.command.as_ref().map(crate::cli::Command::name) else {
        return Ok(());
    };
    let several = matches!(name, "get" | "watch");
    if !several && cli.common.context.len() > 1 {
        return Err(format!(
            "`podsize {name}` works on one cluster: give --context once \
             (several clusters: the dashboard, watch and get)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_subcommand_name_is_known_and_every_hidden_option_exists() {
        let command = hide_meaningless(Cli::command());
        for sub in command.get_subcommands() {
            for id in meaningless(sub.get_name()) {
                assert!(
                    sub.get_arguments().any(|a| a.get_id() == id),
                    "{id} in {}",
                    sub.get_name()
                );
                assert!(FLAGS.iter().any(|(i, _)| *i == id), "{id} has a flag text");
            }
        }
    }
}
