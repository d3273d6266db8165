//! `podsize __complete WORD…`: shell completion with live names. The words typed after
//! `podsize` (the last one being typed, maybe empty) come in; the candidates go out one a
//! line, then `:N`, a directive as cobra programs answer it (kubectl 1.26+ runs
//! `kubectl_complete-podsize` and reads this form for `kubectl podsize`). Subcommands and
//! options come from the parser's own definitions; contexts from the kubeconfig; namespaces
//! and pods from the cluster, asked briefly and read-only.

use crate::cli::CommonArgs;
use std::time::Duration;

/// What the word being typed is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    Subcommands,
    /// Options of the subcommand (the top level's when `None`).
    Options(Option<String>),
    Contexts,
    Namespaces,
    Pods,
    /// The values clap lists for the option (`-o table|json`).
    Values(Vec<String>),
    /// A file path: the shell's own completion.
    Files,
    Nothing,
}

/// Subcommands whose first positional argument is a pod name.
const POD_FIRST: [&str; 3] = ["resize", "boost", "make-room"];

/// Cobra's directives: let the shell complete files, or offer nothing more than the list.
const DIRECTIVE_DEFAULT: u8 = 0;
const DIRECTIVE_NO_FILES: u8 = 4;

/// The option `word` names in `command` (or its subcommand), if any.
fn option<'a>(command: &'a clap::Command, sub: Option<&str>, word: &str) -> Option<&'a clap::Arg> {
    let mut args: Vec<&clap::Arg> = command.get_arguments().collect();
    if let Some(sub) = sub.and_then(|s| command.find_subcommand(s)) {
        args.extend(sub.get_arguments());
    }
    let long = word.strip_prefix("--");
    let short = word
        .strip_prefix('-')
        .filter(|s| s.chars().count() == 1)
        .and_then(|s| s.chars().next());
    args.into_iter().find(|a| match (long, short) {
        (Some(l), _) => a.get_long() == Some(l),
        (None, Some(s)) => a.get_short() == Some(s),
        _ => false,
    })
}

fn takes_value(arg: &clap::Arg) -> bool {
    arg.get_action().takes_values()
}

/// What the last of `words` is, from the words before it.
pub fn want(command: &clap::Command, words: &[String]) -> Want {
    let Some((current, before)) = words.split_last() else {
        return Want::Subcommands;
    };
    let mut sub: Option<String> = None;
    let mut positionals = 0;
    let mut skip = false;
    for word in before {
        if std::mem::take(&mut skip) {
            continue;
        }
        if word.starts_with('-') {
            skip = !word.contains('=')
                && option(command, sub.as_deref(), word).is_some_and(takes_value);
        } else if sub.is_none() && command.find_subcommand(word).is_some() {
            sub = Some(word.clone());
        } else {
            positionals += 1;
        }
    }
    if skip {
        // The word is the value of the option before it.
        let flag = before.last().map(String::as_str).unwrap_or_default();
        let Some(arg) = option(command, sub.as_deref(), flag) else {
            return Want::Nothing;
        };
        return match arg.get_id().as_str() {
            "context" => Want::Contexts,
            "namespace" => Want::Namespaces,
            _ => {
                let values: Vec<String> = (arg.get_possible_values().iter())
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                match arg.get_value_hint() {
                    _ if !values.is_empty() => Want::Values(values),
                    clap::ValueHint::Unknown | clap::ValueHint::FilePath => {
                        match arg.get_value_names() {
                            Some([name, ..]) if name.as_str().contains("FILE") => Want::Files,
                            _ => Want::Nothing,
                        }
                    }
                    _ => Want::Files,
                }
            }
        };
    }
    match sub {
        _ if current.starts_with('-') => Want::Options(sub),
        None => Want::Subcommands,
        Some(s) if POD_FIRST.contains(&s.as_str()) && positionals == 0 => Want::Pods,
        Some(_) => Want::Nothing,
    }
}

/// The candidates of a pure `want`: subcommands, options and listed values.
pub fn listed(command: &clap::Command, want: &Want) -> Vec<String> {
    match want {
        Want::Subcommands => (command.get_subcommands())
            .filter(|s| !s.is_hide_set())
            .map(|s| s.get_name().to_string())
            .collect(),
        Want::Options(sub) => {
            let of = sub.as_deref().and_then(|s| command.find_subcommand(s));
            let mut args: Vec<&clap::Arg> =
                of.into_iter().flat_map(|s| s.get_arguments()).collect();
            args.extend(
                command
                    .get_arguments()
                    .filter(|a| a.is_global_set() || of.is_none()),
            );
            let mut out = Vec::new();
            for arg in args.into_iter().filter(|a| !a.is_hide_set()) {
                out.extend(arg.get_long().map(|l| format!("--{l}")));
                out.extend(arg.get_short().map(|s| format!("-{s}")));
            }
            out.extend(["--help".to_string()]);
            out.dedup();
            out
        }
        Want::Values(values) => values.clone(),
        _ => Vec::new(),
    }
}

/// `--kubeconfig`, `--context` and `-n` as typed so far: the names come from where the
/// command would look.
fn typed_options(words: &[String]) -> CommonArgs {
    let mut common = CommonArgs {
        readonly: true,
        ..CommonArgs::default()
    };
    let mut words = words.iter().peekable();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| words.peek().map(|v| (*v).clone()))
        };
        match flag {
            "--kubeconfig" => common.kubeconfig = value().map(Into::into),
            "--context" => common.context = value().into_iter().collect(),
            "-n" | "--namespace" => common.namespace = value(),
            _ => {}
        }
    }
    common
}

/// How long the cluster is given to answer: a shell waits on it.
const ASK_FOR: Duration = Duration::from_secs(3);

async fn names_from_cluster(common: &CommonArgs, want: &Want) -> Vec<String> {
    use k8s_openapi::api::core::v1::{Namespace, Pod};
    use kube::api::{Api, ListParams};
    let Ok((client, target)) = super::connect(common).await else {
        return Vec::new();
    };
    let params = ListParams::default();
    let names = |items: Vec<kube::core::ObjectMeta>| -> Vec<String> {
        items.into_iter().filter_map(|m| m.name).collect()
    };
    match want {
        Want::Namespaces => Api::<Namespace>::all(client)
            .list_metadata(&params)
            .await
            .map(|l| names(l.items.into_iter().map(|o| o.metadata).collect()))
            .unwrap_or_default(),
        Want::Pods => {
            let namespace = (common.namespace.clone()).unwrap_or(target.default_namespace);
            Api::<Pod>::namespaced(client, &namespace)
                .list_metadata(&params)
                .await
                .map(|l| names(l.items.into_iter().map(|o| o.metadata).collect()))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The candidates for `want` that need the kubeconfig or the cluster.
fn live_names(common: &CommonArgs, want: &Want) -> Vec<String> {
    match want {
        Want::Contexts => super::contexts::all_context_names(common).unwrap_or_default(),
        Want::Namespaces | Want::Pods => {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return Vec::new();
            };
            runtime.block_on(async {
                tokio::time::timeout(ASK_FOR, names_from_cluster(common, want))
                    .await
                    .unwrap_or_default()
            })
        }
        _ => Vec::new(),
    }
}

/// Answers one completion request on stdout.
pub fn run(words: &[String]) {
    let command = crate::invocation::command(false);
    let words: Vec<String> = if words.is_empty() {
        vec![String::new()]
    } else {
        words.to_vec()
    };
    let want = want(&command, &words);
    let current = words.last().map(String::as_str).unwrap_or_default();
    let mut names = listed(&command, &want);
    names.extend(live_names(&typed_options(&words), &want));
    for name in names.iter().filter(|n| n.starts_with(current)) {
        crate::outln!("{name}");
    }
    let directive = match want {
        Want::Files => DIRECTIVE_DEFAULT,
        _ => DIRECTIVE_NO_FILES,
    };
    crate::outln!(":{directive}");
}

#[cfg(test)]
#[path = "complete_tests.rs"]
mod tests;
