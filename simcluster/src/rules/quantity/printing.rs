//! How a quantity is printed, as apimachinery prints it: the text kept as sent when the fast
//! path kept it, else the canonical form within the quantity's suffix family.

use super::{Format, NANO, Quantity};
use std::fmt;

impl Quantity {
    /// The canonical text, ignoring any text kept as sent.
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let binary = self.format == Format::BinarySi
            && self.nanos.abs() >= 1024 * NANO
            && self.nanos % NANO == 0;
        if binary {
            let mut n = self.nanos / NANO;
            let mut k = 0;
            while n % 1024 == 0 && k < 6 {
                n /= 1024;
                k += 1;
            }
            return format!("{n}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k]);
        }
        let (mut m, mut e) = (self.nanos, -9i32);
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        let down = e.rem_euclid(3);
        m *= 10i128.pow(down.unsigned_abs());
        e -= down;
        if self.format == Format::DecimalExponent {
            return if e == 0 {
                m.to_string()
            } else {
                format!("{m}e{e}")
            };
        }
        // Past `E` apimachinery has no suffix; keep the value right by staying at `E`.
        while e > 18 {
            m = m.saturating_mul(1000);
            e -= 3;
        }
        let idx = ((e + 9) / 3) as usize;
        format!(
            "{m}{}",
            ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"][idx]
        )
    }
}

/// The stored text: as sent when apimachinery keeps it, else canonical.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sent {
            Some(s) => f.write_str(s),
            None => f.write_str(&self.canonical()),
        }
    }
}
