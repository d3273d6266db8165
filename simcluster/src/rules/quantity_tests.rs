use super::*;

fn stored(s: &str) -> String {
    Quantity::parse(s)
        .map(|q| q.to_string())
        .unwrap_or_else(|e| format!("ERR {e}"))
}

/// real-apiserver-facts.md "Third round": quantities are stored as sent when already
/// canonical for their family, else rewritten.
#[test]
fn stored_forms_match_the_real_server() {
    for (sent, want) in [
        ("512M", "512M"),
        ("1G", "1G"),
        ("1e0", "1e0"),
        ("+2", "+2"),
        ("+128Mi", "128Mi"),
        ("1e-1", "100e-3"),
        ("0.25Gi", "256Mi"),
        ("100m", "100m"),
        ("100u", "100u"),
        ("1e3", "1e3"),
    ] {
        assert_eq!(stored(sent), want, "{sent}");
    }
}

/// resize-api.md §7: canonical examples and rounding up to 1n.
#[test]
fn canonical_examples_of_section_7() {
    for (sent, want) in [
        ("1.5", "1500m"),
        ("0.5", "500m"),
        ("1000m", "1"),
        ("1.5Gi", "1536Mi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        ("1n", "1n"),
        (".000000000001Ki", "2n"),
        (".001Ki", "1024m"),
        ("0.1n", "1n"),
        ("-0.1n", "-1n"),
        ("500e-3", "500e-3"),
        ("12E-3", "12E-3"),
        ("12000E-3", "12"),
        ("1500e-3", "1500e-3"),
        ("1.5e3", "1500"),
        ("1536", "1536"),
        ("0", "0"),
        ("00", "0"),
        ("+", "0"),
        ("-", "0"),
        (".", "0"),
        ("1.", "1."),
        (".5", "500m"),
    ] {
        assert_eq!(stored(sent), want, "{sent}");
    }
}

/// resize-api.md §7 grammar and the error texts apimachinery uses.
#[test]
fn malformed_quantities() {
    for bad in ["", "abc", "1e3m", "Mb", "1Mb", "1..2", "--1", "1 Gi", "1e"] {
        assert!(Quantity::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Quantity::parse("1e3m"), Err(QuantityError::Format));
    assert_eq!(Quantity::parse("1K"), Err(QuantityError::Suffix));
    assert_eq!(QuantityError::Format.to_string(), FORMAT_WRONG);
}

#[test]
fn values_and_order() {
    let q = |s: &str| Quantity::parse(s).unwrap();
    assert_eq!(q("1Gi").units_ceil(), 1 << 30);
    assert_eq!(q("1.5").milli_ceil(), 1500);
    assert_eq!(q("1n").milli_ceil(), 1);
    assert!(q("1") > q("999m"));
    assert_eq!(q("1k"), q("1000"));
    assert_eq!(q("-1").signum(), -1);
    assert_eq!(Quantity::from_millis(1500).to_string(), "1500m");
    assert_eq!(Quantity::from_bytes(256 << 20).to_string(), "256Mi");
    assert_eq!(Quantity::from_bytes(1000).to_string(), "1k");
}

#[test]
fn never_panics_on_odd_input() {
    for s in [
        "99999999999999999999999999999999999999999999",
        "1e2147483647",
        "1e-2147483648",
        "9223372036854775807Ei",
        "0.99999999999999999999999999999999999999999999Ei",
        "-9223372036854775808",
    ] {
        let _ = Quantity::parse(s).map(|q| q.to_string());
    }
}
