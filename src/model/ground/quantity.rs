//! Kubernetes resource quantities, parsed exactly (no floating point).
//!
//! A quantity is held as a signed count of nano-units (10^-9), which is the
//! finest precision the apiserver keeps: anything finer is rounded up to 1n,
//! as apimachinery does. CPU is then read in millicores and memory in bytes.

use std::fmt;

// Reading the text forms the apiserver accepts is its own file; a child, so it builds
// `Quantity` values from their private parts.
#[path = "quantity_parse.rs"]
mod parse;

/// Nano-units in one unit.
const NANO: i128 = 1_000_000_000;

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

impl Quantity {
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
