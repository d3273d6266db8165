//! Errors from reading the config file, each naming the file, the line and the key, so the
//! message alone is enough to fix it. They stop podsize before the terminal is touched.

use std::path::PathBuf;

/// A place in the config file: the file as opened and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "config file \"{}\", line {}",
            self.path.display(),
            self.line
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read (a directory, no permission, not UTF-8...).
    #[error("config file \"{}\": cannot read: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    /// Not valid TOML.
    #[error("{at}, column {column}: TOML syntax error: {message}")]
    Syntax {
        at: Location,
        column: usize,
        message: String,
    },
    /// A table header that podsize does not read (e.g. `[walls]`).
    #[error("{at}: unknown section [{section}] (expected {expected})")]
    UnknownSection {
        at: Location,
        section: String,
        expected: String,
    },
    /// A key podsize does not read, with the keys that are read there.
    #[error("{at}: unknown key \"{key}\" (expected one of: {expected}){hint}")]
    UnknownKey {
        at: Location,
        key: String,
        hint: String,
        expected: String,
    },
    /// A value of the wrong TOML type, e.g. `stuck_after = 120`.
    #[error("{at}: key \"{key}\": expected {expected}, found {found}")]
    WrongType {
        at: Location,
        key: String,
        expected: &'static str,
        found: String,
    },
    /// The right type but a value that means nothing, e.g. `sort = "size"`.
    #[error("{at}: key \"{key}\": {reason}")]
    BadValue {
        at: Location,
        key: String,
        reason: String,
    },
    /// An environment variable podsize reads holds a bad value.
    #[error("environment variable {var}: {reason}")]
    Env { var: &'static str, reason: String },
}
