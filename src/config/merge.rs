//! Precedence: default < config file < environment < command-line flag. The environment
//! only speaks for the few values people set per shell (theme, list strategy, Prometheus).

use super::error::ConfigError;
use super::parse::FileConfig;
use super::values::{Effective, PromAddress, Setting, Source};
use crate::settings::InitialList;
use std::time::Duration;

pub const ENV_THEME: &str = "PODSIZE_THEME";
pub const ENV_INITIAL_LIST: &str = "PODSIZE_INITIAL_LIST";
pub const ENV_PROMETHEUS: &str = "PODSIZE_PROMETHEUS";

/// The values given on the command line; `None` (or false) where the flag was not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub theme: Option<String>,
    pub initial_list: Option<String>,
    pub page_interval: Option<Duration>,
    pub rotate_namespaces: bool,
    pub prometheus_url: Option<String>,
    pub prometheus_service: Option<String>,
    pub history: Option<Duration>,
}

/// Layers the file, then the environment (`env` looks a variable up), then the flags.
pub fn merge(
    file: Option<FileConfig>,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &Flags,
) -> Result<Effective, ConfigError> {
    let mut eff = Effective::default();
    if let Some(file) = file {
        apply_file(&mut eff, file);
    }
    apply_env(&mut eff, env)?;
    apply_flags(&mut eff, flags);
    Ok(eff)
}

/// An optional setting's file value as a value of the `Option` setting.
fn some<T>(setting: Option<Setting<T>>) -> Option<Setting<Option<T>>> {
    setting.map(|s| Setting {
        value: Some(s.value),
        source: s.source,
    })
}

/// Each file setting already carries its own `file:line` source.
fn take<T>(target: &mut Setting<T>, from: Option<Setting<T>>) {
    if let Some(setting) = from {
        *target = setting;
    }
}

fn apply_file(eff: &mut Effective, file: FileConfig) {
    take(&mut eff.theme, some(file.theme));
    take(&mut eff.sort, some(file.sort));
    take(&mut eff.columns, some(file.columns));
    take(&mut eff.prometheus, some(file.prometheus));
    take(&mut eff.stuck_after, file.stuck_after);
    take(&mut eff.initial_list, file.initial_list);
    take(&mut eff.metrics_poll, file.metrics_poll);
    take(&mut eff.page_interval, file.page_interval);
    take(&mut eff.rotate_namespaces, file.rotate_namespaces);
    take(&mut eff.history, file.history);
    take(&mut eff.min_history, file.min_history);
    eff.prometheus_contexts = file.prometheus_contexts;
}

fn apply_env(eff: &mut Effective, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
    let get = |var: &str| env(var).filter(|v| !v.trim().is_empty());
    eff.theme
        .set(get(ENV_THEME).map(Some), Source::Env(ENV_THEME));
    if let Some(text) = get(ENV_INITIAL_LIST) {
        let value = InitialList::parse(text.trim()).ok_or_else(|| ConfigError::Env {
            var: ENV_INITIAL_LIST,
            reason: format!("unknown list strategy {text:?} (expected list, stream or pages)"),
        })?;
        eff.initial_list
            .set(Some(value), Source::Env(ENV_INITIAL_LIST));
    }
    if let Some(url) = get(ENV_PROMETHEUS) {
        super::schema::check_url(&url).map_err(|reason| ConfigError::Env {
            var: ENV_PROMETHEUS,
            reason,
        })?;
        eff.prometheus.set(
            Some(Some(PromAddress::Url(url))),
            Source::Env(ENV_PROMETHEUS),
        );
    }
    Ok(())
}

fn apply_flags(eff: &mut Effective, flags: &Flags) {
    eff.theme
        .set(flags.theme.clone().map(Some), Source::Flag("--theme"));
    eff.initial_list.set(
        flags.initial_list.as_deref().and_then(InitialList::parse),
        Source::Flag("--initial-list"),
    );
    eff.page_interval
        .set(flags.page_interval, Source::Flag("--page-interval"));
    eff.rotate_namespaces.set(
        flags.rotate_namespaces.then_some(true),
        Source::Flag("--rotate-namespaces"),
    );
    eff.history.set(flags.history, Source::Flag("--history"));
    let url = flags.prometheus_url.clone().map(PromAddress::Url);
    eff.prometheus
        .set(url.map(Some), Source::Flag("--prometheus"));
    let service = flags.prometheus_service.clone().map(PromAddress::Service);
    eff.prometheus
        .set(service.map(Some), Source::Flag("--prometheus-service"));
}
