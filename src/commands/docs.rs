//! Generated documents: shell completion scripts and the man page, both built from the
//! clap definitions so they list exactly the options the parser accepts.

use super::CommandError;
use crate::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

pub fn completion(shell: Shell) -> Result<(), CommandError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "podsize", &mut script);
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
