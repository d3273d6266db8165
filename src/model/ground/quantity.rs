//! Kubernetes resource quantities, parsed exactly (no floating point).
//!
//! A quantity is held as a signed count of nano-units (10^-9), which is the
//! finest precision the apiserver keeps: anything finer is rounded up to 1n,
//! as apimachinery does. CPU is then read in millicores and memory in bytes.

use std::fmt;

/// Nano-units in one unit.
const NANO: i128 = 1_000_000_000;
/// Exponents outside this range cannot be represented in i128 nano-units.
const MAX_DECIMAL_EXPONENT: i32 = 27;

/// Which suffix family the value was written in; the canonical form keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `n u m "" k M G T P E`
    DecimalSi,
    /// `Ki Mi Gi Ti Pi Ei`
    BinarySi,
    /// `1e3`, `12E-3`
    DecimalExponent,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("quantity {0:?} is empty")]
    Empty(String),
    #[error(
        "quantity {0:?} must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    Format(String),
    #[error("quantity {0:?} has an invalid number")]
    Numeric(String),
    #[error(
        "quantity {0:?} has an unknown suffix (use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or an exponent)"
    )]
    Suffix(String),
    #[error("quantity {0:?} is too large")]
    TooLarge(String),
}

/// An exact Kubernetes quantity.
#[derive(Clone, Copy, Debug)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}
impl Eq for Quantity {}
impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

enum Suffix {
    Decimal(i32),
    Binary(u32),
    Exponent(i32),
}

fn parse_suffix(suffix: &str) -> Option<Suffix> {
    let decimal = match suffix {
        "" => Some(0),
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(exp) = decimal {
        return Some(Suffix::Decimal(exp));
    }
    let binary = match suffix {
        "Ki" => Some(1),
        "Mi" => Some(2),
        "Gi" => Some(3),
        "Ti" => Some(4),
        "Pi" => Some(5),
        "Ei" => Some(6),
        _ => None,
    };
    if let Some(power) = binary {
        return Some(Suffix::Binary(power));
    }
    let rest = suffix.strip_prefix(['e', 'E'])?;
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
        return None;
    }
    rest.parse::<i32>().ok().map(Suffix::Exponent)
}

/// Multiplies `mantissa` by 10^exp, rounding a fractional result up (away from zero).
fn scale_pow10(mantissa: i128, exp: i32) -> Option<i128> {
    if exp >= 0 {
        let factor = 10i128.checked_pow(u32::try_from(exp).ok()?)?;
        mantissa.checked_mul(factor)
    } else {
        let divisor = 10i128.checked_pow(exp.unsigned_abs()).unwrap_or(i128::MAX);
        Some(div_round_up(mantissa, divisor))
    }
}

/// Division that rounds any remainder up, away from zero.
fn div_round_up(value: i128, divisor: i128) -> i128 {
    // Most values fit in 64 bits, where division is a machine instruction (or a multiply, for
    // a constant divisor) rather than a 128-bit library call: it runs for every figure read.
    if let (Ok(v), Ok(d @ 1..)) = (i64::try_from(value), i64::try_from(divisor)) {
        return i128::from(v / d + if v % d == 0 { 0 } else { v.signum() });
    }
    let quotient = value / divisor;
    if value % divisor == 0 {
        quotient
    } else {
        quotient + value.signum()
    }
}

/// The plain forms metrics-server writes (`12345678n`, `250m`, `3`, `102400Ki`, `2Gi`): digits
/// and an SI suffix. A reading holds tens of thousands, so they skip the general parse's
/// trimming, sign, fraction and joining; `None` for any other form, left to the general parse.
/// Same value and format as the general parse (a test compares the two).
fn parse_plain(text: &str) -> Option<Quantity> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    // 18 digits always fit in a u64; longer mantissas take the general way.
    if digits == 0 || digits > 18 {
        return None;
    }
    let (number, suffix) = text.split_at(digits);
    let mantissa: u64 = number.parse().ok()?;
    let (format, nanos_per_unit) = match parse_suffix(suffix)? {
        Suffix::Decimal(exp) => (Format::DecimalSi, 10i128.pow(u32::try_from(exp + 9).ok()?)),
        Suffix::Binary(power) => (Format::BinarySi, NANO << (10 * power)),
        Suffix::Exponent(_) => return None,
    };
    let nanos = i128::from(mantissa).checked_mul(nanos_per_unit)?;
    Some(Quantity { nanos, format })
}

impl Quantity {
    /// Parses any quantity form the apiserver accepts, and rejects what it rejects.
    pub fn parse(input: &str) -> Result<Self, QuantityError> {
        match parse_plain(input) {
            Some(quantity) => Ok(quantity),
            None => Self::parse_general(input),
        }
    }

    /// [`Quantity::parse`] for every form, plain or not.
    fn parse_general(input: &str) -> Result<Self, QuantityError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(QuantityError::Empty(input.to_string()));
        }
        let (negative, unsigned) = match text.as_bytes()[0] {
            b'+' => (false, &text[1..]),
            b'-' => (true, &text[1..]),
            _ => (false, text),
        };
        let number_len = unsigned
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let (number, suffix) = unsigned.split_at(number_len);
        // apimachinery reads a missing number as zero: `+`, `-`, `.` and even `Gi` are 0.
        if !suffix
            .bytes()
            .all(|b| b"eEinumkKMGTP+-0123456789".contains(&b))
        {
            return Err(QuantityError::Format(input.to_string()));
        }
        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        if fraction.contains('.') {
            return Err(QuantityError::Numeric(input.to_string()));
        }
        let suffix =
            parse_suffix(suffix).ok_or_else(|| QuantityError::Suffix(input.to_string()))?;
        let too_large = || QuantityError::TooLarge(input.to_string());
        // Leading zeros carry no value; strip them so long zero runs cannot overflow.
        // Joined only when there is a fraction: most quantities (`250m`, `512Mi`) have none.
        let joined;
        let digits: &str = if fraction.is_empty() {
            whole
        } else {
            joined = format!("{whole}{fraction}");
            &joined
        };
        let significant = digits.trim_start_matches('0');
        // i128 holds 38 full digits; longer mantissas cannot be represented in nano-units.
        if significant.len() > 39 {
            return Err(too_large());
        }
        let mantissa: i128 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| too_large())?
        };
        let fraction_digits = i32::try_from(fraction.len()).map_err(|_| too_large())?;
        let (format, nanos) = match suffix {
            Suffix::Decimal(exp) | Suffix::Exponent(exp) => {
                let total = exp + 9 - fraction_digits;
                if total > MAX_DECIMAL_EXPONENT + 9 {
                    return Err(too_large());
                }
                let format = if matches!(suffix, Suffix::Exponent(_)) {
                    Format::DecimalExponent
                } else {
                    Format::DecimalSi
                };
                (format, scale_pow10(mantissa, total).ok_or_else(too_large)?)
            }
            Suffix::Binary(power) => {
                let factor = 1024i128.pow(power);
                let scaled = mantissa
                    .checked_mul(factor)
                    .and_then(|v| v.checked_mul(NANO))
                    .ok_or_else(too_large)?;
                (
                    Format::BinarySi,
                    scale_pow10(scaled, -fraction_digits).ok_or_else(too_large)?,
                )
            }
        };
        Ok(Self {
            nanos: if negative { -nanos } else { nanos },
            format,
        })
    }

    pub fn from_millis(millis: i64) -> Self {
        Self {
            nanos: i128::from(millis) * 1_000_000,
            format: Format::DecimalSi,
        }
    }

    pub fn from_bytes(bytes: i64) -> Self {
        Self {
            nanos: i128::from(bytes) * NANO,
            format: Format::BinarySi,
        }
    }

    /// A value in a given suffix family: sums keep the family of their first term, as
    /// apimachinery's `Quantity.Add` does, so a computed total prints as the server prints it.
    pub fn with_nanos(nanos: i128, format: Format) -> Self {
        Self { nanos, format }
    }

    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// Millicores (or milli-units), rounded up like apimachinery's `MilliValue`.
    pub fn millis(&self) -> i64 {
        saturate(div_round_up(self.nanos, 1_000_000))
    }

    /// Whole units (bytes for memory), rounded up like apimachinery's `Value`.
    pub fn units(&self) -> i64 {
        saturate(div_round_up(self.nanos, NANO))
    }

    /// The form the apiserver writes back: no fraction, largest exact suffix, same family.
    pub fn canonical(&self) -> String {
        let whole_units = self.nanos % NANO == 0;
        match self.format {
            Format::BinarySi if whole_units && self.nanos.abs() >= 1024 * NANO => {
                let mut value = self.nanos / NANO;
                let mut power = 0;
                while power < 6 && value % 1024 == 0 {
                    value /= 1024;
                    power += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][power];
                format!("{value}{suffix}")
            }
            Format::DecimalExponent => {
                let (mantissa, exp) = decimal_parts(self.nanos);
                if exp == 0 {
                    format!("{mantissa}")
                } else {
                    format!("{mantissa}e{exp}")
                }
            }
            _ => {
                let (mantissa, exp) = decimal_parts(self.nanos);
                let suffix = match exp {
                    -9 => "n",
                    -6 => "u",
                    -3 => "m",
                    3 => "k",
                    6 => "M",
                    9 => "G",
                    12 => "T",
                    15 => "P",
                    18 => "E",
                    _ => "",
                };
                format!("{mantissa}{suffix}")
            }
        }
    }
}

/// Splits nano-units into mantissa × 10^exp, exp a multiple of 3 in -9..=18, exp as large as exact.
fn decimal_parts(nanos: i128) -> (i128, i32) {
    if nanos == 0 {
        return (0, 0);
    }
    let mut mantissa = nanos;
    let mut exp = -9;
    while exp < 18 && mantissa % 1000 == 0 {
        mantissa /= 1000;
        exp += 3;
    }
    (mantissa, exp)
}

fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Canonical CPU text for a millicore count, as the server writes it (`1500m`, `2`).
pub fn cpu_canonical(millis: i64) -> String {
    Quantity::from_millis(millis).canonical()
}

/// Canonical memory text for a byte count, as the server writes it (`512Mi`, `1Gi`, `1500`; below 1Ki in decimal form, `1k`).
pub fn memory_canonical(bytes: i64) -> String {
    Quantity::from_bytes(bytes).canonical()
}

/// Short CPU text for tables: `250m`, `1.5`, `16`.
pub fn cpu_human(millis: i64) -> String {
    if millis.abs() < 1000 || millis % 100 != 0 {
        return if millis % 1000 == 0 {
            format!("{}", millis / 1000)
        } else {
            format!("{millis}m")
        };
    }
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        format!("{}.{}", millis / 1000, (millis % 1000).abs() / 100)
    }
}

/// Short memory text for tables: `128Mi`, `1.5Gi`, `900` (bytes); at most one decimal, rounded up.
pub fn memory_human(bytes: i64) -> String {
    const UNITS: [(&str, i64); 4] = [
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    for (suffix, size) in UNITS {
        if bytes.abs() >= size {
            if bytes % size == 0 {
                return format!("{}{suffix}", bytes / size);
            }
            let tenths = div_round_up(i128::from(bytes) * 10, i128::from(size));
            return if tenths % 10 == 0 {
                format!("{}{suffix}", tenths / 10)
            } else {
                format!("{}.{}{suffix}", tenths / 10, (tenths % 10).abs())
            };
        }
    }
    format!("{bytes}")
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
