//! What the user types into a resource field: an absolute quantity, or an edit relative to
//! the current desired value (`+25%`, `-10%`, `x2`, `*1.5`, `+100m`, `-256Mi`). Empty removes.

use crate::model::ground::quantity::{Quantity, QuantityError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    /// Refuses a memory value with a fraction of a byte (`100m` is a tenth of one) rather than
    /// rounding it into a value nobody meant.
    fn checked(self, q: Quantity, typed: &str) -> Result<Quantity, String> {
        if self == Self::Memory && q.nanos() % 1_000_000_000 != 0 {
            return Err(fractional_bytes(typed));
        }
        Ok(q)
    }

    /// A computed memory value rounded up to a whole byte; cpu keeps its nano-cores.
    fn whole(self, q: Quantity) -> Quantity {
        match self {
            Self::Cpu => q,
            Self::Memory => {
                let bytes = q.nanos().div_euclid(1_000_000_000)
                    + i128::from(q.nanos().rem_euclid(1_000_000_000) != 0);
                Quantity::with_nanos(bytes * 1_000_000_000, q.format())
            }
        }
    }

    /// The value in this kind's unit: millicores (rounded up, as the server reads them) or bytes.
    pub fn value(self, q: &Quantity) -> i64 {
        match self {
            Self::Cpu => q.millis(),
            Self::Memory => q.units(),
        }
    }

    /// A value in this kind's unit as a quantity in podsize's own form.
    pub fn quantity(self, value: i64) -> Quantity {
        match self {
            Self::Cpu => Quantity::from_millis(value),
            Self::Memory => Quantity::from_bytes(value),
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

const NANO: i128 = 1_000_000_000;

/// `value × factor / 10^9`, rounded up (away from zero) to the server's finest step, 1n.
fn scale_nanos(value: i128, factor_nanos: i128) -> Option<i128> {
    let product = value.checked_mul(factor_nanos)?;
    let whole = product / NANO;
    Some(if product % NANO == 0 {
        whole
    } else {
        whole + product.signum()
    })
}

/// Why a typed text is not a quantity, naming the forms that are.
fn not_a_quantity(text: &str, e: &QuantityError, kind: Kind) -> String {
    match e {
        QuantityError::Format(_) | QuantityError::Suffix(_) | QuantityError::Numeric(_) => {
            let forms = match kind {
                Kind::Cpu => "cores (1, 1.5) or millicores (250m)",
                Kind::Memory => "bytes with a unit (256Mi, 1Gi, 512M)",
            };
            format!(
                "{text:?} is not a quantity: type {forms}, or a change (+25%, -10%, x2, {})",
                match kind {
                    Kind::Cpu => "+100m",
                    Kind::Memory => "+256Mi",
                }
            )
        }
        other => other.to_string(),
    }
}

/// Reads one field exactly. `current` is the desired value now, exactly as the server holds it
/// (needed for relative edits). A relative result keeps the current value's suffix family,
/// as the server's own arithmetic does, so `x2` on `100u` is `200u` and on `512M` is `1024M`.
pub fn parse_exact(
    input: &str,
    current: Option<Quantity>,
    kind: Kind,
) -> Result<Option<Quantity>, String> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let relative = |what: &str| -> Result<Quantity, String> {
        current.ok_or_else(|| format!("{what} needs a current value; type an absolute quantity"))
    };
    let parse = |t: &str| Quantity::parse(t).map_err(|e| not_a_quantity(text, &e, kind));
    let too_large = || format!("{text:?} is too large");
    let factor_nanos = if let Some(factor) = text.strip_prefix(['x', '*', '×']) {
        let base = relative("a factor")?;
        Some((base, parse(factor)?.nanos()))
    } else if let Some(percent) = text.strip_suffix('%') {
        let base = relative("a percentage")?;
        // +25% → base × 1.25; the sign is part of the number.
        Some((base, NANO + parse(percent)?.nanos() / 100))
    } else {
        None
    };
    if let Some((base, factor)) = factor_nanos {
        let nanos = scale_nanos(base.nanos(), factor).ok_or_else(too_large)?;
        return Ok(Some(kind.whole(Quantity::with_nanos(nanos, base.format()))));
    }
    if let Some(sign) = text.chars().next().filter(|c| *c == '+' || *c == '-') {
        let base = relative("a relative change")?;
        let delta = kind.checked(parse(&text[1..])?, text)?;
        if kind == Kind::Memory && is_bare_number(&text[1..]) {
            return Err(bare_bytes_change(text, sign));
        }
        let nanos = if sign == '+' {
            base.nanos().checked_add(delta.nanos())
        } else {
            base.nanos().checked_sub(delta.nanos())
        };
        return Ok(Some(Quantity::with_nanos(
            nanos.ok_or_else(too_large)?,
            base.format(),
        )));
    }
    Ok(Some(kind.checked(parse(text)?, text)?))
}

/// `1`, `1.5`: a number without a unit, which for memory means bytes.
fn is_bare_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// `-1` on memory would take one byte off: never what was meant, so it is refused with the
/// forms that say what was.
fn bare_bytes_change(text: &str, sign: char) -> String {
    let number = &text[1..];
    let bytes = if number == "1" { "byte" } else { "bytes" };
    format!(
        "{text:?} would change the memory by {number} {bytes}: give a unit ({sign}{number}Mi, {sign}{number}Gi) or a percentage ({sign}{number}%)"
    )
}

/// Reads one field. `current` is the desired value now (needed for relative edits).
pub fn parse_field(input: &str, current: Option<i64>, kind: Kind) -> Result<FieldValue, String> {
    let current = current.map(|v| kind.quantity(v));
    parse_exact(input, current, kind).map(|q| q.map(|q| kind.value(&q)))
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
    preview_exact(input, current.map(|v| kind.quantity(v)), kind)
}

/// [`preview`] against the exact current value: a relative edit resolves in its family.
pub fn preview_exact(input: &str, current: Option<Quantity>, kind: Kind) -> Preview {
    let text = input.trim();
    match parse_exact(text, current, kind) {
        Err(reason) => Preview::Invalid(reason),
        Ok(None) if current.is_some() => Preview::Removed,
        Ok(Some(value)) if is_relative(text) => Preview::Resolved(value.canonical()),
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

    fn exact(input: &str, current: &str, kind: Kind) -> Result<String, String> {
        let current = Quantity::parse(current).ok();
        parse_exact(input, current, kind).map(|q| q.map_or_else(String::new, |q| q.canonical()))
    }

    #[test]
    fn relative_edits_compute_on_the_exact_value_in_its_own_form() {
        // 100u is a tenth of a millicore: doubling it is 200u, not 2m.
        assert_eq!(exact("x2", "100u", Kind::Cpu), Ok("200u".into()));
        assert_eq!(exact("+50%", "100u", Kind::Cpu), Ok("150u".into()));
        assert_eq!(exact("x2", "512M", Kind::Memory), Ok("1024M".into()));
        assert_eq!(exact("+25%", "512Mi", Kind::Memory), Ok("640Mi".into()));
        assert_eq!(exact("+100Mi", "1Gi", Kind::Memory), Ok("1124Mi".into()));
        // What a person types is kept in its own form.
        assert_eq!(exact("1G", "512Mi", Kind::Memory), Ok("1G".into()));
        assert_eq!(exact("100u", "1", Kind::Cpu), Ok("100u".into()));
        // A fraction of a byte is rounded up to a whole one.
        assert_eq!(exact("x1.5", "3", Kind::Memory), Ok("5".into()));
    }

    #[test]
    fn a_unitless_memory_change_is_refused_with_what_was_meant() {
        let err = exact("-1", "256Mi", Kind::Memory).unwrap_err();
        assert!(err.contains("by 1 byte:"), "{err}");
        assert!(err.contains("-1Mi") && err.contains("-1Gi"), "{err}");
        let err = exact("+512", "256Mi", Kind::Memory).unwrap_err();
        assert!(err.contains("512 bytes"), "{err}");
        // A cpu change without a unit is in cores, which is what a person means.
        assert_eq!(exact("-1", "2", Kind::Cpu), Ok("1".into()));
    }

    #[test]
    fn a_non_quantity_names_the_accepted_forms_not_a_regular_expression() {
        let err = exact("abc", "1", Kind::Cpu).unwrap_err();
        assert!(
            !err.contains("regular expression") && !err.contains('^'),
            "{err}"
        );
        assert!(err.contains("250m") && err.contains("x2"), "{err}");
        let err = exact("abc", "1Gi", Kind::Memory).unwrap_err();
        assert!(err.contains("256Mi"), "{err}");
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
