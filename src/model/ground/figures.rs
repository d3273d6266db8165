//! The one form of a computed figure (a sum, free room, a shortfall, a recommendation, a
//! usage), so every screen and command reads in the same units: CPU in cores with up to three
//! significant digits, or millicores below one core; memory in binary units (Ki, Mi, Gi, …)
//! with up to three significant digits. A value the server holds or a person typed is shown
//! in its own form instead (`Quantity::canonical`, a row's server texts).

/// `value / unit` with up to three significant digits, rounded half up; a whole part of
/// more than three digits is kept whole (`4622`, not `4.62k`).
fn three_digits(value: i128, unit: i128) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let value = value.abs();
    let decimals: u32 = match value / unit {
        0..=9 => 2,
        10..=99 => 1,
        _ => 0,
    };
    let scale = 10i128.pow(decimals);
    let scaled = (value * scale * 2 + unit) / (unit * 2);
    let whole = scaled / scale;
    let fraction = scaled % scale;
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:0width$}", width = decimals as usize);
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// CPU as a figure: `250m` below one core, else cores with up to 3 significant digits
/// (`1.25`, `15.8`, `420`, `4622`).
pub fn cpu_figure(millis: i64) -> String {
    match millis {
        0 => return "0".into(),
        m if m.abs() < 1000 => return format!("{m}m"),
        _ => {}
    }
    three_digits(i128::from(millis), 1000)
}

/// Memory as a figure in binary units with up to 3 significant digits (`183Mi`, `1.5Gi`,
/// `57.7Gi`, `0.98Gi`); below 1Ki in bytes.
pub fn memory_figure(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let value = i128::from(bytes);
    if value.abs() < 1024 {
        return format!("{bytes}");
    }
    let mut power = 0;
    while power + 1 < UNITS.len() && value.abs() >= 1024i128.pow(power as u32 + 2) {
        power += 1;
    }
    let mut unit = 1024i128.pow(power as u32 + 1);
    // 1000Mi to 1023Mi read as 0.98Gi..1Gi: four digits would not fit a figure's column.
    if value.abs() / unit >= 1000 && power + 1 < UNITS.len() {
        power += 1;
        unit *= 1024;
    }
    format!("{}{}", three_digits(value, unit), UNITS[power])
}

/// `1 pod`, `2 pods`: a count with its noun in the right number.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_in_cores_with_three_significant_digits_or_millicores() {
        assert_eq!(cpu_figure(250), "250m");
        assert_eq!(cpu_figure(0), "0");
        assert_eq!(cpu_figure(1000), "1");
        assert_eq!(cpu_figure(1250), "1.25");
        assert_eq!(cpu_figure(1255), "1.26");
        assert_eq!(cpu_figure(15_800), "15.8");
        assert_eq!(cpu_figure(16_640), "16.6");
        assert_eq!(cpu_figure(26_445), "26.4");
        assert_eq!(cpu_figure(38_350), "38.4");
        assert_eq!(cpu_figure(371_350), "371");
        assert_eq!(cpu_figure(420_300), "420");
        assert_eq!(cpu_figure(4_622_150), "4622");
        assert_eq!(cpu_figure(9_996), "10");
        assert_eq!(cpu_figure(-1500), "-1.5");
    }

    #[test]
    fn counts_take_the_noun_in_the_right_number() {
        assert_eq!(counted(1, "pod", "pods"), "1 pod");
        assert_eq!(counted(2, "pod", "pods"), "2 pods");
        assert_eq!(counted(0, "pod", "pods"), "0 pods");
    }

    #[test]
    fn memory_in_binary_units_with_three_significant_digits() {
        assert_eq!(memory_figure(512 << 20), "512Mi");
        assert_eq!(memory_figure(183 << 20), "183Mi");
        assert_eq!(memory_figure(1536 << 20), "1.5Gi");
        assert_eq!(memory_figure(64_960 << 20), "63.4Gi");
        assert_eq!(memory_figure(512_000_000), "488Mi");
        assert_eq!(memory_figure(61_966_352_384), "57.7Gi");
        assert_eq!(memory_figure(1000 << 20), "0.98Gi");
        assert_eq!(memory_figure(1023 << 20), "1Gi");
        assert_eq!(memory_figure(900), "900");
        assert_eq!(memory_figure(1 << 40), "1Ti");
        assert_eq!(memory_figure(-(256 << 20)), "-256Mi");
    }
}
