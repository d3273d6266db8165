//! Fitting the header's first line to a narrow screen. Drawn as one line, its end was cut off
//! at 80 columns, and the end is where the connection is: a dashboard whose watch was lost
//! looked live. Here the parts that say where a person is and whether the data is current
//! stay, and the others give way, the least needed first.

use ratatui::text::Span;

/// One part of the line: `gives_way` ranks when it is dropped for room (lowest first);
/// `None` never is.
#[derive(Clone)]
pub struct Part {
    pub span: Span<'static>,
    pub gives_way: Option<u8>,
}

impl Part {
    pub fn kept(span: Span<'static>) -> Self {
        Part {
            span,
            gives_way: None,
        }
    }

    pub fn optional(rank: u8, span: Span<'static>) -> Self {
        Part {
            span,
            gives_way: Some(rank),
        }
    }
}

fn width(parts: &[Part]) -> usize {
    parts.iter().map(|p| p.span.width()).sum()
}

/// The parts in their order, the ones that give way dropped (lowest rank first) until the
/// rest fit in `room` columns.
pub fn fit(mut parts: Vec<Part>, room: usize) -> Vec<Span<'static>> {
    while width(&parts) > room {
        let lowest = (parts.iter().enumerate())
            .filter_map(|(i, p)| p.gives_way.map(|rank| (rank, i)))
            .min();
        match lowest {
            Some((_, i)) => {
                parts.remove(i);
            }
            None => break,
        }
    }
    parts.into_iter().map(|p| p.span).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_lowest_rank_goes_first_and_kept_parts_stay() {
        let parts = || {
            vec![
                Part::optional(0, Span::raw("[a]")),
                Part::kept(Span::raw("[b]")),
                Part::optional(2, Span::raw("[c]")),
                Part::optional(1, Span::raw("[d]")),
                Part::kept(Span::raw("[e]")),
            ]
        };
        assert_eq!(text(&fit(parts(), 15)), "[a][b][c][d][e]");
        assert_eq!(text(&fit(parts(), 14)), "[b][c][d][e]");
        assert_eq!(text(&fit(parts(), 11)), "[b][c][e]");
        assert_eq!(text(&fit(parts(), 6)), "[b][e]");
        assert_eq!(text(&fit(parts(), 2)), "[b][e]");
    }
}
