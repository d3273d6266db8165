//! The first-minute walk (issue #30, second round): a `/` filter that matches nothing left an
//! empty table under "0 pods · filter: checkout-api" and no word of what to do, and so did a
//! namespace without pods. The table says why it is empty and how to get rows back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::filter_setup::{state_of, typed};
use crate::common;
use crate::common::keys::key;
use crate::common::screen::{render, text};
use crossterm::event::KeyCode;
use podsize::settings::SortKey;
use podsize::theme::Theme;

#[test]
fn a_filter_matching_nothing_says_so_and_how_to_clear_it() {
    let mut s = state_of(common::every_state_rows(), SortKey::default());
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "checkout-api");
    key(&mut s, KeyCode::Enter);
    assert!(s.visible().is_empty());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    let hint = "no row matches \"checkout-api\" · Esc clears the filter";
    assert!(screen.contains(hint), "{screen}");
    // Rows shown: no such line.
    key(&mut s, KeyCode::Esc);
    s.refresh_index();
    assert!(!s.visible().is_empty());
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    assert!(!screen.contains("no row matches"), "{screen}");
}

/// The same walk, `podsize -n shop` on a cluster without that namespace: "shop  0 pods" over
/// an empty table. Once the list is in, the table says the namespace has no pods and how to
/// see every namespace.
#[test]
fn a_namespace_without_pods_says_so_and_how_to_see_them_all() {
    use podsize::app::state::HeaderInfo;
    use podsize::app::{Action, AppState, update};
    use podsize::model::pods::events::{ClusterEvent, Scope};
    let scope = Scope {
        namespace: Some("shop".into()),
        label_selector: None,
    };
    let mut s = AppState::new(HeaderInfo::default(), scope);
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    assert!(
        !screen.contains("no pods in"),
        "not before the list: {screen}"
    );
    let empty = ClusterEvent::pods_reset(Vec::new());
    update(&mut s, Action::Cluster(empty), crate::common::screen::now());
    s.refresh_index();
    let screen = text(&render(&s, 80, 24, &Theme::default()));
    let hint = "no pods in namespace \"shop\" · :ns all shows every namespace";
    assert!(screen.contains(hint), "{screen}");
}
