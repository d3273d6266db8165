//! Choosing the theme at start-up: explicit names, the user's file, NO_COLOR,
//! and falling back instead of refusing to start.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use podsize::theme::{Theme, load, load_with_config};
use ratatui::style::{Color, Modifier, Style};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/themes")
        .join(name)
}

fn builtin(name: &str) -> Theme {
    Theme::builtin(name).expect("shipped theme")
}

#[test]
fn user_file_overrides_one_slot_of_its_parent() {
    let theme = Theme::from_file(&fixture("override_one.toml")).unwrap();
    let default = builtin("default");
    assert_eq!(theme.name, "my-theme");
    assert_eq!(
        theme.selected,
        Style::new()
            .fg(Color::Black)
            .bg(Color::Rgb(0xff, 0xaf, 0x00))
            .add_modifier(Modifier::BOLD)
    );
    let mut expected = default;
    expected.name = "my-theme".into();
    expected.selected = theme.selected;
    assert_eq!(theme, expected, "every other slot is the parent's");
}

#[test]
fn parent_can_be_a_file_relative_to_the_child() {
    let theme = Theme::from_file(&fixture("child_of_file.toml")).unwrap();
    assert_eq!(
        theme.name, "child_of_file",
        "name defaults to the file stem"
    );
    assert_eq!(theme.accent, Style::new().fg(Color::Magenta));
    assert_eq!(theme.selected.bg, Some(Color::Rgb(0xff, 0xaf, 0x00)));
    assert_eq!(theme.header, builtin("default").header);
}

#[test]
fn explicit_name_or_file_is_used() {
    let loaded = load_with_config(Some("light"), false, None);
    assert_eq!(
        loaded,
        podsize::theme::ThemeLoad {
            theme: builtin("light"),
            warning: None
        }
    );
    let path = fixture("override_one.toml");
    let loaded = load_with_config(Some(path.to_str().unwrap()), false, None);
    assert_eq!(loaded.theme.name, "my-theme");
    assert_eq!(loaded.warning, None);
}

#[test]
fn broken_file_falls_back_to_default_with_the_error_as_warning() {
    let path = fixture("bad_colour.toml");
    let loaded = load_with_config(Some(path.to_str().unwrap()), false, None);
    assert_eq!(loaded.theme, builtin("default"));
    let warning = loaded.warning.unwrap();
    assert!(
        warning.contains("slot \"selected\": unknown colour \"blurple\""),
        "{warning}"
    );
    assert!(warning.contains(&path.display().to_string()), "{warning}");
}

#[test]
fn unknown_theme_name_falls_back_with_a_warning() {
    let loaded = load(Some("solarized"), false);
    assert_eq!(loaded.theme, builtin("default"));
    assert!(loaded.warning.unwrap().contains("\"solarized\""));
}

#[test]
fn user_config_file_is_used_when_present() {
    let config = fixture("override_one.toml");
    let loaded = load_with_config(None, false, Some(&config));
    assert_eq!(loaded.theme.name, "my-theme");
    assert_eq!(loaded.warning, None);
}

#[test]
fn absent_user_config_means_default_without_warning() {
    let config = fixture("no_such_config.toml");
    let loaded = load_with_config(None, false, Some(&config));
    assert_eq!(loaded.theme, builtin("default"));
    assert_eq!(loaded.warning, None);
    assert_eq!(
        load_with_config(None, false, None).theme,
        builtin("default")
    );
}

#[test]
fn broken_user_config_falls_back_with_a_warning() {
    let config = fixture("syntax_error.toml");
    let loaded = load_with_config(None, false, Some(&config));
    assert_eq!(loaded.theme, builtin("default"));
    assert!(
        loaded
            .warning
            .unwrap()
            .contains("TOML syntax error at line 4")
    );
}

#[test]
fn no_color_selects_mono() {
    let loaded = load_with_config(None, true, None);
    assert_eq!(loaded.theme, builtin("mono"));
    assert_eq!(loaded.warning, None);
}

#[test]
fn an_explicit_choice_overrides_no_color() {
    assert_eq!(
        load_with_config(Some("light"), true, None).theme,
        builtin("light")
    );
    let config = fixture("override_one.toml");
    assert_eq!(
        load_with_config(None, true, Some(&config)).theme.name,
        "my-theme"
    );
}

#[test]
fn fallback_under_no_color_stays_colourless() {
    let path = fixture("bad_colour.toml");
    let loaded = load_with_config(Some(path.to_str().unwrap()), true, None);
    assert_eq!(loaded.theme, builtin("mono"));
    assert!(
        loaded
            .warning
            .unwrap()
            .ends_with("using the \"mono\" theme instead")
    );
}
