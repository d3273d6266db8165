//! How podsize was started: as itself, or as the kubectl plugin `kubectl-podsize` (kubectl
//! runs `kubectl-NAME` from PATH for `kubectl NAME`), whose help must then say `kubectl podsize`.

use crate::cli::Cli;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::{OsStr, OsString};
use std::path::Path;

/// The file name kubectl looks for on PATH.
pub const PLUGIN_FILE: &str = "kubectl-podsize";

/// Whether the program was started under the plugin's name (`.exe` or not).
pub fn is_plugin(argv0: &OsStr) -> bool {
    Path::new(argv0).file_stem() == Some(OsStr::new(PLUGIN_FILE))
}

/// The clap command, named as the user typed it.
pub fn command(plugin: bool) -> clap::Command {
    let command = crate::option_scope::hide_meaningless(Cli::command());
    if plugin {
        command
            .name(PLUGIN_FILE)
            .bin_name("kubectl podsize")
            .display_name("kubectl podsize")
    } else {
        command
    }
}

/// Parses the process arguments, exiting with clap's message on a usage error.
pub fn parse() -> Cli {
    parse_with_matches().0
}

/// [`parse`], keeping clap's matches: the config file needs to know which flags were typed
/// and which only hold their default.
pub fn parse_with_matches() -> (Cli, clap::ArgMatches) {
    let plugin = std::env::args_os().next().is_some_and(|a| is_plugin(&a));
    let matches = command(plugin).get_matches_from(wait_takes_no_pod(std::env::args_os()));
    if let Err(e) = crate::option_scope::check_matches(&matches) {
        eprintln!("podsize: {e}");
        std::process::exit(2);
    }
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    (cli, matches)
}

/// `--wait` takes an optional duration as its next word (`--wait 10s`, how scripts and the
/// README write it). A next word that is not a duration is the pod, not a bad duration:
/// `resize --wait POD` waits the default time for POD instead of failing as a usage error
/// with exit code 2, which is also the code of an Infeasible resize.
pub fn wait_takes_no_pod(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    for i in 0..args.len().saturating_sub(1) {
        let next = args[i + 1].to_string_lossy();
        let is_value =
            next.starts_with('-') || crate::model::ground::time::parse_duration(&next).is_ok();
        if args[i] == "--wait" && !is_value {
            args[i] = OsString::from(format!("--wait={DEFAULT_WAIT}"));
        }
    }
    args
}

/// How long `--wait` follows a resize or boost when no duration is given.
pub const DEFAULT_WAIT: &str = "60s";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plugin_is_recognised_by_file_name_only() {
        assert!(is_plugin(OsStr::new("/usr/local/bin/kubectl-podsize")));
        assert!(is_plugin(OsStr::new("kubectl-podsize.exe")));
        assert!(!is_plugin(OsStr::new("podsize")));
        assert!(!is_plugin(OsStr::new("/opt/kubectl-podsize/podsize")));
    }

    #[test]
    fn plugin_usage_says_kubectl_podsize() {
        let help = command(true).render_usage().to_string();
        assert!(help.contains("kubectl podsize"), "{help}");
    }
}
