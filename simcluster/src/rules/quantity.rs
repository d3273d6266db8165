//! The simulated apiserver's own resource quantity: parsed and printed the way apimachinery's
//! `resource.Quantity` does, independently of the quantity code podsize itself uses (the code under test).
//!
//! Values are held exactly as a count of nano-units; anything finer is rounded up (away from
//! zero) to 1n. A string that apimachinery's fast path keeps verbatim is stored as sent
//! (`512M`, `1e0`, `+2`); others are printed in canonical form within their suffix family.

use std::cmp::Ordering;
use std::fmt;

/// apimachinery's `ErrFormatWrong` text.
pub const FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// apimachinery's `ErrNumeric` text.
pub const NUMERIC: &str = "unable to parse numeric part of quantity";
/// apimachinery's `ErrSuffix` text.
pub const SUFFIX: &str = "unable to parse quantity's suffix";

mod printing;

const NANO: i128 = 1_000_000_000;

/// Suffix family, kept by the canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `n u m "" k M G T P E`
    DecimalSi,
    /// `Ki Mi Gi Ti Pi Ei`
    BinarySi,
    /// `e<int>` / `E<int>`
    DecimalExponent,
}

/// Why a quantity does not parse; `Display` is the server's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// Does not match the grammar.
    Format,
    /// Numeric part unusable (also: beyond what the simulator holds, about 1.7e29).
    Numeric,
    /// Unknown suffix such as `K` or `e`.
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Format => FORMAT_WRONG,
            Self::Numeric => NUMERIC,
            Self::Suffix => SUFFIX,
        })
    }
}

/// A parsed quantity: exact value, suffix family and, when kept, the text as sent.
#[derive(Clone, Debug)]
pub struct Quantity {
    nanos: i128,
    format: Format,
    sent: Option<String>,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}
impl Eq for Quantity {}
impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn digits_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Splits `[+-]digits[.digits]suffix` as apimachinery's `parseQuantityString` does: leading
/// zeros are dropped and an empty integer part counts as `0` (so `+`, `-` and `.` are 0).
fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    while pos < b.len() && b[pos] == b'0' {
        pos += 1;
    }
    let end = digits_end(b, pos);
    let num = if end == pos { "0" } else { &s[pos..end] };
    pos = end;
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        let end = digits_end(b, pos + 1);
        denom = &s[pos + 1..end];
        pos = end;
    }
    let start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && (b[pos] == b'+' || b[pos] == b'-') {
        pos += 1;
    }
    if digits_end(b, pos) != b.len() {
        return Err(QuantityError::Format);
    }
    Ok(Parts {
        positive,
        num,
        denom,
        suffix: &s[start..],
    })
}

/// Base (10 or 2), exponent and family of a suffix.
fn suffix(s: &str) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSi));
    let bin = |e| Some((2, e, Format::BinarySi));
    match s {
        "" => dec(0),
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        _ if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => s[1..]
            .parse::<i32>()
            .ok()
            .map(|e| (10, e, Format::DecimalExponent)),
        _ => None,
    }
}

fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

/// `digits × 10^shift` in nano-units, rounded up (away from zero) when `shift` cuts digits.
fn scaled(digits: &str, shift: i32) -> Option<i128> {
    let digits = digits.trim_start_matches('0');
    if shift >= 0 {
        let d: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        return d.checked_mul(pow10(shift.unsigned_abs())?);
    }
    let cut = digits.len() as i64 + i64::from(shift);
    let (int, rest) = if cut <= 0 {
        ("", digits)
    } else {
        digits.split_at(cut as usize)
    };
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let up = rest.bytes().any(|c| c != b'0');
    int.checked_add(i128::from(up))
}

/// Binary value `(num.denom) × 2^exp` in nano-units, rounded up.
fn binary_nanos(num: &str, denom: &str, exp: u32) -> Option<i128> {
    // Keep 24 fraction digits plus a sticky digit: enough for an exact ceiling at 1n.
    let (denom, sticky) = if denom.len() > 24 {
        let (kept, cut) = denom.split_at(24);
        (kept, cut.bytes().any(|c| c != b'0'))
    } else {
        (denom, false)
    };
    let digits = format!("{num}{denom}{}", if sticky { "1" } else { "" });
    let frac = denom.len() as u32 + u32::from(sticky);
    let digits = digits.trim_start_matches('0');
    let d: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let v = d.checked_mul(1i128.checked_shl(exp)?)?.checked_mul(NANO)?;
    let div = pow10(frac)?;
    Some(v / div + i128::from(v % div != 0))
}

impl Quantity {
    /// Parses a quantity string (already trimmed), as `resource.ParseQuantity` does.
    pub fn parse(s: &str) -> Result<Self, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::Format);
        }
        if s == "0" {
            return Ok(Self::zero_as_sent());
        }
        let p = split(s)?;
        let (base, exp, format) = suffix(p.suffix).ok_or(QuantityError::Suffix)?;
        let sign = if p.positive { 1 } else { -1 };
        if let Some(q) = Self::fast(s, &p, exp, format) {
            return Ok(q);
        }
        let mut nanos = if base == 2 {
            binary_nanos(p.num, p.denom, exp.unsigned_abs()).ok_or(QuantityError::Numeric)?
        } else {
            let shift = i64::from(exp) - p.denom.len() as i64 + 9;
            let shift = i32::try_from(shift).map_err(|_| QuantityError::Numeric)?;
            scaled(&format!("{}{}", p.num, p.denom), shift).ok_or(QuantityError::Numeric)?
        };
        if format == Format::BinarySi {
            nanos = nanos.min(i128::from(i64::MAX) * NANO);
        }
        Ok(Self {
            nanos: nanos * sign,
            format,
            sent: None,
        })
    }

    /// apimachinery's int64 fast path, which also decides whether the text is kept as sent.
    fn fast(s: &str, p: &Parts<'_>, exp: i32, format: Format) -> Option<Self> {
        let digits = p.num.len() + p.denom.len();
        let sign: i128 = if p.positive { 1 } else { -1 };
        if format == Format::BinarySi {
            let precision = 15 - p.num.len() as i32 - (exp * 3 / 10) - 1;
            if precision < 0 || !p.denom.is_empty() {
                return None;
            }
            let value: i64 = p.num.parse().ok()?;
            let result = value.checked_mul(1i64.checked_shl(exp as u32)?)?;
            let keep = exp % 10 == 0 && value & 7 != 0;
            return Some(Self {
                nanos: i128::from(result) * NANO * sign,
                format,
                sent: keep.then(|| s.to_string()),
            });
        }
        let scale = i64::from(exp) - p.denom.len() as i64;
        if 18 < digits || !(-9..=30).contains(&scale) {
            return None;
        }
        let shifted = format!("{}{}", p.num, p.denom);
        let value: i128 = shifted.parse().ok()?;
        let keep = scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0');
        Some(Self {
            nanos: value.checked_mul(pow10((scale + 9) as u32)?)? * sign,
            format,
            sent: keep.then(|| s.to_string()),
        })
    }

    fn zero_as_sent() -> Self {
        Self {
            nanos: 0,
            format: Format::DecimalSi,
            sent: Some("0".into()),
        }
    }

    /// Parses a JSON value as `Quantity.UnmarshalJSON` does: `null` is `None`, strings are
    /// trimmed, numbers are read from their text.
    pub fn from_json(value: &serde_json::Value) -> Result<Option<Self>, QuantityError> {
        match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => Self::parse(s.trim()).map(Some),
            serde_json::Value::Number(n) => Self::parse(&n.to_string()).map(Some),
            _ => Err(QuantityError::Format),
        }
    }

    /// Exact value in nano-units.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// Sign of the value: -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        self.nanos.signum() as i32
    }

    /// Value in thousandths, rounded up like `MilliValue`.
    pub fn milli_ceil(&self) -> i128 {
        div_ceil(self.nanos, 1_000_000)
    }

    /// Value in whole units, rounded up like `Value`.
    pub fn units_ceil(&self) -> i128 {
        div_ceil(self.nanos, NANO)
    }

    /// The suffix family.
    pub fn format(&self) -> Format {
        self.format
    }

    /// A computed quantity (a sum or difference) in `format`, printed canonically as
    /// apimachinery prints the result of `Add`/`Sub`.
    pub fn with_nanos(nanos: i128, format: Format) -> Self {
        Self {
            nanos,
            format,
            sent: None,
        }
    }

    /// Builds a decimal quantity from millis (how the simulator writes cpu it computed).
    pub fn from_millis(millis: i64) -> Self {
        Self {
            nanos: i128::from(millis) * 1_000_000,
            format: Format::DecimalSi,
            sent: None,
        }
    }

    /// Builds a binary quantity from bytes (how the simulator writes memory it computed).
    pub fn from_bytes(bytes: i64) -> Self {
        Self {
            nanos: i128::from(bytes) * NANO,
            format: Format::BinarySi,
            sent: None,
        }
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b > 0 { q + 1 } else { q }
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
