//! What the user types into a resource field: an absolute quantity, or an edit relative to
//! the current desired value (`+25%`, `-10%`, `x2`, `*1.5`, `+100m`, `-256Mi`). Empty removes.

use crate::model::ground::quantity::Quantity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    /// The quantity in this kind's unit. Memory is whole bytes: a fraction of a byte (`100m`
    /// is a tenth of one) is refused rather than rounded into a value nobody meant.
    fn amount(self, q: &Quantity, typed: &str) -> Result<i64, String> {
        match self {
            Self::Cpu => Ok(q.millis()),
            Self::Memory if q.nanos() % 1_000_000_000 != 0 => Err(fractional_bytes(typed)),
            Self::Memory => Ok(q.units()),
        }
    }
}

/// Why a memory value with a fraction of a byte is refused, with the likely intent.
fn fractional_bytes(typed: &str) -> String {
    match typed.strip_suffix('m') {
        Some(stem) => {
            format!("{typed:?} is milli-bytes (memory is whole bytes): did you mean {stem}Mi?")
        }
        None => format!("{typed:?} is a fraction of a byte: memory is whole bytes"),
    }
}

/// Result of reading a field: the new value, `None` to remove it.
pub type FieldValue = Option<i64>;

/// Multiplies by a decimal factor exactly, rounding up like the server does.
fn scale(current: i64, factor: &Quantity) -> Option<i64> {
    let product = i128::from(current).checked_mul(factor.nanos())?;
    let whole = product / 1_000_000_000;
    let rounded = if product % 1_000_000_000 > 0 {
        whole + 1
    } else {
        whole
    };
    i64::try_from(rounded).ok()
}

/// Reads one field. `current` is the desired value now (needed for relative edits).
pub fn parse_field(input: &str, current: Option<i64>, kind: Kind) -> Result<FieldValue, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let relative = |what: &str| -> Result<i64, String> {
        current.ok_or_else(|| format!("{what} needs a current value; type an absolute quantity"))
    };
    let bad = |e: crate::model::ground::quantity::QuantityError| e.to_string();
    if let Some(factor) = text.strip_prefix(['x', '*', '×']) {
        let base = relative("a factor")?;
        let factor = Quantity::parse(factor).map_err(bad)?;
        return scale(base, &factor)
            .map(Some)
            .ok_or_else(|| format!("{text:?} is too large"));
    }
    if let Some(percent) = text.strip_suffix('%') {
        let base = relative("a percentage")?;
        let delta = Quantity::parse(percent).map_err(bad)?;
        // +25% → base × 1.25; the sign is part of the number.
        let factor_nanos = 1_000_000_000 + delta.nanos() / 100;
        let factor = Quantity::parse(&format!("{factor_nanos}n")).map_err(bad)?;
        return scale(base, &factor)
            .map(Some)
            .ok_or_else(|| format!("{text:?} is too large"));
    }
    if let Some(sign) = text.chars().next().filter(|c| *c == '+' || *c == '-') {
        let base = relative("a relative change")?;
        let delta = kind.amount(&Quantity::parse(&text[1..]).map_err(bad)?, text)?;
        let value = if sign == '+' {
            base.checked_add(delta)
        } else {
            base.checked_sub(delta)
        };
        return value
            .map(Some)
            .ok_or_else(|| format!("{text:?} is too large"));
    }
    Ok(Some(
        kind.amount(&Quantity::parse(text).map_err(bad)?, text)?,
    ))
}

/// What a typed field means, shown beside it while typing (before the review step).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Preview {
    /// An absolute quantity (or nothing typed): the text says it all.
    #[default]
    AsTyped,
    /// A relative edit (`x2`, `+25%`, `-100m`) and the value it comes to, canonical.
    Resolved(String),
    /// Empty: the value is removed from the spec.
    Removed,
    /// Not a value; the reason, naming the input.
    Invalid(String),
}

impl Preview {
    /// The short form beside the field: the reason of an invalid input goes on the line
    /// below it, where there is room.
    pub fn beside(&self) -> String {
        match self {
            Self::Invalid(_) => "✗".into(),
            other => other.text(),
        }
    }

    /// The text beside the field: `→ 500m`, `→ removed`, `✗ reason`; empty when as typed.
    pub fn text(&self) -> String {
        match self {
            Self::AsTyped => String::new(),
            Self::Resolved(value) => format!("→ {value}"),
            Self::Removed => "→ removed".into(),
            Self::Invalid(reason) => format!("✗ {reason}"),
        }
    }
}

/// Whether `text` is an edit relative to the current value rather than a quantity.
fn is_relative(text: &str) -> bool {
    text.starts_with(['x', '*', '×', '+', '-']) || text.ends_with('%')
}

/// Reads a field as [`parse_field`] does and says what it comes to, for the editor.
pub fn preview(input: &str, current: Option<i64>, kind: Kind) -> Preview {
    let text = input.trim();
    match parse_field(text, current, kind) {
        Err(reason) => Preview::Invalid(reason),
        Ok(None) if current.is_some() => Preview::Removed,
        Ok(Some(value)) if is_relative(text) => Preview::Resolved(match kind {
            Kind::Cpu => crate::model::ground::quantity::cpu_canonical(value),
            Kind::Memory => crate::model::ground::quantity::memory_canonical(value),
        }),
        Ok(_) => Preview::AsTyped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_resolve_relative_edits_only() {
        let cpu = |s: &str, cur| preview(s, cur, Kind::Cpu).text();
        assert_eq!(cpu("x2", Some(250)), "→ 500m");
        assert_eq!(cpu("+25%", Some(400)), "→ 500m");
        assert_eq!(cpu("-100m", Some(1100)), "→ 1");
        assert_eq!(
            cpu("500m", Some(250)),
            "",
            "an absolute value is shown as typed"
        );
        assert_eq!(cpu("", Some(250)), "→ removed");
        assert_eq!(cpu("", None), "", "nothing to remove");
        let mem = preview("*1.5", Some(256 << 20), Kind::Memory);
        assert_eq!(mem, Preview::Resolved("384Mi".into()));
        let bad = preview("x2", None, Kind::Cpu).text();
        assert!(bad.starts_with("✗ a factor needs a current value"), "{bad}");
        let bad = preview("-100m", Some(256 << 20), Kind::Memory).text();
        assert!(bad.contains("did you mean -100Mi?"), "{bad}");
    }

    #[test]
    fn absolute_values_in_any_form() {
        assert_eq!(parse_field("500m", Some(100), Kind::Cpu), Ok(Some(500)));
        assert_eq!(parse_field("1.5", None, Kind::Cpu), Ok(Some(1500)));
        assert_eq!(parse_field("1Gi", None, Kind::Memory), Ok(Some(1 << 30)));
        assert_eq!(
            parse_field(" 256Mi ", None, Kind::Memory),
            Ok(Some(256 << 20))
        );
        assert_eq!(parse_field("", Some(5), Kind::Cpu), Ok(None));
    }

    #[test]
    fn relative_edits() {
        assert_eq!(parse_field("+25%", Some(400), Kind::Cpu), Ok(Some(500)));
        assert_eq!(parse_field("-50%", Some(400), Kind::Cpu), Ok(Some(200)));
        assert_eq!(parse_field("x2", Some(300), Kind::Cpu), Ok(Some(600)));
        assert_eq!(
            parse_field("*1.5", Some(256 << 20), Kind::Memory),
            Ok(Some(384 << 20))
        );
        assert_eq!(parse_field("-100m", Some(300), Kind::Cpu), Ok(Some(200)));
        assert_eq!(
            parse_field("+1Gi", Some(1 << 30), Kind::Memory),
            Ok(Some(2 << 30))
        );
        assert_eq!(
            parse_field("+33%", Some(1), Kind::Cpu),
            Ok(Some(2)),
            "rounds up"
        );
        assert_eq!(
            parse_field("-200m", Some(100), Kind::Cpu),
            Ok(Some(-100)),
            "validation rejects it later"
        );
    }

    #[test]
    fn memory_refuses_fractions_of_a_byte_with_a_hint() {
        let err = parse_field("-100m", Some(256 << 20), Kind::Memory).unwrap_err();
        assert!(err.contains("did you mean -100Mi?"), "{err}");
        let err = parse_field("100m", None, Kind::Memory).unwrap_err();
        assert!(err.contains("did you mean 100Mi?"), "{err}");
        let err = parse_field("0.5", None, Kind::Memory).unwrap_err();
        assert!(err.contains("fraction of a byte"), "{err}");
        assert_eq!(parse_field("1.5Ki", None, Kind::Memory), Ok(Some(1536)));
        assert_eq!(parse_field("1000m", None, Kind::Memory), Ok(Some(1)));
        assert_eq!(parse_field("-100m", Some(300), Kind::Cpu), Ok(Some(200)));
    }

    #[test]
    fn errors_name_the_input() {
        let err = parse_field("lots", Some(1), Kind::Cpu).unwrap_err();
        assert!(err.contains("\"lots\""), "{err}");
        assert!(
            parse_field("1Mb", None, Kind::Memory)
                .unwrap_err()
                .contains("1Mb")
        );
        assert!(
            parse_field("x2", None, Kind::Cpu)
                .unwrap_err()
                .contains("current value")
        );
        assert!(parse_field("+abc%", Some(1), Kind::Cpu).is_err());
    }
}
