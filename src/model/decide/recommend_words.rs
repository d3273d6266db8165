//! The words of a recommendation: the covered window and sample count its figures rest on.
//! Apart from the rule so the rule reads as figures, and so the dashboard, which words only the
//! row a person looks at, can skip them (`Say`).

use crate::model::pods::usage::{Source, Usage};
use chrono::TimeDelta;

/// Whether the rule words its reasons. The dashboard judges every container at every metrics
/// reading but shows the words of one at a time: it asks without them and words the one on
/// show from the same figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Say(pub bool);

impl Say {
    /// `text()` when words are wanted, else an empty string without formatting anything.
    pub fn text(self, text: impl FnOnce() -> String) -> String {
        if self.0 { text() } else { String::new() }
    }
}

fn window_text(w: TimeDelta) -> String {
    crate::model::ground::time::format_age(w)
}

/// `over 3d of 4,032 samples` / `since 10:42 of 6 samples`: the covered window, not the one
/// asked for.
pub(super) fn over_text(usage: &Usage) -> String {
    let samples = match usage.samples {
        0 => String::new(),
        1 => " of 1 sample".to_string(),
        n => format!(" of {} samples", thousands(n)),
    };
    let pods = if usage.pods > 1 {
        format!(" from {} pods", usage.pods)
    } else {
        String::new()
    };
    match &usage.source {
        // Sampled for a while (`recommend --sample`, the dashboard): the window the readings
        // cover, first to last, beside the time they started.
        Source::LiveSamples { since } if usage.window > TimeDelta::zero() => format!(
            "over {} since {}{samples}{pods}",
            window_text(usage.window),
            since.format("%H:%M")
        ),
        Source::LiveSamples { since } => format!("since {}{samples}{pods}", since.format("%H:%M")),
        _ => format!("over {}{samples}{pods}", window_text(usage.window)),
    }
}

/// `20160` → `20,160`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
