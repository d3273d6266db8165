//! The themes shipped inside the binary.
//!
//! They are embedded with `include_str!` from `themes/*.toml`, so the files in
//! the repository are the single source of truth and podsize needs nothing on
//! disk to start.

use super::resolve::{Source, resolve};
use super::slots::Theme;

/// Names of the shipped themes, in the order `podsize themes` lists them.
const NAMES: &[&str] = &["default", "light", "high-contrast", "mono", "colorblind"];

/// Names of every shipped theme.
pub fn builtin_names() -> &'static [&'static str] {
    NAMES
}

/// The embedded TOML of a shipped theme.
pub(crate) fn source(name: &str) -> Option<&'static str> {
    match name {
        "default" => Some(include_str!("../../themes/default.toml")),
        "light" => Some(include_str!("../../themes/light.toml")),
        "high-contrast" => Some(include_str!("../../themes/high-contrast.toml")),
        "mono" => Some(include_str!("../../themes/mono.toml")),
        "colorblind" => Some(include_str!("../../themes/colorblind.toml")),
        _ => None,
    }
}

/// The `'static` spelling of a shipped theme's name, if `name` is one.
pub(crate) fn static_name(name: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|candidate| *candidate == name)
}

impl Theme {
    /// A shipped theme by name, with its parents merged in. `None` if there is
    /// no such theme (the shipped files themselves are checked by tests).
    pub fn builtin(name: &str) -> Option<Theme> {
        resolve(Source::Builtin(static_name(name)?)).ok()
    }

    /// A shipped theme by name, or a plain theme if it somehow fails to
    /// load: callers that must always have a theme can never be left without.
    pub(crate) fn builtin_or_plain(name: &str) -> Theme {
        Theme::builtin(name).unwrap_or_else(|| Theme::plain(name))
    }
}

impl Default for Theme {
    /// The shipped `default` theme.
    fn default() -> Self {
        Theme::builtin_or_plain("default")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_embedded_text() {
        for name in builtin_names() {
            assert!(source(name).is_some(), "{name}");
        }
    }

    #[test]
    fn every_shipped_theme_resolves() {
        for name in builtin_names() {
            let theme = resolve(Source::Builtin(name));
            assert!(theme.is_ok(), "{name}: {theme:?}");
        }
    }
}
