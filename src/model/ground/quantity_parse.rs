//! Reading a quantity's text: every form the apiserver accepts, exactly, and a fast path for
//! the plain forms metrics-server writes. Kept apart from the value and its printing in
//! `quantity.rs`, which this child module builds on.

use super::{Format, NANO, Quantity, QuantityError, div_round_up};

/// Exponents outside this range cannot be represented in i128 nano-units.
const MAX_DECIMAL_EXPONENT: i32 = 27;

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

/// The plain forms metrics-server writes (`12345678n`, `250m`, `3`, `102400Ki`, `2Gi`): digits
/// and an SI suffix. A reading holds tens of thousands, so they skip the general parse's
/// trimming, sign, fraction and joining; `None` for any other form, left to the general parse.
/// Same value and format as the general parse (a test compares the two).
pub(super) fn parse_plain(text: &str) -> Option<Quantity> {
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
    pub(super) fn parse_general(input: &str) -> Result<Self, QuantityError> {
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
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
