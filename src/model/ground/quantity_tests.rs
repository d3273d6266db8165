use super::*;
use proptest::prelude::*;

fn canon(s: &str) -> String {
    Quantity::parse(s).unwrap().canonical()
}

#[test]
fn canonical_forms_match_the_apiserver() {
    let cases = [
        ("1.5", "1500m"),
        ("0.5", "500m"),
        ("1000m", "1"),
        ("1.5Gi", "1536Mi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        ("1e3", "1e3"),
        ("1n", "1n"),
        ("0", "0"),
        ("100m", "100m"),
        ("2", "2"),
        ("128Mi", "128Mi"),
        ("512Ki", "512Ki"),
        ("1536", "1536"),
        ("12E-3", "12e-3"),
        ("1000e-3", "1"),
        ("+1", "1"),
        ("-1", "-1"),
        (" 250m ", "250m"),
        (".5", "500m"),
        ("1.", "1"),
        ("0.5Ki", "512"),
        (".001Ki", "1024m"),
        (".000000000001Ki", "2n"),
        ("1E", "1E"),
        ("1Ei", "1Ei"),
        ("1000Ki", "1000Ki"),
    ];
    for (input, want) in cases {
        assert_eq!(canon(input), want, "canonical of {input:?}");
    }
}

#[test]
fn cpu_is_millicores_rounded_up() {
    assert_eq!(Quantity::parse("1.5").unwrap().millis(), 1500);
    assert_eq!(Quantity::parse("250m").unwrap().millis(), 250);
    assert_eq!(Quantity::parse("1n").unwrap().millis(), 1);
    assert_eq!(Quantity::parse("1e3").unwrap().millis(), 1_000_000);
    assert_eq!(Quantity::parse("2k").unwrap().millis(), 2_000_000);
    assert_eq!(Quantity::parse("0.0005").unwrap().millis(), 1);
}

#[test]
fn memory_is_bytes() {
    assert_eq!(Quantity::parse("1Gi").unwrap().units(), 1 << 30);
    assert_eq!(Quantity::parse("128Mi").unwrap().units(), 128 << 20);
    assert_eq!(Quantity::parse("1G").unwrap().units(), 1_000_000_000);
    assert_eq!(Quantity::parse("1.5Ki").unwrap().units(), 1536);
    assert_eq!(Quantity::parse("1m").unwrap().units(), 1);
    assert_eq!(Quantity::parse("1Ti").unwrap().units(), 1 << 40);
    assert_eq!(Quantity::parse("1Pi").unwrap().units(), 1 << 50);
}

#[test]
fn every_suffix_is_understood() {
    let decimal = [
        ("1n", 1),
        ("1u", 1_000),
        ("1m", 1_000_000),
        ("1", 1_000_000_000),
        ("1k", 1_000_000_000_000),
        ("1M", 10i128.pow(15)),
        ("1G", 10i128.pow(18)),
        ("1T", 10i128.pow(21)),
        ("1P", 10i128.pow(24)),
        ("1E", 10i128.pow(27)),
    ];
    for (input, nanos) in decimal {
        assert_eq!(Quantity::parse(input).unwrap().nanos(), nanos, "{input}");
    }
    for (i, suffix) in ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].iter().enumerate() {
        let q = Quantity::parse(&format!("1{suffix}")).unwrap();
        assert_eq!(q.nanos(), 1024i128.pow(i as u32 + 1) * NANO, "{suffix}");
        assert_eq!(q.format(), Format::BinarySi);
    }
}

#[test]
fn equal_values_compare_equal_across_forms() {
    assert_eq!(
        Quantity::parse("1").unwrap(),
        Quantity::parse("1000m").unwrap()
    );
    assert_eq!(
        Quantity::parse("1Gi").unwrap(),
        Quantity::parse("1024Mi").unwrap()
    );
    assert_eq!(
        Quantity::parse("1e3").unwrap(),
        Quantity::parse("1k").unwrap()
    );
    assert!(Quantity::parse("500m").unwrap() < Quantity::parse("1").unwrap());
}

#[test]
fn rejects_what_the_apiserver_rejects() {
    for bad in [
        "", " ", "K", "1K", "1Mb", "1.2.3", "abc", "1 Gi", "1KiB", "1e", "1e+", "--1", "1mi",
        "1gi", "0x10", "1,5", "1ee3", "1Kii", "..", "+-1", "1e3m",
    ] {
        let err = Quantity::parse(bad).unwrap_err();
        assert!(
            err.to_string().contains(&format!("{bad:?}")),
            "error for {bad:?} names the value: {err}"
        );
    }
}

#[test]
fn a_missing_number_is_zero_as_in_apimachinery() {
    // apimachinery's parseQuantityString turns an empty numerator into "0" (issue #19.8).
    for zero in ["+", "-", ".", "+.", "-.", "Gi", "+Mi", "m"] {
        let q = Quantity::parse(zero).unwrap_or_else(|e| panic!("{zero:?}: {e}"));
        assert_eq!(q.nanos(), 0, "{zero:?}");
        assert_eq!(q.canonical(), "0", "{zero:?}");
    }
}

#[test]
fn error_kinds_are_specific() {
    assert!(matches!(Quantity::parse(""), Err(QuantityError::Empty(_))));
    assert!(matches!(
        Quantity::parse("1Mb"),
        Err(QuantityError::Format(_))
    ));
    assert!(matches!(
        Quantity::parse("1.2.3"),
        Err(QuantityError::Numeric(_))
    ));
    assert!(matches!(
        Quantity::parse("1mi"),
        Err(QuantityError::Suffix(_))
    ));
    assert!(matches!(
        Quantity::parse("abc"),
        Err(QuantityError::Format(_))
    ));
    assert!(matches!(
        Quantity::parse("1e999"),
        Err(QuantityError::Suffix(_) | QuantityError::TooLarge(_))
    ));
    assert!(matches!(
        Quantity::parse("99999999999999999999999999999999999999999"),
        Err(QuantityError::TooLarge(_))
    ));
}

#[test]
fn long_mantissas_round_trip() {
    // Found by the fuzzer: a value whose canonical form has more digits than its input.
    let q = Quantity::parse("002000000000020000000000000000.0100002").unwrap();
    assert_eq!(Quantity::parse(&q.canonical()).unwrap().nanos(), q.nanos());
    assert!(matches!(
        Quantity::parse(&"9".repeat(40)),
        Err(QuantityError::TooLarge(_))
    ));
}

#[test]
fn human_forms_are_short() {
    assert_eq!(cpu_human(250), "250m");
    assert_eq!(cpu_human(1500), "1.5");
    assert_eq!(cpu_human(2000), "2");
    assert_eq!(cpu_human(1250), "1250m");
    assert_eq!(cpu_human(0), "0");
    assert_eq!(memory_human(128 << 20), "128Mi");
    assert_eq!(memory_human(1536 << 20), "1.5Gi");
    assert_eq!(memory_human(900), "900");
    assert_eq!(memory_human(1 << 40), "1Ti");
    assert_eq!(memory_human(1_000_000_000), "953.7Mi");
}

#[test]
fn canonical_helpers() {
    assert_eq!(cpu_canonical(1500), "1500m");
    assert_eq!(cpu_canonical(2000), "2");
    assert_eq!(memory_canonical(1 << 30), "1Gi");
    assert_eq!(memory_canonical(1000), "1k");
    assert_eq!(memory_canonical(1500), "1500");
}

proptest! {
    #[test]
    fn parse_of_canonical_is_identity(nanos in -(10i128.pow(30))..10i128.pow(30), fmt in 0u8..3) {
        let format = [Format::DecimalSi, Format::BinarySi, Format::DecimalExponent][fmt as usize];
        let q = Quantity { nanos, format };
        let back = Quantity::parse(&q.canonical()).unwrap();
        prop_assert_eq!(back.nanos(), nanos);
    }

    #[test]
    fn canonical_is_stable(text in "[+-]?[0-9]{0,6}(\\.[0-9]{0,4})?(|n|u|m|k|M|G|Ki|Mi|Gi|e[0-9]|E-[0-9])") {
        if let Ok(q) = Quantity::parse(&text) {
            let once = q.canonical();
            prop_assert_eq!(canon(&once), once.clone());
        }
    }

    #[test]
    fn never_panics(text in "\\PC{0,40}") {
        let _ = Quantity::parse(&text);
    }

    #[test]
    fn millis_round_trip(millis in -(1i64<<50)..(1i64<<50)) {
        prop_assert_eq!(Quantity::parse(&cpu_canonical(millis)).unwrap().millis(), millis);
    }

    #[test]
    fn bytes_round_trip(bytes in 0i64..(1i64<<60)) {
        prop_assert_eq!(Quantity::parse(&memory_canonical(bytes)).unwrap().units(), bytes);
    }
}

/// The general parse's answer, as comparable values: the value and its format (`Quantity`'s
/// own equality compares values only), or the exact error.
fn general(text: &str) -> Result<(i128, Format), QuantityError> {
    Quantity::parse_general(text).map(|q| (q.nanos(), q.format()))
}

fn fast_or_general(text: &str) -> Result<(i128, Format), QuantityError> {
    Quantity::parse(text).map(|q| (q.nanos(), q.format()))
}

const SUFFIXES: [&str; 16] = [
    "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
];

#[test]
fn the_plain_forms_metrics_server_writes_take_the_fast_path() {
    // Without this the comparisons below could pass with a fast path that never runs.
    for text in [
        "123456789n",
        "12m",
        "3",
        "102400Ki",
        "2Gi",
        "1234567",
        "0",
        "007Mi",
    ] {
        let plain = parse::parse_plain(text).map(|q| (q.nanos(), q.format()));
        assert_eq!(plain, Some(general(text).unwrap()), "{text:?}");
    }
    assert_eq!(parse::parse_plain("102400Ki").unwrap().units(), 100 << 20);
    assert_eq!(parse::parse_plain("12345678n").unwrap().millis(), 13);
}

#[test]
fn the_fast_path_agrees_with_the_general_parse_on_every_suffix_and_edge() {
    let mantissas = [
        "0",
        "00",
        "1",
        "007",
        "999",
        "123456789",
        "999999999999999999",   // 18 digits: the fast path's longest
        "1000000000000000000",  // 19 digits: the general path's
        "18446744073709551615", // u64::MAX
        "170141183460469231731687303715884105727", // i128::MAX
        "9999999999999999999999999999999999999999", // 40 digits: too large
        "",
    ];
    let mut checked = 0;
    for suffix in SUFFIXES
        .iter()
        .chain(&["e3", "E-3", "e+2", "i", "K", "mi", "KiB", "x", "e"])
    {
        for m in mantissas {
            for text in [
                format!("{m}{suffix}"),
                format!("+{m}{suffix}"),
                format!("-{m}{suffix}"),
                format!(" {m}{suffix}"),
                format!("{m}{suffix} "),
                format!("{m}.5{suffix}"),
                format!(".{m}{suffix}"),
                format!("{m}{suffix}{suffix}"),
            ] {
                assert_eq!(fast_or_general(&text), general(&text), "{text:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 2000);
}

proptest! {
    // More cases than the default: each of the ~30 endings, with and without a sign or a
    // fraction, should come up several times.
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn the_fast_path_agrees_with_the_general_parse(
        text in "[+ -]?0*[0-9]{0,22}(\\.[0-9]{0,3})?(|n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]{1,3}|i|Kib|[a-z]{1,2})"
    ) {
        prop_assert_eq!(fast_or_general(&text), general(&text));
    }
}

proptest! {
    #[test]
    fn the_fast_path_agrees_on_any_text(text in "\\PC{0,24}") {
        prop_assert_eq!(fast_or_general(&text), general(&text));
    }

    #[test]
    fn rounding_division_equals_the_wide_one(
        value in prop_oneof![
            any::<i128>(),
            any::<i64>().prop_map(i128::from),
            (-1i128 << 70)..(1i128 << 70),
        ],
        divisor in prop_oneof![
            Just(1i128), Just(1_000), Just(1_000_000), Just(NANO), Just(1 << 30),
            1i128..(1 << 62), 1i128..i128::MAX,
        ],
    ) {
        // The 64-bit shortcut must round exactly as the 128-bit division it stands in for.
        let wide = value / divisor + if value % divisor == 0 { 0 } else { value.signum() };
        prop_assert_eq!(div_round_up(value, divisor), wide);
    }
}
