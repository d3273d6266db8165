//! Wall-display mode: read-only, pages through long tables by itself, optionally rotates
//! namespaces, and highlights rows that changed recently. All state here is bounded.

use super::view::PodKey;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;

/// How long a changed row stays highlighted.
pub const CHANGE_HIGHLIGHT: TimeDelta = TimeDelta::seconds(30);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wall {
    pub page: usize,
    pub page_interval: TimeDelta,
    pub last_flip: Option<DateTime<Utc>>,
    pub rotate_namespaces: bool,
    /// The namespace shown now when rotating.
    pub namespace: Option<String>,
    /// Only Ctrl-C is honoured.
    pub no_input: bool,
    /// When each recently changed pod last changed; entries expire after `CHANGE_HIGHLIGHT`.
    pub changed: HashMap<PodKey, DateTime<Utc>>,
}

impl Wall {
    pub fn new(page_interval: TimeDelta, rotate_namespaces: bool, no_input: bool) -> Self {
        Self {
            page: 0,
            page_interval,
            last_flip: None,
            rotate_namespaces,
            namespace: None,
            no_input,
            changed: HashMap::new(),
        }
    }

    pub fn recently_changed(&self, key: &PodKey, now: DateTime<Utc>) -> bool {
        self.changed
            .get(key)
            .is_some_and(|t| now - *t < CHANGE_HIGHLIGHT)
    }

    /// Forgets highlights older than `CHANGE_HIGHLIGHT`; true when one faded, so the screen
    /// must be drawn again for the row to lose it (nothing else may redraw for a minute).
    pub fn fade_highlights(&mut self, now: DateTime<Utc>) -> bool {
        let before = self.changed.len();
        self.changed.retain(|_, t| now - *t < CHANGE_HIGHLIGHT);
        self.changed.len() != before
    }

    /// Advances the clock: turns the page when due. Returns true when the page turned and
    /// wrapped back to the first page (time to rotate the namespace).
    pub fn tick(&mut self, now: DateTime<Utc>, pages: usize) -> (bool, bool) {
        let last = *self.last_flip.get_or_insert(now);
        if now - last < self.page_interval {
            return (false, false);
        }
        self.last_flip = Some(now);
        let next = self.page + 1;
        if next >= pages.max(1) {
            self.page = 0;
            (true, true)
        } else {
            self.page = next;
            (true, false)
        }
    }
}

impl Wall {
    /// PgDn/PgUp by hand: turn one page, wrapping, and restart the page timer so the page
    /// just chosen stays up for a whole interval.
    pub fn turn(&mut self, forward: bool, pages: usize, now: DateTime<Utc>) {
        let pages = pages.max(1);
        self.page = if forward {
            (self.page + 1) % pages
        } else {
            (self.page + pages - 1) % pages
        };
        self.last_flip = Some(now);
    }

    /// When rotating, the first namespace is shown from the start (not all of them first).
    pub fn start_rotation(&mut self, all: &[&str]) -> bool {
        if !self.rotate_namespaces || self.namespace.is_some() {
            return false;
        }
        self.namespace = next_namespace(all, None);
        self.page = 0;
        self.namespace.is_some()
    }
}

/// The namespace after `current` in `all` (sorted), wrapping around; `None` when there are none.
pub fn next_namespace(all: &[&str], current: Option<&str>) -> Option<String> {
    let at = current.and_then(|c| all.iter().position(|n| *n == c));
    let next = match at {
        Some(i) => (i + 1) % all.len(),
        None => 0,
    };
    all.get(next).map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_turn_on_time_and_wrap() {
        let t0 = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let mut wall = Wall::new(TimeDelta::seconds(10), false, false);
        assert_eq!(wall.tick(t0, 3), (false, false));
        assert_eq!(wall.tick(t0 + TimeDelta::seconds(5), 3), (false, false));
        assert_eq!(wall.tick(t0 + TimeDelta::seconds(10), 3), (true, false));
        assert_eq!(wall.page, 1);
        assert_eq!(wall.tick(t0 + TimeDelta::seconds(20), 3), (true, false));
        assert_eq!(wall.tick(t0 + TimeDelta::seconds(30), 3), (true, true));
        assert_eq!(wall.page, 0);
    }

    #[test]
    fn highlights_expire_and_are_pruned() {
        let t0 = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let mut wall = Wall::new(TimeDelta::seconds(10), false, false);
        let key = crate::model::pods::row::PodKey::new(0, "ns", "p");
        wall.changed.insert(key.clone(), t0);
        assert!(wall.recently_changed(&key, t0 + TimeDelta::seconds(29)));
        assert!(!wall.recently_changed(&key, t0 + TimeDelta::seconds(31)));
        assert!(!wall.fade_highlights(t0 + TimeDelta::seconds(29)));
        assert!(
            wall.fade_highlights(t0 + TimeDelta::seconds(31)),
            "faded: redraw"
        );
        assert!(wall.changed.is_empty(), "no unbounded history");
        assert!(
            !wall.fade_highlights(t0 + TimeDelta::seconds(32)),
            "nothing left to fade"
        );
    }

    #[test]
    fn pages_turn_by_hand_and_wrap() {
        let t0 = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let mut wall = Wall::new(TimeDelta::seconds(10), false, false);
        wall.turn(true, 3, t0);
        assert_eq!(wall.page, 1);
        wall.turn(false, 3, t0);
        wall.turn(false, 3, t0);
        assert_eq!(wall.page, 2, "PgUp from the first page wraps to the last");
        wall.turn(true, 3, t0);
        assert_eq!(wall.page, 0);
        // The timer restarts: no automatic turn right after a manual one.
        assert_eq!(wall.tick(t0 + TimeDelta::seconds(9), 3), (false, false));
    }

    #[test]
    fn rotation_starts_on_the_first_namespace() {
        let mut wall = Wall::new(TimeDelta::seconds(10), true, false);
        assert!(wall.start_rotation(&["a", "b"]));
        assert_eq!(wall.namespace.as_deref(), Some("a"));
        assert!(!wall.start_rotation(&["a", "b"]), "only once");
        let mut plain = Wall::new(TimeDelta::seconds(10), false, false);
        assert!(!plain.start_rotation(&["a"]));
        assert_eq!(plain.namespace, None);
    }

    #[test]
    fn namespaces_rotate() {
        let all = ["a", "b", "c"];
        assert_eq!(next_namespace(&all, None).as_deref(), Some("a"));
        assert_eq!(next_namespace(&all, Some("a")).as_deref(), Some("b"));
        assert_eq!(next_namespace(&all, Some("c")).as_deref(), Some("a"));
        assert_eq!(next_namespace(&all, Some("gone")).as_deref(), Some("a"));
        assert_eq!(next_namespace(&[], None), None);
    }
}
