//! Plain text tables as kubectl prints them (its tabwriter): every column as wide as its widest
//! cell, two spaces between columns, the last column unpadded so a long last cell (a reason,
//! a message) costs no other line anything. `get`, `recommend` and `nodes` print through this
//! aligner, so their tables read alike.

use std::fmt::Write;

/// `lines` (the heading first) set in columns. A line shorter than the heading leaves its
/// missing cells empty; trailing spaces are trimmed.
pub fn aligned(lines: &[Vec<String>]) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            lines
                .iter()
                .filter_map(|l| l.get(i))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let mut text = String::new();
        for (i, cell) in line.iter().enumerate() {
            if i + 1 == line.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::aligned;

    fn line(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_string()).collect()
    }

    #[test]
    fn columns_start_under_their_headings_with_a_gap_and_the_last_is_unpadded() {
        let table = aligned(&[
            line(&["NAME", "CPU", "REASON"]),
            line(&["a-long-name", "100m → 50m", "why"]),
            line(&["b", "-", "a much longer reason than any heading"]),
        ]);
        assert_eq!(
            table,
            "NAME         CPU         REASON\n\
             a-long-name  100m → 50m  why\n\
             b            -           a much longer reason than any heading"
        );
    }
}
