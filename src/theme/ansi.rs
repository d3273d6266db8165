//! Ratatui styles → ANSI SGR escape sequences, for printing theme previews to
//! a plain terminal (the `podsize themes` listing) without starting the TUI.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

/// SGR parameter for each modifier a theme can set.
const MODIFIER_CODES: &[(Modifier, u8)] = &[
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// Which colour layer an SGR code is for.
#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
}

/// A line as text with escape codes; each styled span is closed with a full
/// reset so that styles never leak into the next span or the shell prompt.
pub(crate) fn line_to_ansi(line: &Line<'_>) -> String {
    let mut out = String::new();
    for span in &line.spans {
        let codes = sgr_codes(line.style.patch(span.style));
        if codes.is_empty() {
            out.push_str(&span.content);
        } else {
            out.push_str(&format!("\x1b[{}m{}\x1b[0m", codes.join(";"), span.content));
        }
    }
    out
}

/// A line's text with no styling at all.
pub(crate) fn line_to_plain(line: &Line<'_>) -> String {
    line.spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect()
}

/// The SGR parameters for a style, empty when the style changes nothing.
fn sgr_codes(style: Style) -> Vec<String> {
    let mut codes: Vec<String> = MODIFIER_CODES
        .iter()
        .filter(|(modifier, _)| style.add_modifier.contains(*modifier))
        .map(|(_, code)| code.to_string())
        .collect();
    codes.extend(style.fg.map(|colour| colour_code(colour, Layer::Fg)));
    codes.extend(style.bg.map(|colour| colour_code(colour, Layer::Bg)));
    codes
}

/// The SGR parameter for a colour, matching how ratatui's crossterm backend
/// draws the same colour, so the preview looks like the real program.
fn colour_code(colour: Color, layer: Layer) -> String {
    let (normal, bright, extended, reset) = match layer {
        Layer::Fg => (30, 90, 38, 39),
        Layer::Bg => (40, 100, 48, 49),
    };
    let basic = |offset: u8, base: u8| (base + offset).to_string();
    match colour {
        Color::Reset => reset.to_string(),
        Color::Black => basic(0, normal),
        Color::Red => basic(1, normal),
        Color::Green => basic(2, normal),
        Color::Yellow => basic(3, normal),
        Color::Blue => basic(4, normal),
        Color::Magenta => basic(5, normal),
        Color::Cyan => basic(6, normal),
        Color::Gray => basic(7, normal),
        Color::DarkGray => basic(0, bright),
        Color::LightRed => basic(1, bright),
        Color::LightGreen => basic(2, bright),
        Color::LightYellow => basic(3, bright),
        Color::LightBlue => basic(4, bright),
        Color::LightMagenta => basic(5, bright),
        Color::LightCyan => basic(6, bright),
        Color::White => basic(7, bright),
        Color::Indexed(index) => format!("{extended};5;{index}"),
        Color::Rgb(r, g, b) => format!("{extended};2;{r};{g};{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn styled_spans_are_wrapped_and_reset() {
        let line = Line::from(vec![
            Span::raw("a"),
            Span::styled(
                "b",
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
            Span::styled("c", Style::new().bg(Color::Rgb(1, 2, 3))),
            Span::styled("d", Style::new().fg(Color::Indexed(42)).bg(Color::White)),
        ]);
        assert_eq!(
            line_to_ansi(&line),
            "a\x1b[1;31mb\x1b[0m\x1b[48;2;1;2;3mc\x1b[0m\x1b[38;5;42;107md\x1b[0m"
        );
        assert_eq!(line_to_plain(&line), "abcd");
    }
}
