//! The keys the config file may hold, where, and how each value is read and checked.

use super::error::{ConfigError, Location};
use super::parse::{Entry, FileConfig};
use super::values::PromAddress;
use crate::settings::InitialList;
use crate::settings::SortKey;
use std::path::Path;
use std::time::Duration;
use toml::de::DeValue;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Theme,
    Sort,
    Columns,
    StuckAfter,
    InitialList,
    MetricsPoll,
    PageInterval,
    RotateNamespaces,
    PromUrl,
    PromService,
    /// `[prometheus.contexts]`: a Prometheus per kubeconfig context (read in `parse.rs`,
    /// which needs each entry's own line).
    PromContexts,
    History,
    /// `[rightsizing] min_history`: what a decrease needs (issue #26).
    MinHistory,
}

/// (section, key name, key); `None` is the top level.
const KEYS: [(Option<&str>, &str, Key); 13] = [
    (None, "theme", Key::Theme),
    (None, "sort", Key::Sort),
    (None, "columns", Key::Columns),
    (None, "stuck_after", Key::StuckAfter),
    (None, "initial_list", Key::InitialList),
    (Some("metrics"), "poll_interval", Key::MetricsPoll),
    (Some("wall"), "page_interval", Key::PageInterval),
    (Some("wall"), "rotate_namespaces", Key::RotateNamespaces),
    (Some("prometheus"), "url", Key::PromUrl),
    (Some("prometheus"), "service", Key::PromService),
    (Some("prometheus"), "history", Key::History),
    (Some("prometheus"), "contexts", Key::PromContexts),
    (Some("rightsizing"), "min_history", Key::MinHistory),
];

const SECTIONS: [&str; 4] = ["metrics", "wall", "prometheus", "rightsizing"];

/// The section's canonical name, when `name` is one.
pub fn section(name: &str) -> Option<&'static str> {
    SECTIONS.into_iter().find(|s| *s == name)
}

pub fn section_list() -> String {
    SECTIONS.map(|s| format!("[{s}]")).join(", ")
}

/// The key `name` in `section`, or an error listing the keys read there.
pub fn lookup(section: Option<&str>, name: &str, at: &Location) -> Result<Key, ConfigError> {
    let here = || KEYS.iter().filter(move |(s, _, _)| *s == section);
    if let Some((_, _, key)) = here().find(|(_, n, _)| *n == name) {
        return Ok(*key);
    }
    // A key written in the wrong section is the likeliest slip: say where it goes.
    let hint = KEYS
        .iter()
        .find(|(s, n, _)| *n == name && *s != section)
        .map(|(s, _, _)| match s {
            Some(s) => format!("; it belongs in [{s}]"),
            None => "; it belongs at the top level".to_string(),
        })
        .unwrap_or_default();
    let full = |n: &str| match section {
        Some(s) => format!("{s}.{n}"),
        None => n.to_string(),
    };
    Err(ConfigError::UnknownKey {
        at: at.clone(),
        key: full(name),
        hint,
        expected: here()
            .map(|(_, n, _)| full(n))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Reads `entry` as `key` and stores it in `file`.
pub fn apply(
    file: &mut FileConfig,
    key: Key,
    entry: &Entry,
    path: &Path,
) -> Result<(), ConfigError> {
    let second = Duration::from_secs(1);
    match key {
        Key::Theme => file.theme = Some(entry.setting(theme(entry, path)?)),
        Key::Sort => file.sort = Some(entry.setting(sort(entry)?)),
        Key::Columns => file.columns = Some(entry.setting(entry.columns()?)),
        Key::StuckAfter => file.stuck_after = Some(entry.setting(entry.duration(second)?)),
        Key::InitialList => file.initial_list = Some(entry.setting(initial_list(entry)?)),
        Key::MetricsPoll => file.metrics_poll = Some(entry.setting(entry.duration(second)?)),
        Key::PageInterval => file.page_interval = Some(entry.setting(page_interval(entry)?)),
        Key::RotateNamespaces => file.rotate_namespaces = Some(entry.setting(entry.boolean()?)),
        Key::PromUrl | Key::PromService => {
            let address = prometheus(key, entry)?;
            if file.prometheus.is_some() {
                return Err(
                    entry.bad("set only one of prometheus.url and prometheus.service".into())
                );
            }
            file.prometheus = Some(entry.setting(address));
        }
        Key::History => {
            let minute = Duration::from_secs(60);
            file.history = Some(entry.setting(entry.duration(minute)?));
        }
        Key::MinHistory => {
            let minute = Duration::from_secs(60);
            file.min_history = Some(entry.setting(entry.duration(minute)?));
        }
        // Reached only when `contexts` is not a table (a table is read by the parser).
        Key::PromContexts => {
            return Err(entry.wrong_type("a table of context = URL or NAMESPACE/NAME:PORT"));
        }
    }
    Ok(())
}

/// One `[prometheus.contexts]` value: an http(s) URL, or a service behind that context's API
/// server.
pub fn prometheus_of_context(entry: &Entry) -> Result<PromAddress, ConfigError> {
    let text = entry.string()?;
    // Anything with a scheme is meant as a URL (and must be http or https).
    if text.contains("://") {
        check_url(text).map_err(|e| entry.bad(e))?;
        return Ok(PromAddress::Url(text.to_owned()));
    }
    crate::settings::PromTarget::parse_service(text).map_err(|_| {
        entry.bad(format!(
            "wants an http(s):// URL or NAMESPACE/NAME:PORT, not {text:?}"
        ))
    })?;
    Ok(PromAddress::Service(text.to_owned()))
}

/// A shipped theme name, or a theme file (relative to the config file's directory).
fn theme(entry: &Entry, path: &Path) -> Result<String, ConfigError> {
    let text = entry.string()?;
    if crate::theme::builtin_names().contains(&text) {
        return Ok(text.to_owned());
    }
    let file = path.parent().unwrap_or(Path::new(".")).join(text);
    if file.is_file() {
        return Ok(file.display().to_string());
    }
    Err(entry.bad(format!(
        "theme {text:?} is neither a shipped theme ({}) nor a file (looked for \"{}\")",
        crate::theme::builtin_names().join(", "),
        file.display()
    )))
}

pub fn sort_names() -> String {
    SortKey::ALL.map(SortKey::name).join(", ")
}

pub fn sort(entry: &Entry) -> Result<SortKey, ConfigError> {
    let text = entry.string()?;
    SortKey::parse(text)
        .ok_or_else(|| entry.bad(format!("unknown sort {text:?} (expected {})", sort_names())))
}

pub fn initial_list(entry: &Entry) -> Result<InitialList, ConfigError> {
    let text = entry.string()?;
    InitialList::parse(text).ok_or_else(|| {
        entry.bad(format!(
            "unknown list strategy {text:?} (expected list, stream or pages)"
        ))
    })
}

fn page_interval(entry: &Entry) -> Result<Duration, ConfigError> {
    let DeValue::String(text) = entry.value else {
        return Err(entry.wrong_type("a duration string such as \"10s\""));
    };
    crate::settings::parse_page_interval(text).map_err(|e| entry.bad(e))
}

fn prometheus(key: Key, entry: &Entry) -> Result<PromAddress, ConfigError> {
    let text = entry.string()?;
    if key == Key::PromUrl {
        check_url(text).map_err(|e| entry.bad(e))?;
        return Ok(PromAddress::Url(text.to_owned()));
    }
    crate::settings::PromTarget::parse_service(text)
        .map_err(|_| entry.bad(format!("wants NAMESPACE/NAME:PORT, not {text:?}")))?;
    Ok(PromAddress::Service(text.to_owned()))
}

/// Only http(s) URLs with a host; anything else would fail later with a vaguer message.
pub fn check_url(text: &str) -> Result<(), String> {
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(()),
        _ => Err(format!("{text:?} is not an http:// or https:// URL")),
    }
}
