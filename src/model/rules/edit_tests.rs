use super::*;

#[test]
fn previews_resolve_relative_edits_only() {
    let cpu = |s: &str, cur| preview(s, cur, Kind::Cpu).text();
    assert_eq!(cpu("x2", Some(250)), "→ 500m");
    assert_eq!(cpu("+25%", Some(400)), "→ 500m");
    assert_eq!(cpu("-100m", Some(1100)), "→ 1");
    assert_eq!(
        cpu("500m", Some(250)),
        "",
        "an absolute value is shown as typed"
    );
    assert_eq!(cpu("", Some(250)), "→ removed");
    assert_eq!(cpu("", None), "", "nothing to remove");
    let mem = preview("*1.5", Some(256 << 20), Kind::Memory);
    assert_eq!(mem, Preview::Resolved("384Mi".into()));
    let bad = preview("x2", None, Kind::Cpu).text();
    assert!(bad.starts_with("✗ a factor needs a current value"), "{bad}");
    let bad = preview("-100m", Some(256 << 20), Kind::Memory).text();
    assert!(bad.contains("did you mean -100Mi?"), "{bad}");
}

fn exact(input: &str, current: &str, kind: Kind) -> Result<String, String> {
    let current = Quantity::parse(current).ok();
    parse_exact(input, current, kind).map(|q| q.map_or_else(String::new, |q| q.canonical()))
}

#[test]
fn relative_cpu_edits_come_to_whole_millicores_rounded_up() {
    // 312.5m is no quantity an operator writes, and finer than Kubernetes allows.
    assert_eq!(exact("+25%", "250m", Kind::Cpu), Ok("313m".into()));
    assert_eq!(
        preview("+25%", Some(250), Kind::Cpu),
        Preview::Resolved("313m".into())
    );
    assert_eq!(parse_field("+25%", Some(250), Kind::Cpu), Ok(Some(313)));
    assert_eq!(exact("x1.25", "0.25", Kind::Cpu), Ok("313m".into()));
    assert_eq!(exact("-10%", "255m", Kind::Cpu), Ok("230m".into()));
    // The property test's first find: a hair over 1m is 2m, never back down to 1m.
    assert_eq!(exact("+0.01%", "1m", Kind::Cpu), Ok("2m".into()));
    // A base the server holds finer than 1m still comes to whole millicores, upwards.
    assert_eq!(exact("x2", "100u", Kind::Cpu), Ok("1m".into()));
    assert_eq!(exact("+50%", "100u", Kind::Cpu), Ok("1m".into()));
    assert_eq!(exact("+100m", "100u", Kind::Cpu), Ok("101m".into()));
    // In cores where that is exact, as the server writes it.
    assert_eq!(exact("x1.5", "2", Kind::Cpu), Ok("3".into()));
    assert_eq!(exact("+25%", "1e0", Kind::Cpu), Ok("1250m".into()));
}

#[test]
fn cpu_typed_finer_than_a_millicore_is_refused_naming_1m() {
    for (typed, meant) in [("0.0005", "1m"), ("500u", "1m"), ("250.5m", "251m")] {
        let err = exact(typed, "1", Kind::Cpu).unwrap_err();
        assert!(err.contains("finer than 1m"), "{err}");
        assert!(err.contains(&format!("did you mean {meant}?")), "{err}");
        assert!(err.contains(&format!("{typed:?}")), "{err}");
    }
    let err = exact("+500u", "250m", Kind::Cpu).unwrap_err();
    assert!(err.contains("did you mean +1m?"), "{err}");
    let err = preview("100n", Some(250), Kind::Cpu).text();
    assert!(err.starts_with("✗ \"100n\" is finer than 1m"), "{err}");
    // Whole millicores written finer are whole millicores.
    assert_eq!(exact("1000u", "1", Kind::Cpu), Ok("1m".into()));
    assert_eq!(parse_field("0.001", None, Kind::Cpu), Ok(Some(1)));
}

#[test]
fn relative_memory_edits_keep_their_family() {
    assert_eq!(exact("x2", "512M", Kind::Memory), Ok("1024M".into()));
    assert_eq!(exact("+25%", "512Mi", Kind::Memory), Ok("640Mi".into()));
    assert_eq!(exact("+100Mi", "1Gi", Kind::Memory), Ok("1124Mi".into()));
    // What a person types is kept in its own form.
    assert_eq!(exact("1G", "512Mi", Kind::Memory), Ok("1G".into()));
    assert_eq!(exact("2500m", "1", Kind::Cpu), Ok("2500m".into()));
    // A fraction of a byte is rounded up to a whole one.
    assert_eq!(exact("x1.5", "3", Kind::Memory), Ok("5".into()));
    assert_eq!(exact("+1Ki", "1500m", Kind::Memory), Ok("1026".into()));
}

proptest::proptest! {
    /// Whatever the base and the percentage, a cpu edit comes to whole millicores, at or
    /// above the exact product and less than a millicore over it.
    #[test]
    fn a_percentage_of_millicores_is_the_next_whole_millicore(
        base in 0_i64..10_000_000,
        hundredths in -10_000_i64..100_000,
    ) {
        let sign = if hundredths < 0 { '-' } else { '+' };
        let p = hundredths.abs();
        let text = format!("{sign}{}.{:02}%", p / 100, p % 100);
        let q = parse_exact(&text, Some(Quantity::from_millis(base)), Kind::Cpu)
            .unwrap()
            .unwrap();
        proptest::prop_assert_eq!(q.nanos() % 1_000_000, 0, "{} on {}m", text, base);
        // Exact product in millicores × 10^4: base × (10^4 + hundredths).
        let exact = i128::from(base) * i128::from(10_000 + hundredths);
        let got = q.nanos() / 1_000_000 * 10_000;
        proptest::prop_assert!(got >= exact, "{} on {}m gave {}", text, base, q);
        proptest::prop_assert!(got - exact < 10_000, "{} on {}m gave {}", text, base, q);
        proptest::prop_assert!(!q.canonical().ends_with(['u', 'n']), "{}", q);
    }
}

#[test]
fn a_unitless_memory_change_is_refused_with_what_was_meant() {
    let err = exact("-1", "256Mi", Kind::Memory).unwrap_err();
    assert!(err.contains("by 1 byte:"), "{err}");
    assert!(err.contains("-1Mi") && err.contains("-1Gi"), "{err}");
    let err = exact("+512", "256Mi", Kind::Memory).unwrap_err();
    assert!(err.contains("512 bytes"), "{err}");
    // A cpu change without a unit is in cores, which is what a person means.
    assert_eq!(exact("-1", "2", Kind::Cpu), Ok("1".into()));
}

#[test]
fn a_non_quantity_names_the_accepted_forms_not_a_regular_expression() {
    let err = exact("abc", "1", Kind::Cpu).unwrap_err();
    assert!(
        !err.contains("regular expression") && !err.contains('^'),
        "{err}"
    );
    assert!(err.contains("250m") && err.contains("x2"), "{err}");
    let err = exact("abc", "1Gi", Kind::Memory).unwrap_err();
    assert!(err.contains("256Mi"), "{err}");
}

#[test]
fn absolute_values_in_any_form() {
    assert_eq!(parse_field("500m", Some(100), Kind::Cpu), Ok(Some(500)));
    assert_eq!(parse_field("1.5", None, Kind::Cpu), Ok(Some(1500)));
    assert_eq!(parse_field("1Gi", None, Kind::Memory), Ok(Some(1 << 30)));
    assert_eq!(
        parse_field(" 256Mi ", None, Kind::Memory),
        Ok(Some(256 << 20))
    );
    assert_eq!(parse_field("", Some(5), Kind::Cpu), Ok(None));
}

#[test]
fn relative_edits() {
    assert_eq!(parse_field("+25%", Some(400), Kind::Cpu), Ok(Some(500)));
    assert_eq!(parse_field("-50%", Some(400), Kind::Cpu), Ok(Some(200)));
    assert_eq!(parse_field("x2", Some(300), Kind::Cpu), Ok(Some(600)));
    assert_eq!(
        parse_field("*1.5", Some(256 << 20), Kind::Memory),
        Ok(Some(384 << 20))
    );
    assert_eq!(parse_field("-100m", Some(300), Kind::Cpu), Ok(Some(200)));
    assert_eq!(
        parse_field("+1Gi", Some(1 << 30), Kind::Memory),
        Ok(Some(2 << 30))
    );
    assert_eq!(
        parse_field("+33%", Some(1), Kind::Cpu),
        Ok(Some(2)),
        "rounds up"
    );
    assert_eq!(
        parse_field("-200m", Some(100), Kind::Cpu),
        Ok(Some(-100)),
        "validation rejects it later"
    );
}

#[test]
fn memory_refuses_fractions_of_a_byte_with_a_hint() {
    let err = parse_field("-100m", Some(256 << 20), Kind::Memory).unwrap_err();
    assert!(err.contains("did you mean -100Mi?"), "{err}");
    let err = parse_field("100m", None, Kind::Memory).unwrap_err();
    assert!(err.contains("did you mean 100Mi?"), "{err}");
    let err = parse_field("0.5", None, Kind::Memory).unwrap_err();
    assert!(err.contains("fraction of a byte"), "{err}");
    assert_eq!(parse_field("1.5Ki", None, Kind::Memory), Ok(Some(1536)));
    assert_eq!(parse_field("1000m", None, Kind::Memory), Ok(Some(1)));
    assert_eq!(parse_field("-100m", Some(300), Kind::Cpu), Ok(Some(200)));
}

#[test]
fn errors_name_the_input() {
    let err = parse_field("lots", Some(1), Kind::Cpu).unwrap_err();
    assert!(err.contains("\"lots\""), "{err}");
    assert!(
        parse_field("1Mb", None, Kind::Memory)
            .unwrap_err()
            .contains("1Mb")
    );
    assert!(
        parse_field("x2", None, Kind::Cpu)
            .unwrap_err()
            .contains("current value")
    );
    assert!(parse_field("+abc%", Some(1), Kind::Cpu).is_err());
}
