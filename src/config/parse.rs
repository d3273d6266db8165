//! Config file text → the values it sets, each with its line. The TOML is walked by hand
//! (not serde derive) so every error can name the line and the key in the user's words.

use super::error::{ConfigError, Location};
use super::schema::{self, Key};
use super::values::{COLUMN_NAMES, PromAddress, Setting, Source};
use std::path::Path;
use std::time::Duration;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What one config file sets; `None` for what it leaves alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileConfig {
    pub theme: Option<Setting<String>>,
    pub sort: Option<Setting<crate::settings::SortKey>>,
    pub columns: Option<Setting<Vec<&'static str>>>,
    pub stuck_after: Option<Setting<Duration>>,
    pub initial_list: Option<Setting<crate::settings::InitialList>>,
    pub metrics_poll: Option<Setting<Duration>>,
    pub page_interval: Option<Setting<Duration>>,
    pub rotate_namespaces: Option<Setting<bool>>,
    pub prometheus: Option<Setting<PromAddress>>,
    /// `[prometheus.contexts]`, each entry with its own line.
    pub prometheus_contexts: Vec<(String, Setting<PromAddress>)>,
    pub history: Option<Setting<Duration>>,
    pub min_history: Option<Setting<Duration>>,
}

/// One key's value with what error messages need: its name and place.
pub(super) struct Entry<'a, 'i> {
    pub name: String,
    pub at: Location,
    pub value: &'a DeValue<'i>,
}

impl Entry<'_, '_> {
    pub fn bad(&self, reason: String) -> ConfigError {
        ConfigError::BadValue {
            at: self.at.clone(),
            key: self.name.clone(),
            reason,
        }
    }

    pub fn wrong_type(&self, expected: &'static str) -> ConfigError {
        ConfigError::WrongType {
            at: self.at.clone(),
            key: self.name.clone(),
            expected,
            found: describe(self.value),
        }
    }

    pub fn string(&self) -> Result<&str, ConfigError> {
        match self.value {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.wrong_type("a string")),
        }
    }

    pub fn boolean(&self) -> Result<bool, ConfigError> {
        match self.value {
            DeValue::Boolean(b) => Ok(*b),
            _ => Err(self.wrong_type("true or false")),
        }
    }

    /// A duration string (`"2m"`); a bare number is refused because its unit is a guess.
    pub fn duration(&self, min: Duration) -> Result<Duration, ConfigError> {
        let DeValue::String(text) = self.value else {
            return Err(self.wrong_type("a duration string such as \"30s\" or \"2m\""));
        };
        let value = crate::model::ground::time::parse_duration(text).map_err(|e| self.bad(e))?;
        if value < min {
            return Err(self.bad(format!("{text:?} is below the minimum of {min:?}")));
        }
        Ok(value)
    }

    pub fn columns(&self) -> Result<Vec<&'static str>, ConfigError> {
        let DeValue::Array(items) = self.value else {
            return Err(self.wrong_type("an array of column names"));
        };
        let mut names = Vec::new();
        for item in items.iter() {
            let DeValue::String(text) = item.get_ref() else {
                return Err(ConfigError::WrongType {
                    at: self.at.clone(),
                    key: self.name.clone(),
                    expected: "column names (strings)",
                    found: describe(item.get_ref()),
                });
            };
            let Some(name) = COLUMN_NAMES.iter().find(|n| **n == text.as_ref()) else {
                return Err(self.bad(format!(
                    "unknown column {text:?} (expected {})",
                    COLUMN_NAMES.join(", ")
                )));
            };
            if names.contains(name) {
                return Err(self.bad(format!("column {text:?} is listed twice")));
            }
            names.push(*name);
        }
        if !names.contains(&"pod") {
            return Err(self.bad("the \"pod\" column cannot be hidden".into()));
        }
        Ok(names)
    }

    pub fn setting<T>(&self, value: T) -> Setting<T> {
        Setting {
            value,
            source: Source::File(self.at.clone()),
        }
    }
}

/// TOML type and, for scalars, the value, as a user would write it.
fn describe(value: &DeValue) -> String {
    match value {
        DeValue::String(s) => format!("string {s:?}"),
        DeValue::Integer(i) => format!("integer {}", i.as_str()),
        DeValue::Float(f) => format!("float {}", f.as_str()),
        DeValue::Boolean(b) => format!("boolean {b}"),
        DeValue::Datetime(d) => format!("datetime {d}"),
        DeValue::Array(_) => "an array".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

/// 1-based line and character column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

struct Doc<'t> {
    text: &'t str,
    path: &'t Path,
}

impl Doc<'_> {
    fn at<T>(&self, spanned: &Spanned<T>) -> Location {
        Location {
            path: self.path.to_path_buf(),
            line: line_and_column(self.text, spanned.span().start).0,
        }
    }
}

/// Parses one config file's text; `path` is only used in messages and for relative themes.
pub fn parse_config(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    let doc = Doc { text, path };
    let table = DeTable::parse(text).map_err(|err| {
        let (line, column) = line_and_column(text, err.span().map_or(0, |s| s.start));
        ConfigError::Syntax {
            at: Location {
                path: path.to_path_buf(),
                line,
            },
            column,
            message: err.message().trim().to_owned(),
        }
    })?;
    let mut file = FileConfig::default();
    for (key, value) in in_file_order(table.get_ref()) {
        let name = key.get_ref().as_ref();
        match (schema::section(name), value.get_ref()) {
            (Some(section), DeValue::Table(inner)) => {
                for (key, value) in in_file_order(inner) {
                    let key_name = key.get_ref().as_ref();
                    let entry = entry(&doc, key, value, Some(section));
                    let spec = schema::lookup(Some(section), key_name, &entry.at)?;
                    if let (Key::PromContexts, DeValue::Table(contexts)) = (spec, value.get_ref()) {
                        file.prometheus_contexts = prometheus_contexts(&doc, contexts)?;
                        continue;
                    }
                    schema::apply(&mut file, spec, &entry, path)?;
                }
            }
            (Some(_), _) => {
                return Err(entry(&doc, key, value, None).wrong_type("a table"));
            }
            (None, DeValue::Table(_)) if schema::lookup(None, name, &doc.at(key)).is_err() => {
                return Err(ConfigError::UnknownSection {
                    at: doc.at(key),
                    section: name.to_owned(),
                    expected: schema::section_list(),
                });
            }
            (None, _) => {
                let entry = entry(&doc, key, value, None);
                let spec: Key = schema::lookup(None, name, &entry.at)?;
                schema::apply(&mut file, spec, &entry, path)?;
            }
        }
    }
    Ok(file)
}

/// `[prometheus.contexts]`: context name = where that cluster's Prometheus is.
fn prometheus_contexts(
    doc: &Doc,
    table: &DeTable,
) -> Result<Vec<(String, Setting<PromAddress>)>, ConfigError> {
    let mut out = Vec::new();
    for (key, value) in in_file_order(table) {
        let entry = entry(doc, key, value, Some("prometheus.contexts"));
        let address = schema::prometheus_of_context(&entry)?;
        out.push((key.get_ref().to_string(), entry.setting(address)));
    }
    Ok(out)
}

/// The table's entries as written (the map sorts them by name): the first error in the
/// file is the one reported.
fn in_file_order<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

fn entry<'a, 'i>(
    doc: &Doc,
    key: &Spanned<std::borrow::Cow<'i, str>>,
    value: &'a Spanned<DeValue<'i>>,
    section: Option<&str>,
) -> Entry<'a, 'i> {
    let name = match section {
        Some(section) => format!("{section}.{}", key.get_ref()),
        None => key.get_ref().to_string(),
    };
    Entry {
        name,
        at: doc.at(key),
        value: value.get_ref(),
    }
}
