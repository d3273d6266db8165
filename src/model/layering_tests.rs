//! The model's layers hold only while nothing imports upwards or in a circle; these tests read
//! the sources so a violation fails `cargo test` instead of waiting for a review to notice.
//!
//! Every file under `src/model/<layer>/` belongs to a unit, the layer's top-level file it is part
//! of (`decide/make_room_why.rs` and `decide/make_room_tests.rs` belong to `decide::make_room`).
//! A reference is any `crate::model::…` path or `super::…` path, resolved from the file's module;
//! it must name the same or a lower layer, and the units' references must form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LAYERS: [&str; 4] = ["ground", "pods", "rules", "decide"];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// The source without comments, so doc comments may mention any path.
fn code_of(source: &str) -> String {
    source
        .lines()
        .map(|line| {
            // `//` after a space or at the start opens a comment; `://` in a string does not.
            let cut = line
                .match_indices("//")
                .find(|(i, _)| *i == 0 || line[..*i].ends_with([' ', '\t']));
            cut.map_or(line, |(i, _)| &line[..i])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `a::b::c` at the start of `text`, as its segments (stopping at `{`, `*` or anything else).
fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(&rest[..end]);
        match rest[end..].strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// The module path (below `model`) of each file, following `#[path = "…"] mod name;`.
fn module_paths(files: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let default = |file: &str| -> Vec<String> {
        let stem = file.strip_suffix(".rs").unwrap_or(file);
        let stem = stem.strip_suffix("/mod").unwrap_or(stem);
        stem.split('/').map(str::to_string).collect()
    };
    let mut paths: BTreeMap<String, Vec<String>> =
        files.iter().map(|(f, _)| (f.clone(), default(f))).collect();
    for (file, source) in files {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let code = code_of(source);
        for (at, _) in code.match_indices("#[path = \"") {
            let rest = &code[at + 10..];
            let Some((target, after)) = rest.split_once('"') else {
                continue;
            };
            let Some(decl) = after.find("mod ").map(|i| &after[i + 4..]) else {
                continue;
            };
            let name: String = decl.chars().take_while(|c| is_ident_char(*c)).collect();
            let mut module = default(file);
            module.push(name);
            paths.insert(format!("{dir}/{target}"), module);
        }
    }
    paths
}

/// Every `crate::model::…` and `super::…` path in `code`, resolved below `model`.
fn references(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::model::") {
        let segs = segments(&code[at + 14..]);
        let mut path: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
        if path.is_empty() {
            // `crate::model::{…}`: a group is read as a path to nowhere, which fails the layer
            // check; inside the model every path names its layer.
            path.push("{".into());
        }
        out.push(path);
    }
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find("super::").map(|i| i + from) {
        from = i + 7;
        let preceded = i > 0 && (is_ident_char(bytes[i - 1] as char) || bytes[i - 1] == b':');
        if preceded {
            continue;
        }
        let mut ups = 1;
        let mut rest = &code[i + 7..];
        while let Some(next) = rest.strip_prefix("super::") {
            ups += 1;
            rest = next;
        }
        from = code.len() - rest.len();
        let segs = segments(rest);
        if segs.is_empty() || ups > module.len() {
            continue;
        }
        let mut path: Vec<String> = module[..module.len() - ups].to_vec();
        path.extend(segs.iter().map(|s| s.to_string()));
        out.push(path);
    }
    out
}

/// What breaks the layering in `files` (paths below `src/model/`, with their source).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let modules = module_paths(files);
    let units: BTreeSet<(String, String)> = modules
        .values()
        .filter(|m| m.len() >= 2)
        .map(|m| (m[0].clone(), m[1].clone()))
        .collect();
    let mut problems = Vec::new();
    let mut graph: BTreeMap<(String, String), BTreeSet<(String, String)>> = BTreeMap::new();
    for (file, source) in files {
        let module = &modules[file];
        let Some(own_rank) = rank(&module[0]) else {
            continue; // `model/mod.rs` and the tests beside it
        };
        if module.len() < 2 {
            continue; // a layer's own `mod.rs`
        }
        let unit = (module[0].clone(), module[1].clone());
        for path in references(&code_of(source), module) {
            match rank(&path[0]) {
                None if path[0] == "{" || path[0].starts_with(char::is_uppercase) => {
                    problems.push(format!(
                        "{file}: names `model::{}` instead of a layer path",
                        path.join("::")
                    ));
                }
                None => problems.push(format!(
                    "{file}: names `model::{}`, not a layer",
                    path.join("::")
                )),
                Some(r) if r > own_rank => problems.push(format!(
                    "{file}: layer {} imports the higher layer {} (`{}`)",
                    module[0],
                    path[0],
                    path.join("::")
                )),
                Some(_) => {
                    let Some(file_name) = path.get(1) else {
                        continue;
                    };
                    let target = (path[0].clone(), file_name.clone());
                    if target != unit && units.contains(&target) {
                        graph.entry(unit.clone()).or_default().insert(target);
                    }
                }
            }
        }
    }
    problems.extend(cycles(&graph));
    problems
}

/// One message per cycle found by a depth-first walk (each unit is walked once).
fn cycles(graph: &BTreeMap<(String, String), BTreeSet<(String, String)>>) -> Vec<String> {
    type Unit = (String, String);
    fn walk(
        unit: &Unit,
        graph: &BTreeMap<Unit, BTreeSet<Unit>>,
        stack: &mut Vec<Unit>,
        done: &mut BTreeSet<Unit>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|u| u == unit) {
            let names: Vec<String> = stack[at..]
                .iter()
                .chain([unit])
                .map(|(l, f)| format!("{l}::{f}"))
                .collect();
            out.push(format!("import cycle: {}", names.join(" → ")));
            return;
        }
        if !done.insert(unit.clone()) {
            return;
        }
        stack.push(unit.clone());
        for next in graph.get(unit).into_iter().flatten() {
            walk(next, graph, stack, done, out);
        }
        stack.pop();
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for unit in graph.keys() {
        walk(unit, graph, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

fn read_dir(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_dir(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            out.push((rel.display().to_string(), source));
        }
    }
}

fn model_sources() -> Vec<(String, String)> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let mut files = Vec::new();
    read_dir(&base, &base, &mut files);
    files
}

#[test]
fn no_file_imports_a_higher_layer_or_in_a_cycle() {
    let files = model_sources();
    assert!(files.len() > 30, "read only {} files", files.len());
    let problems = violations(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn fake(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .collect()
}

#[test]
fn the_check_sees_an_upward_import_a_reexport_and_a_cycle() {
    let files = fake(&[
        ("ground/time.rs", "use crate::model::pods::row::PodRow;"),
        (
            "pods/row.rs",
            "use super::derive::x;\n// crate::model::decide::boost in a comment is fine",
        ),
        ("pods/derive.rs", "use crate::model::pods::row::PodRow;"),
        ("rules/plan.rs", "use crate::model::PodRow;"),
        ("decide/boost.rs", "use crate::model::rules::plan::Edits;"),
    ]);
    let problems = violations(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("ground/time.rs: layer ground imports the higher layer pods")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("rules/plan.rs: names `model::PodRow`")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("import cycle: pods::derive → pods::row → pods::derive")),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 3, "{problems:?}");
}

#[test]
fn sub_files_and_test_files_count_for_their_parent() {
    let files = fake(&[
        (
            "decide/make_room.rs",
            "#[path = \"make_room_why.rs\"]\nmod why;\nuse crate::model::decide::node_room::x;",
        ),
        ("decide/make_room_why.rs", "use super::{Giver, ranked};"),
        (
            "decide/node_room.rs",
            "#[cfg(test)]\n#[path = \"node_room_tests.rs\"]\nmod tests;",
        ),
        (
            "decide/node_room_tests.rs",
            "use super::super::make_room::plan;",
        ),
        ("rules/validation.rs", "mod resize;"),
        (
            "rules/validation/resize.rs",
            "use super::super::super::decide::boost::x;",
        ),
    ]);
    let problems = violations(&files);
    assert!(
        problems.iter().any(|p| p
            .contains("import cycle: decide::make_room → decide::node_room → decide::make_room")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p
            .contains("rules/validation/resize.rs: layer rules imports the higher layer decide")),
        "{problems:?}"
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
}
