//! The boundaries between podsize's top-level modules, read from the sources so that an import
//! that breaks one fails the build's tests (the model's own layers are checked in
//! `model/layering_tests.rs`, the simulated cluster's independence by cargo's crate graph).
//! Data flows one way: cluster sources → plain events → pure update → widgets; only
//! `commands/` and `main.rs` wire cluster to app to ui.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `file: path` for each file under `src/<dir>/` naming one of `forbidden` in code (comments
/// skipped). This file names the paths as data and is not read.
fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    offenders_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        forbidden,
    )
}

fn offenders_in(root: &Path, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    assert!(!files.is_empty(), "no sources in {}", root.display());
    let mut out = Vec::new();
    for path in files {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for line in source.lines() {
            let code = line.split_once("//").map_or(line, |(code, _)| code);
            for bad in forbidden.iter().filter(|b| code.contains(*b)) {
                out.push(format!("{}: {bad}", path.display()));
            }
        }
    }
    out
}

const EVERY_MODULE: [&str; 9] = [
    "crate::app",
    "crate::cli",
    "crate::cluster",
    "crate::commands",
    "crate::config",
    "crate::settings",
    "crate::theme",
    "crate::ui",
    "crate::invocation",
];

fn all_but(allowed: &[&str]) -> Vec<&'static str> {
    EVERY_MODULE
        .into_iter()
        .filter(|m| !allowed.contains(m))
        .collect()
}

#[test]
fn the_model_imports_nothing_of_the_program() {
    let bad = offenders("model", &EVERY_MODULE);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn settings_import_nothing_above_the_model() {
    let bad = offenders("settings", &EVERY_MODULE);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn config_imports_nothing_of_cluster_app_or_cli() {
    let bad = offenders(
        "config",
        &["crate::cluster", "crate::app", "crate::cli", "crate::ui"],
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_app_is_free_of_io_and_widgets() {
    let bad = offenders(
        "app",
        &all_but(&[
            "crate::app",
            "crate::settings",
            "crate::config",
            "crate::theme",
        ]),
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_cluster_side_knows_nothing_of_the_app_or_its_widgets() {
    let bad = offenders(
        "cluster",
        &all_but(&["crate::cluster", "crate::settings", "crate::config"]),
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn widgets_only_read_the_app() {
    let bad = offenders(
        "ui",
        &all_but(&[
            "crate::ui",
            "crate::app",
            "crate::theme",
            "crate::settings",
            "crate::config",
        ]),
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_forbidden_import_is_found_in_a_subfolder_and_a_comment_is_not() {
    let dir = std::env::temp_dir().join(format!("podsize-bounds-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("deeper"));
    let _ = std::fs::write(
        dir.join("deeper/x.rs"),
        "// crate::app in a comment\nuse crate::app::State;\n",
    );
    let hits = offenders_in(&dir, &["crate::app"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(hits.len(), 1, "{hits:?}");
}
