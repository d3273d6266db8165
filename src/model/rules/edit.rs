//! What the user types into a resource field: an absolute quantity, or an edit relative to
//! the current desired value (`+25%`, `-10%`, `x2`, `*1.5`, `+100m`, `-256Mi`). Empty removes.

use crate::model::ground::quantity::{Format, Quantity, QuantityError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Cpu,
    Memory,
}

impl Kind {
    /// The finest step a value of this kind takes, in nano-units: a millicore for cpu
    /// ("Kubernetes doesn't allow you to specify CPU resources with a precision finer than
    /// 1m", Resource Management for Pods), a byte for memory.
    fn step(self) -> i128 {
        match self {
            Self::Cpu => 1_000_000,
            Self::Memory => NANO,
        }
    }

    /// Refuses a typed value finer than this kind's step (`500u` of cpu, `100m` of memory,
    /// a tenth of a byte) rather than rounding it into a value nobody meant.
    fn checked(self, q: Quantity, typed: &str) -> Result<Quantity, String> {
        if q.nanos() % self.step() == 0 {
            return Ok(q);
        }
        Err(match self {
            Self::Memory => fractional_bytes(typed),
            Self::Cpu => sub_millicore(typed, q),
        })
    }

    /// A computed value rounded up to this kind's step: a change never comes to less than
    /// was asked (a request rounded down could go under what the container uses). Cpu is in
    /// podsize's own form (`313m`, not `312500u` nor `0.313`); memory keeps its family.
    fn whole(self, q: Quantity) -> Option<Quantity> {
        let step = self.step();
        let steps = q.nanos().div_euclid(step) + i128::from(q.nanos().rem_euclid(step) != 0);
        let format = match self {
            Self::Cpu => Format::DecimalSi,
            Self::Memory => q.format(),
        };
        Some(Quantity::with_nanos(steps.checked_mul(step)?, format))
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

/// Why a cpu value finer than a millicore is refused, with the whole millicores it rounds up
/// to (keeping a typed change's sign: `+500u` → `+1m`).
fn sub_millicore(typed: &str, q: Quantity) -> String {
    let sign = typed.strip_prefix(['+', '-']).map_or("", |_| &typed[..1]);
    let suggestion = Kind::Cpu.whole(q).map_or_else(String::new, |q| {
        format!(": did you mean {sign}{}?", q.canonical())
    });
    format!("{typed:?} is finer than 1m: cpu is set in whole millicores{suggestion}")
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
/// (needed for relative edits). A relative result is computed on that exact value and rounded
/// up to a whole millicore or byte: `+25%` on `250m` is `313m`, and `x2` on `100u` is `1m`.
/// A memory result keeps the current value's suffix family, as the server's own arithmetic
/// does, so `x2` on `512M` is `1024M`.
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
        let exact = Quantity::with_nanos(nanos, base.format());
        return kind.whole(exact).map(Some).ok_or_else(too_large);
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
        // The base may itself be finer than the step (a server holding `100u`).
        let exact = Quantity::with_nanos(nanos.ok_or_else(too_large)?, base.format());
        return kind.whole(exact).map(Some).ok_or_else(too_large);
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
#[path = "edit_tests.rs"]
mod tests;
