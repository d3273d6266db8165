//! Checks of a plain-text table (`get`, `recommend`, `nodes`): each column starts under its
//! heading with a gap before it. The headings are spelt out by each test, not taken from the
//! code it checks.

/// Where each of `headings` starts in the `heading` line, in characters (`→`, `·` and a bar's
/// cells are one each, as on a terminal), each looked for after the one before it, so a
/// heading that comes twice is found twice.
pub fn heading_starts(headings: &[&str], heading: &str) -> Vec<usize> {
    let chars: Vec<char> = heading.chars().collect();
    let mut from = 0;
    headings
        .iter()
        .map(|h| {
            let h: Vec<char> = h.chars().collect();
            let at = from
                + chars[from..]
                    .windows(h.len())
                    .position(|w| w == h.as_slice())
                    .unwrap_or_else(|| panic!("no {h:?} in {heading}"));
            from = at + h.len();
            at
        })
        .collect()
}

/// Asserts that in `table` (a heading line, then at least `min_rows` rows) every cell after the
/// first starts under its heading, with at least two spaces before it. Returns the rows.
pub fn assert_columns_start_under_headings(
    headings: &[&str],
    table: &str,
    min_rows: usize,
) -> Vec<String> {
    let mut lines = table.lines();
    let heading = lines.next().unwrap_or_default();
    let starts = heading_starts(headings, heading);
    let rows: Vec<String> = lines.map(str::to_string).collect();
    assert!(rows.len() >= min_rows, "{table}");
    for text in &rows {
        let row: Vec<char> = text.chars().collect();
        for (&start, name) in starts.iter().zip(headings).skip(1) {
            assert!(
                row.get(start).is_some_and(|c| !c.is_whitespace()),
                "the {name} cell does not start under its heading:\n{heading}\n{text}"
            );
            assert!(
                row[start - 2..start].iter().all(|c| *c == ' '),
                "no gap before {name}:\n{heading}\n{text}"
            );
        }
    }
    rows
}
