//! End-to-end: the config file reaches the dashboard (sort, columns), and a broken one stops
//! `podsize demo` before the terminal is touched. Skipped when tmux is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::tmux::Tmux;
use std::path::Path;

/// A config home holding `text` as podsize/config.toml.
fn config_home(text: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("podsize");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
    home
}

fn demo(home: &Path, tail: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_podsize");
    format!(
        "env -u PODSIZE_CONFIG -u PODSIZE_THEME XDG_CONFIG_HOME={} {bin} demo --pods 20 --seed 3; {tail}",
        home.display()
    )
}

#[test]
fn the_dashboard_opens_with_the_files_sort_and_columns() {
    let home = config_home(
        "sort = \"restarts\"\ncolumns = [\"namespace\", \"pod\", \"container\", \"resize\"]\n",
    );
    let Some(t) = Tmux::start(&demo(home.path(), "sleep 30")) else {
        return;
    };
    let screen = t.wait_for("the table", |s| {
        s.contains("● live") && s.contains("RESIZE")
    });
    assert!(screen.contains("sort: restarts"), "{screen}");
    assert!(screen.contains("CONTAINER"), "{screen}");
    assert!(
        !screen.contains("CPU REQUEST") && !screen.contains("NODE"),
        "columns the file leaves out are hidden:\n{screen}"
    );
    t.keys(&["q"]);
}

#[test]
fn a_broken_config_stops_demo_with_exit_2_before_the_terminal_is_touched() {
    let home = config_home("[wall]\nrotate = true\n");
    let tail = "echo EXIT=$?; sleep 30";
    let Some(t) = Tmux::start(&demo(home.path(), tail)) else {
        return;
    };
    let screen = t.wait_for("the exit code", |s| s.contains("EXIT="));
    assert!(screen.contains("EXIT=2"), "{screen}");
    assert!(
        screen.contains("line 2: unknown key \"wall.rotate\""),
        "{screen}"
    );
    assert_eq!(
        t.display("#{alternate_on}"),
        "0",
        "never entered the alternate screen"
    );
}
