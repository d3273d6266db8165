//! Theme file text → the slots that one file sets (no I/O, no inheritance).
//!
//! The TOML is read into a generic table and walked by hand rather than through
//! serde derive, because that lets every error say exactly which slot, key and
//! value is wrong in words a user understands.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use toml::{Table, Value};

use super::error::{Origin, ThemeError};
use super::slots::SLOT_NAMES;

/// What one theme file says, before its parents are merged in.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ThemeFile {
    /// The `name` key, if present.
    pub name: Option<String>,
    /// The `parent` key, if present: a shipped theme name or a relative path.
    pub parent: Option<String>,
    /// The slots this file sets, keyed by their canonical name.
    pub slots: BTreeMap<&'static str, Style>,
}

/// Modifier attributes accepted in a slot's inline table.
const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("dim", Modifier::DIM),
];

/// Parses one theme file's text. `origin` is only used in error messages.
pub(crate) fn parse_theme(text: &str, origin: &Origin) -> Result<ThemeFile, ThemeError> {
    let table: Table = toml::from_str(text).map_err(|err| syntax_error(&err, text, origin))?;
    let mut file = ThemeFile::default();
    for (key, value) in &table {
        match key.as_str() {
            "name" => file.name = Some(expect_string(origin, "key \"name\"", value)?),
            "parent" => file.parent = Some(expect_string(origin, "key \"parent\"", value)?),
            "slots" => file.slots = parse_slots(origin, value)?,
            _ => {
                return Err(ThemeError::UnknownKey {
                    origin: origin.clone(),
                    key: key.clone(),
                });
            }
        }
    }
    Ok(file)
}

/// Turns the TOML parser's error into one that names the file and gives a
/// 1-based line and column, computed from the error's byte span.
fn syntax_error(err: &toml::de::Error, text: &str, origin: &Origin) -> ThemeError {
    let offset = err.span().map_or(0, |span| span.start);
    let (line, column) = line_and_column(text, offset);
    ThemeError::Syntax {
        origin: origin.clone(),
        line,
        column,
        message: err.message().trim().to_owned(),
    }
}

/// 1-based line and character column of a byte offset in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Parses the `[slots]` table.
fn parse_slots(
    origin: &Origin,
    value: &Value,
) -> Result<BTreeMap<&'static str, Style>, ThemeError> {
    let Value::Table(table) = value else {
        return Err(wrong_type(origin, "key \"slots\"", "a table", value));
    };
    let mut slots = BTreeMap::new();
    for (key, value) in table {
        let slot = canonical_slot(origin, key)?;
        slots.insert(slot, parse_slot(origin, slot, value)?);
    }
    Ok(slots)
}

/// Maps a key to its `'static` slot name, or explains that no such slot exists.
fn canonical_slot(origin: &Origin, key: &str) -> Result<&'static str, ThemeError> {
    SLOT_NAMES
        .iter()
        .copied()
        .find(|name| *name == key)
        .ok_or_else(|| ThemeError::UnknownSlot {
            origin: origin.clone(),
            key: key.to_owned(),
            hint: closest_slot(key)
                .map(|name| format!(" (did you mean \"{name}\"?)"))
                .unwrap_or_default(),
        })
}

/// One slot: a bare colour (foreground only) or an inline table of attributes.
fn parse_slot(origin: &Origin, slot: &str, value: &Value) -> Result<Style, ThemeError> {
    match value {
        Value::Table(table) => parse_slot_table(origin, slot, table),
        _ => Ok(Style::new().fg(parse_colour(origin, slot, value)?)),
    }
}

/// The inline-table form: `{ fg = "...", bg = "...", bold = true, ... }`.
fn parse_slot_table(origin: &Origin, slot: &str, table: &Table) -> Result<Style, ThemeError> {
    let mut style = Style::new();
    for (key, value) in table {
        style = match key.as_str() {
            "fg" => style.fg(parse_colour(origin, slot, value)?),
            "bg" => style.bg(parse_colour(origin, slot, value)?),
            _ => apply_modifier(origin, slot, key, value, style)?,
        };
    }
    Ok(style)
}

/// Applies a boolean modifier attribute. `true` adds the modifier; `false`
/// removes it when this style is layered over another (e.g. a selected row
/// that should not inherit a bold column), which is why `false` is kept
/// rather than ignored.
fn apply_modifier(
    origin: &Origin,
    slot: &str,
    key: &str,
    value: &Value,
    style: Style,
) -> Result<Style, ThemeError> {
    let Some(&(_, modifier)) = MODIFIERS.iter().find(|(name, _)| *name == key) else {
        return Err(ThemeError::UnknownAttribute {
            origin: origin.clone(),
            slot: slot.to_owned(),
            key: key.to_owned(),
        });
    };
    match value {
        Value::Boolean(true) => Ok(style.add_modifier(modifier)),
        Value::Boolean(false) => Ok(style.remove_modifier(modifier)),
        _ => Err(wrong_type(
            origin,
            &format!("slot \"{slot}\": attribute \"{key}\""),
            "true or false",
            value,
        )),
    }
}

/// A colour: any string ratatui's `Color::from_str` accepts, or a TOML
/// integer 0–255 as a shorthand for an indexed colour.
fn parse_colour(origin: &Origin, slot: &str, value: &Value) -> Result<Color, ThemeError> {
    let unknown = |value: String| ThemeError::UnknownColour {
        origin: origin.clone(),
        slot: slot.to_owned(),
        value,
    };
    match value {
        Value::String(text) => Color::from_str(text).map_err(|_| unknown(text.clone())),
        Value::Integer(index) => u8::try_from(*index)
            .map(Color::Indexed)
            .map_err(|_| unknown(index.to_string())),
        _ => Err(wrong_type(
            origin,
            &format!("slot \"{slot}\""),
            "a colour string or an inline table",
            value,
        )),
    }
}

/// Extracts a string value or reports what was there instead.
fn expect_string(origin: &Origin, key: &str, value: &Value) -> Result<String, ThemeError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        _ => Err(wrong_type(origin, key, "a string", value)),
    }
}

fn wrong_type(origin: &Origin, key: &str, expected: &'static str, found: &Value) -> ThemeError {
    ThemeError::WrongType {
        origin: origin.clone(),
        key: key.to_owned(),
        expected,
        found: describe(found),
    }
}

/// A value's TOML type and, for scalars, the value itself, e.g. `string "yes"`.
fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Table(_) => value.type_str().to_owned(),
        _ => format!("{} {value}", value.type_str()),
    }
}

/// The slot name nearest to a misspelt key, if it is close enough to be a
/// plausible typo (at most two edits), to turn "unknown slot" into a fix.
fn closest_slot(key: &str) -> Option<&'static str> {
    SLOT_NAMES
        .iter()
        .map(|name| (edit_distance(key, name), *name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters; slot names are short, so the simple
/// two-row algorithm is plenty.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn origin() -> Origin {
        Origin::File(PathBuf::from("x.toml"))
    }

    fn slot_style(text: &str) -> Result<Style, ThemeError> {
        let file = parse_theme(&format!("[slots]\nbase = {text}\n"), &origin())?;
        Ok(file.slots["base"])
    }

    #[test]
    fn accepts_every_colour_form_ratatui_parses() {
        let cases = [
            ("\"red\"", Color::Red),
            ("\"lightblue\"", Color::LightBlue),
            ("\"light-blue\"", Color::LightBlue),
            ("\"#1a2B3c\"", Color::Rgb(0x1a, 0x2b, 0x3c)),
            ("\"42\"", Color::Indexed(42)),
            ("42", Color::Indexed(42)),
            ("\"reset\"", Color::Reset),
        ];
        for (text, colour) in cases {
            assert_eq!(slot_style(text).unwrap(), Style::new().fg(colour), "{text}");
        }
    }

    #[test]
    fn inline_table_sets_colours_and_modifiers() {
        let style =
            slot_style("{ fg = \"black\", bg = \"yellow\", bold = true, dim = false }").unwrap();
        let expected = Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
            .remove_modifier(Modifier::DIM);
        assert_eq!(style, expected);
    }

    #[test]
    fn empty_inline_table_is_a_set_but_plain_slot() {
        assert_eq!(slot_style("{}").unwrap(), Style::new());
    }

    #[test]
    fn index_out_of_range_is_an_unknown_colour() {
        let err = slot_style("300").unwrap_err().to_string();
        assert!(
            err.contains("slot \"base\": unknown colour \"300\""),
            "{err}"
        );
    }

    #[test]
    fn wrong_types_are_described() {
        let err = slot_style("{ bold = \"yes\" }").unwrap_err().to_string();
        assert_eq!(
            err,
            "theme file \"x.toml\": slot \"base\": attribute \"bold\": \
             expected true or false, found string \"yes\""
        );
        let err = slot_style("[1]").unwrap_err().to_string();
        assert!(err.contains("expected a colour string or an inline table, found array"));
        let err = parse_theme("name = 3", &origin()).unwrap_err().to_string();
        assert!(err.ends_with("key \"name\": expected a string, found integer 3"));
    }

    #[test]
    fn unknown_top_level_key_is_reported() {
        let err = parse_theme("colours = 1", &origin())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown key \"colours\""), "{err}");
    }

    #[test]
    fn misspelt_slot_gets_a_suggestion() {
        let err = parse_theme("[slots]\nselcted = \"red\"", &origin())
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("unknown slot \"selcted\" (did you mean \"selected\"?)"));
        let err = parse_theme("[slots]\nzzz = \"red\"", &origin())
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("unknown slot \"zzz\""), "{err}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        let err = parse_theme("name = \"x\"\n[slots\n", &origin()).unwrap_err();
        let ThemeError::Syntax { line, .. } = err else {
            panic!("expected a syntax error, got {err}");
        };
        assert_eq!(line, 2);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
