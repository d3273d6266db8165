//! Inheritance: follow `parent` links, then merge the chain into one [`Theme`].
//!
//! A child replaces whole slots of its parent (it does not patch single
//! attributes), so what a file says for a slot is exactly what is drawn.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use super::builtin;
use super::error::{Origin, ThemeError};
use super::parse::{ThemeFile, parse_theme};
use super::slots::{SLOT_NAMES, Theme};

/// Most themes in one chain. Real themes need two or three; anything deeper
/// is almost certainly a mistake, and the limit bounds the work either way.
pub const MAX_DEPTH: usize = 8;

/// Where to read one theme of a chain from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A shipped theme, by its static name.
    Builtin(&'static str),
    /// A file on disk.
    File(PathBuf),
}

impl Source {
    fn origin(&self) -> Origin {
        match self {
            Self::Builtin(name) => Origin::Builtin(name),
            Self::File(path) => Origin::File(path.clone()),
        }
    }

    /// What makes two sources "the same theme" for cycle detection: the
    /// canonical path for files, so `./a.toml` and `a.toml` are one file.
    fn identity(&self) -> Cow<'_, Path> {
        match self {
            Self::Builtin(name) => Cow::Owned(PathBuf::from(format!("builtin:{name}"))),
            Self::File(path) => fs::canonicalize(path).map_or(Cow::Borrowed(path), Cow::Owned),
        }
    }

    /// Short label used in a cycle's chain.
    fn label(&self) -> String {
        match self {
            Self::Builtin(name) => (*name).to_owned(),
            Self::File(path) => path.display().to_string(),
        }
    }

    fn read(&self) -> Result<Cow<'static, str>, ThemeError> {
        match self {
            Self::Builtin(name) => Ok(Cow::Borrowed(builtin::source(name).unwrap_or_default())),
            Self::File(path) => {
                fs::read_to_string(path)
                    .map(Cow::Owned)
                    .map_err(|source| ThemeError::Read {
                        path: path.clone(),
                        source,
                    })
            }
        }
    }

    /// The name used when the file does not set one: its stem.
    fn default_name(&self) -> String {
        match self {
            Self::Builtin(name) => (*name).to_owned(),
            Self::File(path) => path.file_stem().map_or_else(
                || path.display().to_string(),
                |s| s.to_string_lossy().into(),
            ),
        }
    }
}

/// Loads `source` and all its ancestors and merges them into a full theme.
pub(crate) fn resolve(source: Source) -> Result<Theme, ThemeError> {
    let chain = collect_chain(source)?;
    merge_chain(&chain)
}

/// Reads the chain child-first: `[source, parent, grandparent, ...]`.
fn collect_chain(first: Source) -> Result<Vec<(Source, ThemeFile)>, ThemeError> {
    let mut chain: Vec<(Source, ThemeFile)> = Vec::new();
    let mut next = Some(first);
    while let Some(source) = next {
        check_can_extend(&chain, &source)?;
        let file = parse_theme(&source.read()?, &source.origin())?;
        next = match &file.parent {
            Some(parent) => Some(parent_source(&source, parent)?),
            None => None,
        };
        chain.push((source, file));
    }
    Ok(chain)
}

/// Refuses to add `source` to the chain if it is already in it (a cycle) or
/// the chain is already at the depth limit.
fn check_can_extend(chain: &[(Source, ThemeFile)], source: &Source) -> Result<(), ThemeError> {
    let (Some((first, _)), Some((last, _))) = (chain.first(), chain.last()) else {
        return Ok(());
    };
    let identity = source.identity();
    if chain.iter().any(|(seen, _)| seen.identity() == identity) {
        let mut labels: Vec<String> = chain.iter().map(|(s, _)| s.label()).collect();
        labels.push(source.label());
        return Err(ThemeError::Cycle {
            origin: last.origin(),
            chain: labels.join(" -> "),
        });
    }
    if chain.len() >= MAX_DEPTH {
        return Err(ThemeError::TooDeep {
            origin: first.origin(),
            limit: MAX_DEPTH,
        });
    }
    Ok(())
}

/// Finds a theme's parent: a shipped theme name first, otherwise a file path
/// relative to the child's directory. Shipped themes may only inherit from
/// shipped themes, so the binary never depends on the working directory.
fn parent_source(child: &Source, parent: &str) -> Result<Source, ThemeError> {
    if let Some(name) = builtin::static_name(parent) {
        return Ok(Source::Builtin(name));
    }
    let tried = match child {
        Source::Builtin(_) => PathBuf::from(parent),
        Source::File(path) => path.parent().unwrap_or(Path::new("")).join(parent),
    };
    if matches!(child, Source::File(_)) && tried.exists() {
        return Ok(Source::File(tried));
    }
    Err(ThemeError::UnknownParent {
        origin: child.origin(),
        parent: parent.to_owned(),
        tried,
    })
}

/// Applies the chain root-first, so children override their parents, then
/// checks that every slot got a value somewhere along the way.
fn merge_chain(chain: &[(Source, ThemeFile)]) -> Result<Theme, ThemeError> {
    let Some((first_source, first_file)) = chain.first() else {
        return Ok(Theme::plain(""));
    };
    let name = first_file
        .name
        .clone()
        .unwrap_or_else(|| first_source.default_name());
    let mut theme = Theme::plain(&name);
    let mut set: Vec<&str> = Vec::new();
    for (_, file) in chain.iter().rev() {
        for (slot, style) in &file.slots {
            if let Some(target) = theme.slot_mut(slot) {
                *target = *style;
                set.push(slot);
            }
        }
    }
    let missing: Vec<&str> = SLOT_NAMES
        .iter()
        .copied()
        .filter(|slot| !set.contains(slot))
        .collect();
    match (missing.is_empty(), chain.last()) {
        (false, Some((root, _))) => Err(ThemeError::MissingSlots {
            origin: root.origin(),
            missing: missing.join(", "),
        }),
        _ => Ok(theme),
    }
}
