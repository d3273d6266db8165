//! Errors from reading a theme, each naming where the problem is.
//!
//! A theme error is shown to the user as a one-line warning while podsize
//! carries on with the default theme, so every message has to be enough on its
//! own to fix the file: which file, which key, which value.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where a theme came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A theme shipped inside the binary, by name.
    Builtin(&'static str),
    /// A theme file on disk, by the path it was opened with.
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(name) => write!(f, "built-in theme \"{name}\""),
            Self::File(path) => write!(f, "theme file \"{}\"", path.display()),
        }
    }
}

/// Everything that can go wrong while loading a theme.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The file could not be read (missing, a directory, no permission...).
    #[error("theme file \"{}\": cannot read: {source}", path.display())]
    Read {
        /// The path as it was opened.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The text is not valid TOML.
    #[error("{origin}: TOML syntax error at line {line}, column {column}: {message}")]
    Syntax {
        /// The offending theme.
        origin: Origin,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// The parser's description.
        message: String,
    },
    /// A top-level key other than `name`, `parent` and `slots`.
    #[error("{origin}: unknown key \"{key}\" (expected \"name\", \"parent\" or \"slots\")")]
    UnknownKey {
        /// The offending theme.
        origin: Origin,
        /// The key as written.
        key: String,
    },
    /// A key in `[slots]` that is not a slot name.
    #[error("{origin}: unknown slot \"{key}\"{hint}")]
    UnknownSlot {
        /// The offending theme.
        origin: Origin,
        /// The key as written.
        key: String,
        /// A ` (did you mean "...")` suggestion, or empty.
        hint: String,
    },
    /// A colour string that ratatui cannot parse, or an index above 255.
    #[error("{origin}: slot \"{slot}\": unknown colour \"{value}\"")]
    UnknownColour {
        /// The offending theme.
        origin: Origin,
        /// The slot whose colour is wrong.
        slot: String,
        /// The value as written.
        value: String,
    },
    /// A key inside a slot's inline table that is not a colour or modifier.
    #[error(
        "{origin}: slot \"{slot}\": unknown attribute \"{key}\" \
         (expected fg, bg, bold, italic, underlined, reversed or dim)"
    )]
    UnknownAttribute {
        /// The offending theme.
        origin: Origin,
        /// The slot containing the attribute.
        slot: String,
        /// The attribute as written.
        key: String,
    },
    /// A value of the wrong TOML type (e.g. `bold = "yes"`).
    #[error("{origin}: {key}: expected {expected}, found {found}")]
    WrongType {
        /// The offending theme.
        origin: Origin,
        /// Where the value is, e.g. `slot "selected": attribute "bold"`.
        key: String,
        /// What was expected, in words.
        expected: &'static str,
        /// What was found: its TOML type and, for scalars, its value.
        found: String,
    },
    /// `parent` is neither a shipped theme nor an existing file.
    #[error(
        "{origin}: unknown parent \"{parent}\": not a shipped theme ({}) \
         and no file \"{}\"",
        super::builtin_names().join(", "),
        tried.display()
    )]
    UnknownParent {
        /// The theme naming the parent.
        origin: Origin,
        /// The parent as written.
        parent: String,
        /// The file path that was looked for.
        tried: PathBuf,
    },
    /// Following `parent` links came back to a theme already in the chain.
    #[error("{origin}: parent cycle: {chain}")]
    Cycle {
        /// The theme whose parent closes the loop.
        origin: Origin,
        /// The chain, e.g. `a.toml -> b.toml -> a.toml`.
        chain: String,
    },
    /// More `parent` links than the limit; almost surely a mistake.
    #[error("{origin}: parent chain longer than {limit} themes")]
    TooDeep {
        /// The theme being loaded.
        origin: Origin,
        /// The maximum number of themes in a chain.
        limit: usize,
    },
    /// A theme with no parent that does not set every slot.
    #[error(
        "{origin}: has no parent, so it must set every slot, but these are unset: \
         {missing} (or add parent = \"default\")"
    )]
    MissingSlots {
        /// The root of the chain, the theme without a parent.
        origin: Origin,
        /// The unset slot names, comma separated.
        missing: String,
    },
    /// `--theme NAME` named neither a shipped theme nor an existing file.
    #[error(
        "theme \"{name}\" is neither a shipped theme ({}) nor an existing file",
        super::builtin_names().join(", ")
    )]
    UnknownTheme {
        /// The name as given.
        name: String,
    },
}
