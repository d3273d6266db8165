//! How pods are listed and polled: the initial-list strategy and the intervals that go with it.

use crate::model::ground::time::parse_duration;
use std::time::Duration;

/// How the initial state (and every re-list) is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InitialList {
    /// One LIST with gzip, decoded while it arrives, then WATCH: the fastest path on a real
    /// server; falls back to pages when the server will not answer it.
    #[default]
    List,
    /// Paged LIST then WATCH (every server).
    Paged,
    /// One WATCH with `sendInitialEvents`: objects are decoded while the rest still arrive
    /// (WatchList is on by default from 1.34; 1.33 ships it off).
    Streaming,
}

impl InitialList {
    /// `--initial-list list|stream|pages`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "list" => Some(Self::List),
            "stream" => Some(Self::Streaming),
            "pages" => Some(Self::Paged),
            _ => None,
        }
    }
}

/// How often pod metrics are polled while metrics.k8s.io is served.
pub const METRICS_POLL_INTERVAL: Duration = Duration::from_secs(15);

/// A bare number is seconds, as the help says; below a second the wall would flicker.
pub fn parse_page_interval(text: &str) -> Result<Duration, String> {
    let interval = match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Duration::from_secs_f64(secs.min(86_400.0)),
        Ok(_) => return Err(format!("invalid page interval {text:?}")),
        Err(_) => parse_duration(text)?,
    };
    if interval < Duration::from_secs(1) {
        return Err(format!(
            "page interval {text:?} is below 1s: pages would turn faster than they can be read"
        ));
    }
    Ok(interval)
}

/// What a right-sizing decrease needs covered by default (`[rightsizing] min_history`): a
/// day holds a daily cycle's peak, which minutes of readings never do.
pub const MIN_HISTORY: Duration = Duration::from_secs(24 * 3_600);
