//! A usage figure in 16 bits, for the history rings (issue #30 point 15: 15,000 containers'
//! rings were a seventh of the dashboard's memory with metrics). Exact below 4,096 (millicores
//! or MiB: 4 cores, 4 GiB); above, a 12-bit mantissa and a 4-bit exponent, always rounded up,
//! so a ring may read up to 1/2048 more than was used and never less. The codes sort as the
//! figures do: a ring takes maxima and ranks of codes and decodes only what it reports.

const MANTISSA_BITS: u32 = 12;
/// Figures below this are kept exactly.
pub const EXACT_BELOW: u32 = 1 << MANTISSA_BITS;
/// The largest figure a code holds (134 million: millicores or MiB far beyond any node).
pub const LARGEST: u32 = (EXACT_BELOW - 1) << 15;

/// The code of `value`, rounded up; figures above [`LARGEST`] are held at it.
pub fn encode(value: u32) -> u16 {
    if value < EXACT_BELOW {
        return value as u16;
    }
    let value = value.min(LARGEST);
    let bits = u32::BITS - value.leading_zeros();
    let mut exponent = bits - MANTISSA_BITS;
    let mut mantissa = value.div_ceil(1 << exponent);
    if mantissa == EXACT_BELOW {
        // Rounding up carried into the next power of two.
        exponent += 1;
        mantissa = EXACT_BELOW / 2;
    }
    ((exponent << MANTISSA_BITS) | mantissa) as u16
}

/// The figure a code stands for.
pub fn decode(code: u16) -> u32 {
    let exponent = u32::from(code) >> MANTISSA_BITS;
    let mantissa = u32::from(code) & (EXACT_BELOW - 1);
    mantissa << exponent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> impl Iterator<Item = u32> {
        // Every figure up to 70,000, then a sweep with a growing stride, and the edges.
        let sweep = std::iter::successors(Some(70_000u32), |v| v.checked_add(v / 97 + 1));
        (0..70_000)
            .chain(sweep)
            .chain([LARGEST - 1, LARGEST, u32::MAX])
    }

    #[test]
    fn a_figure_comes_back_exact_below_4096_and_never_less_nor_more_than_a_2048th_above() {
        for v in values() {
            let back = decode(encode(v));
            let held = v.min(LARGEST);
            assert!(back >= held, "{v} came back as {back}");
            if v < EXACT_BELOW {
                assert_eq!(back, v);
            } else {
                assert!(
                    u64::from(back - held) * 2048 <= u64::from(held),
                    "{v} → {back}"
                );
            }
        }
    }

    #[test]
    fn codes_sort_as_their_figures_do() {
        let mut last = (0u32, 0u16);
        for v in values() {
            let code = encode(v);
            assert!(code >= last.1, "{} → {} but {v} → {code}", last.0, last.1);
            last = (v, code);
        }
        // Every code decodes to a figure whose code is itself: maxima and ranks of codes are
        // codes of figures.
        for code in 0..=u16::MAX {
            let v = decode(code);
            if code < EXACT_BELOW as u16 || code & (1 << (MANTISSA_BITS - 1)) != 0 {
                assert_eq!(encode(v), code, "{code} decodes to {v}");
            }
        }
    }
}
