//! Broken theme files: each problem gives a message naming file, key and value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use podsize::theme::{MAX_DEPTH, Theme, ThemeError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/themes")
        .join(name)
}

/// Loads a fixture that must fail; returns its path's label and the message.
fn error_for(name: &str) -> (String, String) {
    let path = fixture(name);
    let err = Theme::from_file(&path).expect_err("fixture should not load");
    (
        format!("theme file \"{}\"", path.display()),
        err.to_string(),
    )
}

#[test]
fn bad_colour_names_file_slot_and_value() {
    let (file, message) = error_for("bad_colour.toml");
    assert_eq!(
        message,
        format!("{file}: slot \"selected\": unknown colour \"blurple\"")
    );
}

#[test]
fn unknown_slot_names_the_key_and_suggests_a_fix() {
    let (file, message) = error_for("unknown_slot.toml");
    assert_eq!(
        message,
        format!("{file}: unknown slot \"selcted\" (did you mean \"selected\"?)")
    );
}

#[test]
fn bad_attribute_names_slot_and_attribute() {
    let (file, message) = error_for("bad_attribute.toml");
    assert!(
        message.starts_with(&format!(
            "{file}: slot \"title\": unknown attribute \"blink\""
        )),
        "{message}"
    );
    assert!(
        message.contains("bold"),
        "lists the allowed attributes: {message}"
    );
}

#[test]
fn wrong_type_says_what_was_expected_and_found() {
    let (file, message) = error_for("wrong_type.toml");
    assert_eq!(
        message,
        format!(
            "{file}: slot \"marked\": attribute \"bold\": expected true or false, found string \"yes\""
        )
    );
}

#[test]
fn unknown_top_level_key_is_named() {
    let (file, message) = error_for("unknown_key.toml");
    assert!(
        message.starts_with(&format!("{file}: unknown key \"colours\"")),
        "{message}"
    );
}

#[test]
fn syntax_error_gives_the_line() {
    let (file, message) = error_for("syntax_error.toml");
    assert!(
        message.starts_with(&format!("{file}: TOML syntax error at line 4, column")),
        "{message}"
    );
    let err = Theme::from_file(&fixture("syntax_error.toml")).unwrap_err();
    assert!(matches!(err, ThemeError::Syntax { line: 4, .. }), "{err:?}");
}

#[test]
fn cycle_through_two_files_is_reported_with_the_chain() {
    let (file_a, message) = error_for("cycle_a.toml");
    let file_b = fixture("cycle_b.toml");
    let a = fixture("cycle_a.toml");
    assert!(
        message.starts_with(&format!(
            "theme file \"{}\": parent cycle: ",
            file_b.display()
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!(
            "{} -> {} -> {}",
            a.display(),
            file_b.display(),
            a.display()
        )),
        "{message} (loading {file_a})"
    );
}

#[test]
fn unknown_parent_names_the_parent_and_the_shipped_themes() {
    let (file, message) = error_for("unknown_parent.toml");
    assert!(
        message.starts_with(&format!(
            "{file}: unknown parent \"solarized-dark\": not a shipped theme (default, "
        )),
        "{message}"
    );
    assert!(
        message.contains(&fixture("solarized-dark").display().to_string()),
        "{message}"
    );
}

#[test]
fn missing_file_names_the_file() {
    let (file, message) = error_for("does_not_exist.toml");
    assert!(
        message.starts_with(&format!("{file}: cannot read: ")),
        "{message}"
    );
    let err = Theme::from_file(&fixture("does_not_exist.toml")).unwrap_err();
    assert!(matches!(err, ThemeError::Read { .. }));
}

#[test]
fn theme_without_parent_must_set_every_slot() {
    let (file, message) = error_for("missing_slots.toml");
    assert!(
        message.starts_with(&format!("{file}: has no parent")),
        "{message}"
    );
    assert!(message.contains("muted, accent, border"), "{message}");
    assert!(!message.contains("base,"), "base is set: {message}");
}

#[test]
fn unknown_name_lists_the_shipped_themes() {
    let message = Theme::from_spec("solarized").unwrap_err().to_string();
    assert_eq!(
        message,
        "theme \"solarized\" is neither a shipped theme \
         (default, light, high-contrast, mono, colorblind) nor an existing file"
    );
}

#[test]
fn chains_deeper_than_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let count = MAX_DEPTH + 1;
    for i in 0..count {
        let parent = if i + 1 < count {
            format!("t{}.toml", i + 1)
        } else {
            "default".to_owned()
        };
        std::fs::write(
            dir.path().join(format!("t{i}.toml")),
            format!("parent = \"{parent}\"\n"),
        )
        .unwrap();
    }
    let first = dir.path().join("t0.toml");
    let message = Theme::from_file(&first).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "theme file \"{}\": parent chain longer than {MAX_DEPTH} themes",
            first.display()
        )
    );
    // One less fits: MAX_DEPTH themes in the chain, counting `default`.
    let ok = dir.path().join("t2.toml");
    assert!(Theme::from_file(&ok).is_ok());
}
