//! Printing for commands whose output may be piped. `podsize recommend -A | head -1` closes the
//! pipe after one line, and `outln!` panics then; here a closed pipe ends the process quietly,
//! as it ends any Unix filter (exit 0, nothing on stderr), and any other write error is one line.

use std::io::Write;

/// Writes `args` to stdout; never returns on a write error.
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        quit_on_write_error(&e);
    }
}

/// Flushes stdout (a progress line without its newline); never returns on a write error.
pub fn flush_stdout() {
    if let Err(e) = std::io::stdout().lock().flush() {
        quit_on_write_error(&e);
    }
}

/// The reader is gone: nothing more can be said to it, so stop as a filter stops. Any other
/// error (a full disk behind a redirect) is reported once; the process exits 1.
pub fn quit_on_write_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("podsize: cannot write to stdout: {e}");
    std::process::exit(1)
}

/// `outln!` that ends the process quietly on a closed pipe instead of panicking.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::stdout::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::stdout::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `out!` that ends the process quietly on a closed pipe instead of panicking.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write_stdout(format_args!($($arg)*))
    };
}

/// Writes a line a long-running server announces (`podsize sim`'s address and kubeconfig):
/// best effort, since the server goes on serving whether or not anybody reads its stdout.
pub fn announce_line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(args).and_then(|()| out.write_all(b"\n"));
}

/// `println!` for a server's announcements: ignored once nobody reads them, never fatal.
#[macro_export]
macro_rules! announce {
    ($($arg:tt)*) => {
        $crate::stdout::announce_line(format_args!($($arg)*))
    };
}
