//! Themes: semantic style slots loaded from TOML, with inheritance.
//!
//! Widgets style themselves through [`Theme`]'s slots (`selected`,
//! `resize_deferred`, ...) instead of naming colours, so users can restyle
//! podsize with a small TOML file. Shipped themes live in `themes/*.toml` and
//! are embedded in the binary. Loading never stops the program: a broken
//! theme falls back to a shipped one and the error becomes a warning for the
//! UI to show (see [`load`]).
//!
//! File format:
//! ```toml
//! name = "mine"
//! parent = "default"          # shipped theme name, or a path relative to this file
//! [slots]
//! accent = "lightblue"        # a colour alone sets the foreground
//! selected = { fg = "black", bg = "#ffaf00", bold = true }
//! ```

mod ansi;
mod builtin;
mod error;
mod parse;
mod preview;
mod resolve;
mod slots;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub use builtin::builtin_names;
pub use error::{Origin, ThemeError};
pub use preview::{preview_lines, render_theme_list};
pub use resolve::MAX_DEPTH;
pub use slots::{SLOT_NAMES, Theme};

use resolve::{Source, resolve};

/// The theme to use, plus why it is not the one asked for, if it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeLoad {
    /// The theme to draw with; always usable.
    pub theme: Theme,
    /// The error that made podsize fall back, for the UI to display.
    pub warning: Option<String>,
}

impl Theme {
    /// Loads a theme file (and its parents), reporting any problem.
    pub fn from_file(path: &Path) -> Result<Theme, ThemeError> {
        resolve(Source::File(path.to_path_buf()))
    }

    /// Loads a theme given as on the command line (`--theme`): a shipped
    /// theme name, otherwise a file path.
    pub fn from_spec(spec: &str) -> Result<Theme, ThemeError> {
        if let Some(name) = builtin::static_name(spec) {
            return resolve(Source::Builtin(name));
        }
        let path = Path::new(spec);
        if !path.exists() && looks_like_a_name(spec) {
            return Err(ThemeError::UnknownTheme {
                name: spec.to_owned(),
            });
        }
        Theme::from_file(path)
    }
}

/// Whether a missing `--theme` value was probably meant as a shipped name
/// (no directory part, no `.toml`), so the error lists the shipped names
/// instead of "file not found".
fn looks_like_a_name(spec: &str) -> bool {
    let path = Path::new(spec);
    path.components().count() == 1 && path.extension().is_none()
}

/// Picks the theme podsize runs with, reading the user's config file.
///
/// `spec` is the `--theme` value (a shipped name or a file). Without it, the
/// user's `theme.toml` (see [`user_config_path`]) is used if it exists, else
/// `default`. `no_color` (the caller's reading of `NO_COLOR`) selects `mono`
/// unless a theme was chosen explicitly, by `--theme` or by the config file, as
/// <https://no-color.org> asks. On any error the result is the fallback theme
/// (`mono` under `no_color`, else `default`) with the error as the warning.
pub fn load(spec: Option<&str>, no_color: bool) -> ThemeLoad {
    load_with_config(spec, no_color, user_config_path().as_deref())
}

/// [`load`] with an explicit config file path instead of the environment's,
/// so it can be tested and so callers can offer a `--config`-style override.
pub fn load_with_config(spec: Option<&str>, no_color: bool, config: Option<&Path>) -> ThemeLoad {
    let attempt = match (spec, config.filter(|path| path.exists())) {
        (Some(spec), _) => Theme::from_spec(spec),
        (None, Some(path)) => Theme::from_file(path),
        (None, None) => {
            return ThemeLoad {
                theme: fallback(no_color),
                warning: None,
            };
        }
    };
    match attempt {
        Ok(theme) => ThemeLoad {
            theme,
            warning: None,
        },
        Err(err) => {
            let theme = fallback(no_color);
            let warning = format!("{err}; using the \"{}\" theme instead", theme.name);
            ThemeLoad {
                theme,
                warning: Some(warning),
            }
        }
    }
}

/// The theme used when none is chosen or the chosen one is broken.
fn fallback(no_color: bool) -> Theme {
    Theme::builtin_or_plain(if no_color { "mono" } else { "default" })
}

/// The user's theme file: `$XDG_CONFIG_HOME/podsize/theme.toml`, or
/// `~/.config/podsize/theme.toml`; `None` when neither variable helps.
pub fn user_config_path() -> Option<PathBuf> {
    config_path_from(
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    )
}

/// [`user_config_path`] over given variable values. A relative or empty
/// `XDG_CONFIG_HOME` is ignored, as the XDG base directory spec requires.
fn config_path_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let xdg = xdg.map(PathBuf::from).filter(|path| path.is_absolute());
    let base = match xdg {
        Some(dir) => dir,
        None => PathBuf::from(home.filter(|home| !home.is_empty())?).join(".config"),
    };
    Some(base.join("podsize").join("theme.toml"))
}

/// Whether `NO_COLOR` is set to a non-empty value, the convention for
/// "no colours, please"; a convenience for callers of [`load`].
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_path_prefers_an_absolute_xdg_dir() {
        let path = config_path_from(Some("/x".into()), Some("/home/u".into()));
        assert_eq!(path, Some(PathBuf::from("/x/podsize/theme.toml")));
    }

    #[test]
    fn config_path_falls_back_to_home() {
        let expected = Some(PathBuf::from("/home/u/.config/podsize/theme.toml"));
        assert_eq!(config_path_from(None, Some("/home/u".into())), expected);
        assert_eq!(
            config_path_from(Some("rel".into()), Some("/home/u".into())),
            expected
        );
        assert_eq!(
            config_path_from(Some("".into()), Some("/home/u".into())),
            expected
        );
        assert_eq!(config_path_from(None, None), None);
        assert_eq!(config_path_from(None, Some("".into())), None);
    }

    #[test]
    fn names_and_paths_are_told_apart() {
        assert!(looks_like_a_name("solarized"));
        assert!(!looks_like_a_name("solarized.toml"));
        assert!(!looks_like_a_name("./solarized"));
    }
}
