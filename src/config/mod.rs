//! The user's config file (`~/.config/podsize/config.toml`): defaults for the theme, sort,
//! columns, stuck threshold, metrics polling, the wall display, Prometheus and the initial
//! list strategy. Command-line flags override it; a bad file stops podsize with a message
//! naming the file, line and key, before the terminal is touched.
//!
//! ```toml
//! theme = "high-contrast"
//! sort = "resize-state"
//! [wall]
//! page_interval = "20s"
//! ```

mod error;
mod merge;
mod parse;
mod path;
mod schema;
mod values;

pub use error::{ConfigError, Location};
pub use merge::{ENV_INITIAL_LIST, ENV_PROMETHEUS, ENV_THEME, Flags, merge};
pub use parse::{FileConfig, parse_config};
pub use path::{ConfigPath, ENV_CONFIG};
pub use values::{COLUMN_NAMES, Effective, Prefs, PromAddress, Setting, Source};

/// Reads the file at `path`. A missing file is no error when it is the default location
/// (most users have none); one named by `--config` or `$PODSIZE_CONFIG` must exist.
pub fn load(path: &ConfigPath) -> Result<Option<FileConfig>, ConfigError> {
    let Some(file) = &path.path else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !path.explicit() => {
            return Ok(None);
        }
        Err(e) => {
            return Err(ConfigError::Read {
                path: file.clone(),
                reason: e.to_string(),
            });
        }
    };
    parse_config(&text, file).map(Some)
}

/// The effective settings: the file at `path`, the process environment, then `flags`.
pub fn resolve(path: &ConfigPath, flags: &Flags) -> Result<Effective, ConfigError> {
    let file = load(path)?;
    merge(file, &|var| std::env::var(var).ok(), flags)
}

/// A duration in the largest unit that holds it exactly, as `parse_duration` reads it back.
fn duration_text(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    let units = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    units
        .iter()
        .find(|(size, _)| ms > 0 && ms.is_multiple_of(*size))
        .map_or(format!("{ms}ms"), |(size, unit)| {
            format!("{}{unit}", ms / size)
        })
}

/// `podsize config show`: one line per key, `key = value  # source`, in file syntax so
/// the output can be pasted into a config file.
pub fn render_show(eff: &Effective) -> String {
    let quoted = |s: &str| format!("{s:?}");
    let auto = |what: &str| format!("(auto: {what})");
    let fixed: Vec<(&str, String, &Source)> = vec![
        (
            "theme",
            eff.theme
                .value
                .as_deref()
                .map_or(auto("by mode and NO_COLOR"), quoted),
            &eff.theme.source,
        ),
        (
            "sort",
            eff.sort
                .value
                .map_or(auto("by mode"), |k| quoted(&k.label().replace(' ', "-"))),
            &eff.sort.source,
        ),
        (
            "columns",
            eff.columns
                .value
                .as_ref()
                .map_or(auto("all that fit"), |c| format!("{c:?}")),
            &eff.columns.source,
        ),
        (
            "stuck_after",
            quoted(&duration_text(eff.stuck_after.value)),
            &eff.stuck_after.source,
        ),
        (
            "initial_list",
            quoted(initial_list_name(eff.initial_list.value)),
            &eff.initial_list.source,
        ),
        (
            "metrics.poll_interval",
            quoted(&duration_text(eff.metrics_poll.value)),
            &eff.metrics_poll.source,
        ),
        (
            "wall.page_interval",
            quoted(&duration_text(eff.page_interval.value)),
            &eff.page_interval.source,
        ),
        (
            "wall.rotate_namespaces",
            eff.rotate_namespaces.value.to_string(),
            &eff.rotate_namespaces.source,
        ),
        (
            prometheus_key(eff.prometheus.value.as_ref()),
            prometheus_text(eff.prometheus.value.as_ref()),
            &eff.prometheus.source,
        ),
        (
            "prometheus.history",
            quoted(&duration_text(eff.history.value)),
            &eff.history.source,
        ),
        (
            "rightsizing.min_history",
            quoted(&duration_text(eff.min_history.value)),
            &eff.min_history.source,
        ),
    ];
    let mut rows: Vec<(String, String, &Source)> = (fixed.into_iter())
        .map(|(key, value, source)| (key.to_string(), value, source))
        .collect();
    for (context, setting) in &eff.prometheus_contexts {
        let key = format!("prometheus.contexts.{}", toml_key(context));
        let text = prometheus_text(Some(&setting.value));
        rows.push((key, text, &setting.source));
    }
    let width = rows
        .iter()
        .map(|(k, v, _)| k.len() + v.len())
        .max()
        .unwrap_or(0)
        + 3;
    rows.iter()
        .map(|(key, value, source)| {
            let text = format!("{key} = {value}");
            format!("{text:<width$} # {source}\n")
        })
        .collect()
}

/// A context name as a TOML key: bare when it can be, quoted otherwise (`"arn:aws:…"`).
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && (name.chars()).all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// `prometheus.url` or `prometheus.service`, whichever is in effect (url when neither).
fn prometheus_key(address: Option<&PromAddress>) -> &'static str {
    match address {
        Some(PromAddress::Service(_)) => "prometheus.service",
        _ => "prometheus.url",
    }
}

fn prometheus_text(address: Option<&PromAddress>) -> String {
    match address {
        None => "(none: metrics.k8s.io only)".into(),
        Some(PromAddress::Url(text) | PromAddress::Service(text)) => format!("{text:?}"),
    }
}

fn initial_list_name(list: crate::settings::InitialList) -> &'static str {
    use crate::settings::InitialList;
    match list {
        InitialList::List => "list",
        InitialList::Streaming => "stream",
        InitialList::Paged => "pages",
    }
}
