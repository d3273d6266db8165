//! Reading options must not need the parts they configure: `config/` names none of `cluster`,
//! `app` or `cli` (their shared value types live in `settings`), and `settings/` itself names
//! nothing above `model`. Read from the sources so an import that breaks this fails the build.

use std::path::Path;

/// `(file, forbidden path)` for each file under `src/<dir>/` naming one of `forbidden`
/// outside a comment. `super::super::` would reach the crate root from these flat folders, so
/// it counts as a forbidden path too.
fn offenders(dir: &str, forbidden: &[&str]) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no sources in {}", root.display());
    // This file names the forbidden paths as data.
    let checked = |p: &&std::path::PathBuf| {
        p.extension().is_some_and(|e| e == "rs") && !p.ends_with("imports_tests.rs")
    };
    for path in files.iter().filter(checked) {
        let source = std::fs::read_to_string(path).unwrap_or_default();
        out.extend(offending(&source, forbidden).into_iter().map(|f| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            (format!("src/{dir}/{name}"), f)
        }));
    }
    out
}

/// The forbidden paths `source` names in code (comments, doc comments too, skipped).
fn offending(source: &str, forbidden: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let code = line.split_once("//").map_or(line, |(code, _)| code);
        for path in forbidden.iter().chain(&["super::super::"]) {
            if code.contains(path) {
                out.push((*path).to_string());
            }
        }
    }
    out
}

#[test]
fn config_imports_nothing_of_cluster_app_or_cli() {
    let bad = offenders("config", &["crate::cluster", "crate::app", "crate::cli"]);
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn settings_import_nothing_above_the_model() {
    let above = [
        "crate::cluster",
        "crate::app",
        "crate::cli",
        "crate::config",
        "crate::commands",
        "crate::ui",
    ];
    let bad = offenders("settings", &above);
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn the_check_sees_a_use_and_a_full_path_but_not_a_comment() {
    let forbidden = ["crate::cluster", "crate::cli"];
    let source = "use crate::cluster::watch::InitialList;\n\
                  // crate::cli in a comment\n\
                  let d = crate::cli::parse(x); // and crate::app after code\n\
                  use super::super::app::view;";
    assert_eq!(
        offending(source, &forbidden),
        ["crate::cluster", "crate::cli", "super::super::"]
    );
}
