//! `podsize watch`: a changed row is highlighted for 30 s, and the highlight goes when it
//! expires, not at the next once-a-minute redraw (issue #30: only a change or a visible clock
//! wakes the screen, and a highlight fading is a change on screen).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{DateTime, TimeDelta};
use common::screen::admin_header;
use podsize::app::wall::Wall;
use podsize::app::{Action, AppState, update};
use podsize::model::pods::events::{ClusterEvent, Scope};

#[test]
fn a_fading_highlight_redraws_the_wall_when_it_fades() {
    // On a minute boundary, so the clock alone asks for no redraw in the next 59 s.
    let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    let row = common::fixture_row("real-1.35-none.json");
    let mut s = AppState::new(admin_header(), Scope::default());
    update(
        &mut s,
        Action::Cluster(ClusterEvent::pods_reset(vec![row.clone()])),
        t0,
    );
    s.wall = Some(Wall::new(TimeDelta::minutes(10), false, false));
    update(&mut s, Action::Tick, t0);
    let mut changed = row;
    changed.restart_policy_never = !changed.restart_policy_never;
    update(
        &mut s,
        Action::Cluster(ClusterEvent::PodApplied(Box::new(changed))),
        t0,
    );
    assert_eq!(s.wall.as_ref().unwrap().changed.len(), 1, "the row is lit");
    let tick = |s: &mut AppState, after: i64| {
        s.dirty = false;
        update(s, Action::Tick, t0 + TimeDelta::seconds(after));
        s.dirty
    };
    assert!(!tick(&mut s, 10), "nothing on screen changed");
    assert!(!tick(&mut s, 29), "still lit");
    assert!(tick(&mut s, 31), "the highlight faded: draw again");
    assert!(!tick(&mut s, 32), "and only once");
}
