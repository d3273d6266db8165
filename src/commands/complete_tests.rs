//! What `podsize __complete` completes, from the words typed.

use super::*;

fn wanted(words: &[&str]) -> Want {
    let words: Vec<String> = words.iter().map(|w| (*w).to_string()).collect();
    want(&crate::invocation::command(false), &words)
}

#[test]
fn names_are_wanted_after_their_options_and_as_the_pod_argument() {
    assert_eq!(wanted(&["--context", ""]), Want::Contexts);
    assert_eq!(wanted(&["get", "--context", "si"]), Want::Contexts);
    assert_eq!(wanted(&["-n", ""]), Want::Namespaces);
    assert_eq!(wanted(&["resize", "--namespace", "sh"]), Want::Namespaces);
    assert_eq!(wanted(&["resize", ""]), Want::Pods);
    assert_eq!(wanted(&["-n", "shop", "resize", "we"]), Want::Pods);
    assert_eq!(wanted(&["boost", "--context", "a", ""]), Want::Pods);
    // The pod is given: nothing more to name.
    assert_eq!(wanted(&["resize", "web", ""]), Want::Nothing);
    assert_eq!(wanted(&["get", ""]), Want::Nothing);
}

#[test]
fn subcommands_options_values_and_files() {
    let command = crate::invocation::command(false);
    assert_eq!(wanted(&[""]), Want::Subcommands);
    let subcommands = listed(&command, &Want::Subcommands);
    assert!(
        subcommands.contains(&"resize".to_string()),
        "{subcommands:?}"
    );
    assert!(!subcommands.iter().any(|s| s.starts_with("__")));
    let options = listed(&command, &wanted(&["resize", "--"]));
    for flag in ["--cpu-request", "--context", "--namespace", "-n", "--help"] {
        assert!(options.contains(&flag.to_string()), "{flag}: {options:?}");
    }
    assert_eq!(
        wanted(&["get", "-o", ""]),
        Want::Values(vec!["table".into(), "wide".into(), "json".into()])
    );
    assert_eq!(wanted(&["--kubeconfig", ""]), Want::Files);
}

#[test]
fn the_options_typed_say_where_names_come_from() {
    let words: Vec<String> = [
        "--kubeconfig=k.yaml",
        "--context",
        "sim-1",
        "-n",
        "shop",
        "resize",
        "",
    ]
    .iter()
    .map(|w| (*w).to_string())
    .collect();
    let common = typed_options(&words);
    assert_eq!(
        common.kubeconfig.as_deref(),
        Some(std::path::Path::new("k.yaml"))
    );
    assert_eq!(common.context, ["sim-1"]);
    assert_eq!(common.namespace.as_deref(), Some("shop"));
    assert!(common.readonly, "completion never writes");
}
