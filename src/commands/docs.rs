//! Generated documents: shell completion scripts and the man page, both built from the
//! clap definitions so they list exactly the options the parser accepts.

use super::CommandError;
use crate::cli::{Cli, CompletionShell};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// Bash: names from `podsize __complete` where it has any, else clap's completion.
const BASH_NAMES: &str = r#"
# Context, namespace and pod names, subcommands and options from `podsize __complete`; what it
# leaves to the shell (files) from the completion above. With bash-completion loaded, words are
# not split at `:` or `=` (EKS contexts are ARNs).
_podsize_names() {
    local IFS=$'\n' out directive cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]}
    fi
    out=$(podsize __complete "${words[@]:1:cword}" 2>/dev/null)
    directive=${out##*:}
    COMPREPLY=($(printf '%s\n' "$out" | sed '$d'))
    if [ ${#COMPREPLY[@]} -eq 0 ] && [ "$directive" != 4 ]; then
        _podsize "$@"
        return
    fi
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
}
complete -F _podsize_names -o bashdefault -o default podsize
"#;

const ZSH_NAMES: &str = r#"
# Context, namespace and pod names, subcommands and options from `podsize __complete`; what it
# leaves to the shell (files) from the completion above.
_podsize_names() {
    local -a lines
    lines=("${(@f)$(podsize __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    local directive=${lines[-1]#:}
    lines=("${(@)lines[1,-2]}")
    if (( ${#lines} )); then
        compadd -a lines
    elif [[ $directive != 4 ]]; then
        _podsize "$@"
    fi
}
compdef _podsize_names podsize
"#;

const FISH_NAMES: &str = r#"
# Context, namespace and pod names from `podsize __complete`.
function __podsize_names
    set -l words (commandline -opc) (commandline -ct)
    podsize __complete $words[2..-1] 2>/dev/null | string match -v -r '^:'
end
complete -c podsize -f -a '(__podsize_names)'
"#;

/// Installed as `kubectl_complete-podsize` on PATH: kubectl 1.26+ runs it with the words after
/// `kubectl podsize` and reads the answer in the form `podsize __complete` gives.
const KUBECTL_PLUGIN: &str = r#"#!/bin/sh
# Completion for `kubectl podsize`. Install: podsize completion kubectl >
# ~/.local/bin/kubectl_complete-podsize && chmod +x ~/.local/bin/kubectl_complete-podsize
exec podsize __complete "$@"
"#;

pub fn completion(shell: CompletionShell) -> Result<(), CommandError> {
    let (clap_shell, names) = match shell {
        CompletionShell::Kubectl => return write_stdout(KUBECTL_PLUGIN.as_bytes()),
        CompletionShell::Bash => (Shell::Bash, BASH_NAMES),
        CompletionShell::Zsh => (Shell::Zsh, ZSH_NAMES),
        CompletionShell::Fish => (Shell::Fish, FISH_NAMES),
        CompletionShell::Elvish => (Shell::Elvish, ""),
        CompletionShell::Powershell => (Shell::PowerShell, ""),
    };
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(clap_shell, &mut command, "podsize", &mut script);
    script.extend_from_slice(names.as_bytes());
    write_stdout(&script)
}

pub fn man() -> Result<(), CommandError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CommandError::Output(format!("cannot render the man page: {e}")))?;
    write_stdout(&page)
}

fn write_stdout(bytes: &[u8]) -> Result<(), CommandError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        // `podsize man | head` closes the pipe early: not an error worth a message.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CommandError::Output(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
