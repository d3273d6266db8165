//! The [`Theme`] struct: one `Style` per semantic slot.
//!
//! Widgets ask for a slot by meaning ("the row under the cursor", "a resize the
//! node cannot fit") rather than by colour, so a theme file can restyle the
//! whole program without touching UI code. The slot list is written once, in
//! the macro call below, so the struct fields, the TOML key names and the
//! by-name accessors can never drift apart.

use ratatui::style::Style;

/// Generates the `Theme` struct, the list of slot names and name-based access
/// from a single list, so that adding a slot is a one-line change.
macro_rules! define_slots {
    ($( $(#[doc = $doc:literal])* $field:ident, )*) => {
        /// A complete set of styles, one per semantic slot, plus the theme's name.
        ///
        /// Every field is always set: inheritance is resolved when the theme is
        /// loaded, so widgets never deal with "missing" styles.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            /// Name shown in the theme listing (the file's `name`, or its stem).
            pub name: String,
            $( $(#[doc = $doc])* pub $field: Style, )*
        }

        /// Every slot's name, as written in the `[slots]` table of a theme file,
        /// in the order the fields are declared.
        pub const SLOT_NAMES: &[&str] = &[ $( stringify!($field), )* ];

        impl Theme {
            /// The style of the slot called `name` (as in a theme file), if such
            /// a slot exists. Lets tools and tests walk every slot generically.
            pub fn slot(&self, name: &str) -> Option<Style> {
                match name {
                    $( stringify!($field) => Some(self.$field), )*
                    _ => None,
                }
            }

            /// Mutable access by name, used while merging a theme's parents.
            pub(crate) fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
                match name {
                    $( stringify!($field) => Some(&mut self.$field), )*
                    _ => None,
                }
            }

            /// A theme with every slot at the terminal's defaults. It is the
            /// starting point for merging, and the last-resort fallback that
            /// needs no parsing and therefore cannot fail.
            pub(crate) fn plain(name: &str) -> Self {
                Self {
                    name: name.to_owned(),
                    $( $field: Style::new(), )*
                }
            }
        }
    };
}

define_slots! {
    /// Normal text and the screen background.
    base,
    /// Secondary text: hints, units, ages, empty cells.
    muted,
    /// Small emphasis: key hints, counts, the active filter.
    accent,
    /// Block borders and separators.
    border,
    /// The header bar (context, namespace, counts).
    header,
    /// Block and popup titles.
    title,
    /// The table's column header row.
    column_header,
    /// The row under the cursor.
    selected,
    /// Rows marked for a batch action.
    marked,
    /// A value that differs from the desired one (e.g. allocated != spec).
    diff,
    /// Resize state: nothing pending, or the last resize is complete.
    resize_done,
    /// Resize state: desired resources changed, the kubelet has not acted yet.
    resize_proposed,
    /// Resize state: the kubelet is applying the resize.
    resize_in_progress,
    /// Resize state: fits the node, but not its free room right now; retried later.
    resize_deferred,
    /// Resize state: can never fit this node.
    resize_infeasible,
    /// Resize state: the kubelet tried and reported an error.
    resize_error,
    /// Resize state: the node (or server version) cannot resize in place.
    resize_unsupported,
    /// Resize state: in progress or pending for far longer than expected.
    resize_stuck,
    /// The banner shown in read-only / watch mode.
    readonly_banner,
    /// Warning that the data shown may be out of date (watch disconnected).
    stale_warning,
    /// Status bar message after a successful action.
    status_ok,
    /// Status bar message after a failed action (server message verbatim).
    status_error,
    /// Background of popups: the resize editor and the help screen.
    popup,
    /// An editable field in a form.
    input,
    /// An editable field whose current text does not validate.
    input_invalid,
    /// Wall-mode highlight of a row that changed a moment ago.
    changed_recently,
    /// Right-sizing: requests more than it uses (▼ in the REC column).
    over_requested,
    /// Right-sizing: requests less than it uses, or is at risk (▲ in the REC column).
    under_requested,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_name_is_reachable_by_name() {
        let mut theme = Theme::plain("t");
        for name in SLOT_NAMES {
            assert!(theme.slot(name).is_some(), "{name}");
            assert!(theme.slot_mut(name).is_some(), "{name}");
        }
        assert!(theme.slot("nope").is_none());
    }

    #[test]
    fn slot_names_are_unique() {
        let mut names = SLOT_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SLOT_NAMES.len());
    }
}
