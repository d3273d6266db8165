//! The rows on show: their order (the index), rebuilt at most once before a draw and from
//! as little as the change allows, and the selection and scroll that follow a row through it.

use super::{AppState, InputMode};
use crate::app::view::RowRef;
use crate::model::{ContainerRow, PodRow};
use crate::settings::SortKey;

impl AppState {
    /// Rebuilds the visible order if needed and puts the selection back on the same row.
    pub fn refresh_index(&mut self) {
        crate::app::nodes::refresh(self);
        if !self.index_stale {
            if self.totals_stale {
                self.rightsizing_totals = crate::app::rightsizing::totals_of_visible(self);
                self.totals_stale = false;
            }
            self.prepare_filter();
            return;
        }
        let only_namespace = self.wall.as_ref().and_then(|w| w.namespace.clone());
        let key = (
            self.filter.text.clone(),
            self.sort,
            self.per_pod,
            only_namespace,
        );
        // Pods changed in place (same slots, names, nodes and containers) leave the filter's
        // rows as they are; only a sort by a figure can move them. The index, and what the
        // narrowings took out, are kept rather than rebuilt from every pod.
        let same_store = !self.search_keys_stale;
        let same_order_key = (self.built_for.as_ref())
            .is_some_and(|(_, sort, per_pod, ns)| (sort, per_pod, ns) == (&key.1, &key.2, &key.3));
        let reusable = !self.rows_changed || (same_store && same_order_key);
        if self.rows_changed && same_store && same_order_key && self.sort != SortKey::Name {
            crate::app::view::resort(&mut self.index, &self.pods, self.sort, &self.rightsizing);
            self.filter_cache.forget_narrowings();
        }
        // Typing one more character of a filter only removes rows: filter the current index.
        let narrowing = reusable
            && self
                .built_for
                .as_ref()
                .is_some_and(|(text, sort, per_pod, ns)| {
                    (sort, per_pod, ns) == (&key.1, &key.2, &key.3)
                        && !text.starts_with('!')
                        && !key.0.starts_with('!')
                        && key.0.starts_with(text.as_str())
                });
        if self.search_keys_stale {
            self.filter_cache.invalidate();
            self.name_widths = None;
            self.search_keys_stale = false;
        } else if self.rows_changed
            && let Some(widths) = self.name_widths.as_mut()
        {
            widths.refresh_boosted(&self.pods);
        }
        (self.filter_cache).set_clusters(self.clusters.iter().map(|c| c.header.context.clone()));
        // A Backspace over what was typed puts back what those keys took out.
        let widening = reusable
            && self
                .built_for
                .as_ref()
                .is_some_and(|(text, sort, per_pod, ns)| {
                    (sort, per_pod, ns) == (&key.1, &key.2, &key.3)
                        && text.starts_with(key.0.as_str())
                });
        let before = self.built_for.as_ref().map_or("", |b| b.0.as_str());
        if narrowing {
            let (pods, index) = (&self.pods, &mut self.index);
            self.filter_cache
                .narrow(pods, &self.filter, self.per_pod, index, before);
        } else if !(widening && self.filter_cache.widen(&self.filter, &mut self.index)) {
            self.index = self.filter_cache.rebuild(
                &self.pods,
                &self.filter,
                self.sort,
                self.per_pod,
                key.3.as_deref(),
                &self.rightsizing,
            );
        }
        if self.rows_changed {
            self.counts.clear();
            for pod in self.pods.values() {
                *self.counts.entry(pod.state.name()).or_insert(0) += 1;
            }
        }
        self.rightsizing_totals = crate::app::rightsizing::totals_of_visible(self);
        self.totals_stale = false;
        let widths = (self.name_widths)
            .get_or_insert_with(|| crate::app::name_width_cache::NameWidthCache::build(&self.pods));
        (self.longest, self.visible_pods) = widths.measure(&self.index, &self.marked);
        self.longest.cluster = (self.clusters.iter())
            .map(|c| u16::try_from(c.header.context.chars().count()).unwrap_or(u16::MAX))
            .max()
            .unwrap_or(0);
        self.rows_changed = false;
        // A new sort or filter is the user's doing: the view starts over around the
        // selection rather than keeping rows that moved above it out of sight.
        let view_changed = self.built_for.as_ref().is_some_and(|built| *built != key);
        self.built_for = Some(key);
        self.index_stale = false;
        self.index_builds += 1;
        let before = self.selected;
        if let Some(wanted) = &self.selected_ref {
            // With the store unchanged, a slot names a pod: compare numbers, not names.
            let same_row = match same_store {
                true => self
                    .index
                    .iter()
                    .position(|r| (r.slot, r.container) == (wanted.slot, wanted.container)),
                false => self.index.iter().position(|r| r == wanted),
            };
            let same_pod = || match same_store {
                true => self.index.iter().position(|r| r.slot == wanted.slot),
                false => self.index.iter().position(|r| r.pod == wanted.pod),
            };
            if let Some(i) = same_row.or_else(same_pod) {
                self.selected = i;
            }
        }
        self.selected = self.selected.min(self.index.len().saturating_sub(1));
        self.selected_ref = self.index.get(self.selected).cloned();
        // Rows inserted or removed above the selection shift the view by as many rows.
        self.scroll = match view_changed {
            true => 0,
            false => (self.scroll + self.selected).saturating_sub(before),
        };
        self.keep_selection_on_screen();
        self.prepare_filter();
    }

    /// While the `/` prompt is open, the filter's search keys are kept built.
    fn prepare_filter(&mut self) {
        if matches!(self.input, InputMode::Filter(_)) {
            self.filter_cache.prepare(&self.pods, self.per_pod);
        }
    }

    /// First row on screen.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Scrolls as little as needed to show the selection, never past the last page.
    fn keep_selection_on_screen(&mut self) {
        let page = self.page_rows.max(1);
        let last_page = self.index.len().saturating_sub(page);
        self.scroll = self
            .scroll
            .min(self.selected)
            .max((self.selected + 1).saturating_sub(page))
            .min(last_page);
    }

    /// Moves the view and the selection by a page (down when `forward`), like a pager.
    pub fn page(&mut self, forward: bool) {
        let page = self.page_rows.max(1);
        let last_page = self.index.len().saturating_sub(page);
        let (scroll, selected) = if forward {
            ((self.scroll + page).min(last_page), self.selected + page)
        } else {
            (
                self.scroll.saturating_sub(page),
                self.selected.saturating_sub(page),
            )
        };
        self.scroll = scroll;
        self.select(selected);
        self.dirty = true;
    }

    /// How many pods the rows on show belong to.
    pub fn visible_pods(&self) -> usize {
        self.visible_pods
    }

    pub fn visible(&self) -> &[RowRef] {
        &self.index
    }

    pub fn selected_index(&self) -> usize {
        self.selected
    }

    pub fn select(&mut self, index: usize) {
        let index = index.min(self.index.len().saturating_sub(1));
        if index != self.selected || self.selected_ref.is_none() {
            self.selected = index;
            self.selected_ref = self.index.get(index).cloned();
            self.dirty = true;
        }
        self.keep_selection_on_screen();
    }

    pub fn row(&self, r: &RowRef) -> Option<(&PodRow, Option<&ContainerRow>)> {
        let pod = self.pods.get(&r.pod)?;
        Some((pod, r.container.and_then(|i| pod.containers.get(i))))
    }

    pub fn selected_pod(&self) -> Option<&PodRow> {
        self.index
            .get(self.selected)
            .and_then(|r| self.pods.get(&r.pod))
    }

    pub fn selected_row(&self) -> Option<(&PodRow, Option<&ContainerRow>)> {
        self.index.get(self.selected).and_then(|r| self.row(r))
    }
}
