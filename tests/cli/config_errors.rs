//! Broken config files: each problem is one message naming the file, the line and the key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podsize::config::{ConfigPath, Source, load};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

/// The fixture's error message, and the `config file "…", line N` prefix it must start with.
fn error_for(name: &str, line: usize) -> (String, String) {
    let path = fixture(name);
    let found = ConfigPath {
        path: Some(path.clone()),
        source: Source::Flag("--config"),
    };
    let err = load(&found).expect_err("fixture should not load");
    let at = format!("config file \"{}\", line {line}", path.display());
    (at, err.to_string())
}

#[test]
fn the_full_example_loads() {
    let found = ConfigPath {
        path: Some(fixture("full.toml")),
        source: Source::Flag("--config"),
    };
    let file = load(&found).unwrap().unwrap();
    assert_eq!(file.theme.unwrap().value, "light");
    assert_eq!(file.history.unwrap().value.as_secs(), 7 * 86_400);
    let rotate = file.rotate_namespaces.unwrap();
    assert!(rotate.value);
    match rotate.source {
        Source::File(at) => assert_eq!(at.line, 13),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_key_lists_the_keys_read_there() {
    let (at, message) = error_for("unknown_key.toml", 3);
    assert_eq!(
        message,
        format!(
            "{at}: unknown key \"sortt\" (expected one of: theme, sort, columns, stuck_after, initial_list)"
        )
    );
}

#[test]
fn a_key_in_the_wrong_section_says_where_it_belongs() {
    let (at, message) = error_for("misplaced_key.toml", 2);
    assert!(
        message.starts_with(&format!("{at}: unknown key \"page_interval\"")),
        "{message}"
    );
    assert!(message.ends_with("; it belongs in [wall]"), "{message}");
}

#[test]
fn unknown_key_in_a_section_is_named_with_its_section() {
    let (at, message) = error_for("unknown_key_in_section.toml", 3);
    assert_eq!(
        message,
        format!(
            "{at}: unknown key \"wall.rotate\" (expected one of: wall.page_interval, wall.rotate_namespaces)"
        )
    );
}

#[test]
fn unknown_section_lists_the_sections() {
    let (at, message) = error_for("unknown_section.toml", 2);
    assert_eq!(
        message,
        format!(
            "{at}: unknown section [walls] (expected [metrics], [wall], [prometheus], [rightsizing])"
        )
    );
}

#[test]
fn wrong_type_says_what_was_expected_and_found() {
    let (at, message) = error_for("wrong_type.toml", 2);
    assert_eq!(
        message,
        format!(
            "{at}: key \"stuck_after\": expected a duration string such as \"30s\" or \"2m\", found integer 120"
        )
    );
    let (at, message) = error_for("wrong_type_section.toml", 1);
    assert_eq!(
        message,
        format!("{at}: key \"wall\": expected a table, found string \"fast\"")
    );
}

#[test]
fn bad_values_say_what_is_accepted() {
    let (at, message) = error_for("bad_value.toml", 2);
    assert_eq!(
        message,
        format!(
            "{at}: key \"sort\": unknown sort \"size\" (expected namespace/name, resize-state, \
             cpu-desired, cpu-actual, memory-desired, memory-actual, restarts, age, over-request, risk)"
        )
    );
    let (at, message) = error_for("bad_duration.toml", 3);
    assert_eq!(
        message,
        format!(
            "{at}: key \"wall.page_interval\": page interval \"500ms\" is below 1s: pages would \
             turn faster than they can be read"
        )
    );
    let (at, message) = error_for("bad_column.toml", 1);
    assert!(
        message.starts_with(&format!(
            "{at}: key \"columns\": unknown column \"cpu\" (expected cluster, namespace, pod,"
        )),
        "{message}"
    );
}

#[test]
fn a_column_of_the_wrong_type_is_described() {
    let (at, message) = error_for("bad_column_type.toml", 1);
    assert_eq!(
        message,
        format!("{at}: key \"columns\": expected column names (strings), found integer 3")
    );
}

#[test]
fn an_unknown_theme_names_the_file_it_looked_for() {
    let (at, message) = error_for("bad_theme.toml", 1);
    let looked = fixture("solarized");
    assert!(
        message.starts_with(&format!(
            "{at}: key \"theme\": theme \"solarized\" is neither a shipped theme (default,"
        )),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("(looked for \"{}\")", looked.display())),
        "{message}"
    );
}

#[test]
fn two_prometheus_addresses_are_refused_at_the_second() {
    let (at, message) = error_for("two_prometheus.toml", 3);
    assert_eq!(
        message,
        format!(
            "{at}: key \"prometheus.service\": set only one of prometheus.url and prometheus.service"
        )
    );
}

#[test]
fn syntax_error_gives_line_and_column() {
    let (at, message) = error_for("syntax_error.toml", 2);
    // Column 12: where the closing quote of `sort = "age` should be.
    assert_eq!(
        message,
        format!("{at}, column 12: TOML syntax error: invalid basic string, expected `\"`")
    );
}

#[test]
fn a_missing_default_file_is_fine_but_a_named_one_is_not() {
    let missing = fixture("no-such-file.toml");
    let default = ConfigPath {
        path: Some(missing.clone()),
        source: Source::Default,
    };
    assert_eq!(load(&default).unwrap(), None);
    let named = ConfigPath {
        path: Some(missing.clone()),
        source: Source::Env("PODSIZE_CONFIG"),
    };
    let message = load(&named).unwrap_err().to_string();
    let prefix = format!("config file \"{}\": cannot read: ", missing.display());
    assert!(message.starts_with(&prefix), "{message}");
}

#[test]
fn a_context_prometheus_that_is_neither_url_nor_service_names_its_line() {
    let (at, message) = error_for("bad_context_prometheus.toml", 3);
    assert_eq!(
        message,
        format!(
            "{at}: key \"prometheus.contexts.prod-us\": wants an http(s):// URL or NAMESPACE/NAME:PORT, not \"prometheus-us\""
        )
    );
    let (at, message) = error_for("contexts_not_a_table.toml", 2);
    assert!(
        message.starts_with(&format!("{at}: key \"prometheus.contexts\"")),
        "{message}"
    );
    assert!(message.contains("a table of context"), "{message}");
}
