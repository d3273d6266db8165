//! The one place where Kubernetes timestamps become chrono values.

use chrono::{DateTime, TimeDelta, Utc};

/// Parses an RFC 3339 timestamp as the API writes it; `None` for anything else.
pub fn parse_k8s_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Converts k8s-openapi's time type (a jiff timestamp) to chrono.
pub fn from_k8s_time(
    time: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(
        time.0.as_second(),
        time.0.subsec_nanosecond().try_into().ok()?,
    )
}

/// kubectl-style age: `45s`, `12m`, `3h`, `5d`, `2y`; never negative.
pub fn format_age(age: TimeDelta) -> String {
    let secs = age.num_seconds().max(0);
    match secs {
        0..120 => format!("{secs}s"),
        120..7_200 => format!("{}m", secs / 60),
        7_200..172_800 => format!("{}h", secs / 3_600),
        172_800..63_072_000 => format!("{}d", secs / 86_400),
        _ => format!("{}y", secs / 31_536_000),
    }
}

/// Parses a kubectl-style duration (`30s`, `2m`, `1h`, `1h30m`, `500ms`).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("invalid duration {text:?}: use a number and a unit, like 30s, 2m or 1h");
    let mut total_ms: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let value: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        let unit_ms = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total_ms = value
            .checked_mul(unit_ms)
            .and_then(|v| total_ms.checked_add(v))
            .ok_or_else(bad)?;
    }
    Ok(std::time::Duration::from_millis(total_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        assert_eq!(format_age(TimeDelta::seconds(45)), "45s");
        assert_eq!(format_age(TimeDelta::seconds(600)), "10m");
        assert_eq!(format_age(TimeDelta::hours(5)), "5h");
        assert_eq!(format_age(TimeDelta::days(9)), "9d");
        assert_eq!(format_age(TimeDelta::days(800)), "2y");
        assert_eq!(format_age(TimeDelta::seconds(-5)), "0s");
    }

    #[test]
    fn durations_parse_like_kubectl() {
        assert_eq!(parse_duration("30s").unwrap().as_secs(), 30);
        assert_eq!(parse_duration("2m").unwrap().as_secs(), 120);
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("250ms").unwrap().as_millis(), 250);
        for bad in ["", "30", "s", "2x", "-1s", "1.5s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn timestamps_parse() {
        let t = parse_k8s_time("2026-11-28T02:39:25Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-28T02:39:25+00:00");
        assert!(parse_k8s_time("yesterday").is_none());
    }
}
