//! The shipped themes: all present, complete, and fit for their purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use podsize::theme::{SLOT_NAMES, Theme, builtin_names, preview_lines, render_theme_list};
use ratatui::style::{Color, Style};

const RESIZE_STATES: &[&str] = &[
    "resize_done",
    "resize_proposed",
    "resize_in_progress",
    "resize_deferred",
    "resize_infeasible",
    "resize_error",
    "resize_unsupported",
    "resize_stuck",
];

fn themes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes")
}

fn theme_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(themes_dir())
        .expect("themes/ is readable")
        .map(|entry| entry.expect("themes/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn builtin(name: &str) -> Theme {
    Theme::from_spec(name)
        .map_err(|err| err.to_string())
        .expect("shipped theme loads")
}

fn styles(theme: &Theme) -> impl Iterator<Item = (&'static str, Style)> + '_ {
    SLOT_NAMES
        .iter()
        .map(move |name| (*name, theme.slot(name).expect("known slot")))
}

#[test]
fn every_theme_file_loads_with_every_slot_set_and_is_embedded() {
    let files = theme_files();
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        // Loading enforces completeness: a chain whose root leaves a slot
        // unset is an error (see `missing_slots` in theme_errors.rs).
        let from_disk = Theme::from_file(&path).unwrap_or_else(|err| panic!("{err}"));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(from_disk.name, stem, "name key matches the file name");
        assert!(builtin_names().contains(&stem), "{stem} is not embedded");
        assert_eq!(Theme::builtin(stem), Some(from_disk), "{stem}");
    }
}

#[test]
fn every_builtin_name_has_a_file() {
    for name in builtin_names() {
        assert!(
            themes_dir().join(format!("{name}.toml")).is_file(),
            "{name}"
        );
        assert!(Theme::builtin(name).is_some(), "{name}");
    }
    for required in ["default", "light", "high-contrast", "mono", "colorblind"] {
        assert!(builtin_names().contains(&required), "{required}");
    }
    assert_eq!(Theme::builtin("nope"), None);
}

#[test]
fn default_is_the_shipped_default() {
    assert_eq!(Theme::default(), builtin("default"));
    assert_eq!(Theme::default().name, "default");
}

#[test]
fn resize_states_look_different_in_every_theme() {
    for name in builtin_names() {
        let theme = builtin(name);
        let distinct: BTreeSet<String> = RESIZE_STATES
            .iter()
            .map(|slot| format!("{:?}", theme.slot(slot).unwrap()))
            .collect();
        assert_eq!(distinct.len(), RESIZE_STATES.len(), "{name}");
    }
}

#[test]
fn selected_row_differs_from_base_in_every_theme() {
    for name in builtin_names() {
        let theme = builtin(name);
        assert_ne!(theme.selected, theme.base, "{name}");
        assert_ne!(theme.diff, theme.base, "{name}");
    }
}

#[test]
fn mono_uses_no_colour_at_all() {
    for (slot, style) in styles(&builtin("mono")) {
        assert_eq!((style.fg, style.bg), (None, None), "mono slot {slot}");
    }
}

#[test]
fn colorblind_avoids_red_and_green() {
    let forbidden = [Color::Red, Color::LightRed, Color::Green, Color::LightGreen];
    for (slot, style) in styles(&builtin("colorblind")) {
        for colour in [style.fg, style.bg].into_iter().flatten() {
            assert!(
                !forbidden.contains(&colour),
                "colorblind slot {slot}: {colour}"
            );
        }
    }
}

#[test]
fn high_contrast_is_bold_on_a_solid_background() {
    let theme = builtin("high-contrast");
    assert_eq!(theme.base.bg, Some(Color::Black));
    for slot in RESIZE_STATES {
        let style = theme.slot(slot).unwrap();
        assert!(
            style.add_modifier.contains(ratatui::style::Modifier::BOLD),
            "{slot}"
        );
    }
}

#[test]
fn preview_shows_every_resize_state_in_its_style() {
    let theme = builtin("default");
    let lines = preview_lines(&theme);
    assert!(lines.len() >= 4);
    let spans: Vec<_> = lines.iter().flat_map(|line| line.spans.iter()).collect();
    for (label, style) in [
        ("deferred", theme.resize_deferred),
        ("infeasible", theme.resize_infeasible),
        ("in-progress", theme.resize_in_progress),
        ("500m", theme.diff),
    ] {
        assert!(
            spans.iter().any(|s| s.content == label && s.style == style),
            "{label}"
        );
    }
    assert!(
        lines
            .iter()
            .flat_map(|l| &l.spans)
            .any(|s| s.style == theme.selected)
    );
}

#[test]
fn theme_list_names_every_theme_with_colour_only_when_allowed() {
    let coloured = render_theme_list(false);
    let plain = render_theme_list(true);
    for name in builtin_names() {
        assert!(coloured.contains(&format!("{name}\n")), "{name}");
        assert!(plain.contains(&format!("{name}\n")), "{name}");
    }
    assert!(coloured.contains("\x1b["));
    assert!(!plain.contains('\x1b'));
    assert!(plain.contains("in-progress"));
}
