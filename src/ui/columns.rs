//! Which columns fit: a pure function of width, so narrow terminals drop
//! low-priority columns in a fixed, tested order.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Namespace,
    Pod,
    Container,
    CpuRequest,
    CpuLimit,
    MemoryRequest,
    MemoryLimit,
    Resize,
    Restarts,
    Age,
    Node,
    Usage,
}

impl Column {
    /// The name the config file's `columns` uses (see `config::COLUMN_NAMES`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Namespace => "namespace",
            Self::Pod => "pod",
            Self::Container => "container",
            Self::CpuRequest => "cpu-request",
            Self::CpuLimit => "cpu-limit",
            Self::MemoryRequest => "memory-request",
            Self::MemoryLimit => "memory-limit",
            Self::Resize => "resize",
            Self::Restarts => "restarts",
            Self::Age => "age",
            Self::Node => "node",
            Self::Usage => "usage",
        }
    }

    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Self::Namespace => ("NAMESPACE", ""),
            Self::Pod => ("POD", ""),
            Self::Container => ("CONTAINER", ""),
            Self::CpuRequest => ("CPU REQUEST", "spec│alloc│actual"),
            Self::CpuLimit => ("CPU LIMIT", "spec│actual"),
            Self::MemoryRequest => ("MEM REQUEST", "spec│alloc│actual"),
            Self::MemoryLimit => ("MEM LIMIT", "spec│actual"),
            Self::Resize => ("RESIZE", ""),
            Self::Restarts => ("RESTARTS", ""),
            Self::Age => ("AGE", ""),
            Self::Node => ("NODE", ""),
            Self::Usage => ("USAGE", "  cpu│   mem"),
        }
    }

    /// (minimum, preferred) width in cells.
    pub fn widths(self) -> (u16, u16) {
        match self {
            Self::Namespace => (9, 18),
            Self::Pod => (14, 36),
            Self::Container => (9, 16),
            Self::CpuRequest => (17, 17),
            Self::CpuLimit => (11, 11),
            Self::MemoryRequest => (20, 20),
            Self::MemoryLimit => (13, 13),
            Self::Resize => (14, 60),
            Self::Restarts => (8, 8),
            Self::Age => (4, 5),
            Self::Node => (6, 16),
            Self::Usage => (13, 13),
        }
    }
}

/// Columns in the order they are given up when space runs out (first dropped first).
const DROP_ORDER: [Column; 9] = [
    Column::Node,
    Column::Usage,
    Column::Restarts,
    Column::Age,
    Column::CpuLimit,
    Column::MemoryLimit,
    Column::Namespace,
    Column::Container,
    Column::Resize,
];

/// Display order of all columns.
const ORDER: [Column; 12] = [
    Column::Namespace,
    Column::Pod,
    Column::Container,
    Column::CpuRequest,
    Column::CpuLimit,
    Column::MemoryRequest,
    Column::MemoryLimit,
    Column::Resize,
    Column::Restarts,
    Column::Age,
    Column::Node,
    Column::Usage,
];

/// Picks the columns that fit in `width` at their minimum sizes (one space between columns).
pub fn fit_columns(width: u16, show_namespace: bool, show_usage: bool) -> Vec<Column> {
    let mut cols: Vec<Column> = ORDER
        .into_iter()
        .filter(|c| show_namespace || *c != Column::Namespace)
        .filter(|c| show_usage || *c != Column::Usage)
        .collect();
    let needed = |cols: &[Column]| -> u32 {
        cols.iter()
            .map(|c| u32::from(c.widths().0) + 1)
            .sum::<u32>()
    };
    // Usage is only worth showing when the rest is not squeezed for it.
    if show_usage && needed(&cols) + 30 > u32::from(width) {
        cols.retain(|c| *c != Column::Usage);
    }
    for drop in DROP_ORDER {
        if needed(&cols) <= u32::from(width) {
            break;
        }
        cols.retain(|c| *c != drop);
    }
    cols
}

/// Order in which spare room is handed out, and how far each column grows in that step.
/// The pod name comes first, then room for the resize state and its reason.
const GROWTH: [(Column, u16); 13] = [
    (Column::Pod, 24),
    (Column::Resize, 28),
    (Column::Container, 14),
    (Column::Namespace, 14),
    (Column::Age, 5),
    (Column::Node, 12),
    (Column::Pod, 36),
    (Column::Resize, 40),
    (Column::Container, 16),
    (Column::Namespace, 18),
    (Column::Node, 16),
    (Column::Resize, 60),
    (Column::Usage, 13),
];

/// Widths for `cols` in `width` cells: every column gets its minimum, then the spare room
/// is handed out in `GROWTH` order; what is left widens the resize text (the kubelet's message).
pub fn allocate_widths(cols: &[Column], width: u16) -> Vec<u16> {
    let mut widths: Vec<u16> = cols.iter().map(|c| c.widths().0).collect();
    let used: u16 = widths.iter().map(|w| w + 1).sum();
    let mut spare = width.saturating_sub(used);
    for (column, target) in GROWTH {
        if let Some(i) = cols.iter().position(|c| *c == column) {
            let grow = target.saturating_sub(widths[i]).min(spare);
            widths[i] += grow;
            spare -= grow;
        }
    }
    if let Some(i) = cols.iter().position(|c| *c == Column::Resize) {
        widths[i] += spare;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_key_is_a_config_column_name() {
        let keys: Vec<&str> = ORDER.iter().map(|c| c.key()).collect();
        assert_eq!(keys, crate::config::COLUMN_NAMES);
    }

    #[test]
    fn spare_room_goes_to_pod_then_resize_then_small_columns() {
        let cols = fit_columns(200, true, false);
        let widths = allocate_widths(&cols, 200);
        let total: u16 = widths.iter().map(|w| w + 1).sum();
        assert!(total <= 200);
        let at = |c: Column| widths[cols.iter().position(|x| *x == c).unwrap()];
        assert_eq!(at(Column::Container), 14);
        assert_eq!(at(Column::Pod), 36);
        assert!(at(Column::Resize) >= 35);
        let mid_cols = fit_columns(160, true, false);
        let mid = allocate_widths(&mid_cols, 160);
        let mid_at = |c: Column| mid[mid_cols.iter().position(|x| *x == c).unwrap()];
        assert_eq!(mid_at(Column::Pod), 24);
        assert_eq!(mid_at(Column::Resize), 28);
        let narrow = allocate_widths(&fit_columns(80, true, false), 80);
        assert!(narrow.iter().map(|w| w + 1).sum::<u16>() <= 80);
    }

    #[test]
    fn wide_screens_show_everything() {
        let cols = fit_columns(250, true, true);
        assert_eq!(cols.len(), 12);
        assert_eq!(cols[0], Column::Namespace);
    }

    #[test]
    fn eighty_columns_keep_the_resize_essentials() {
        let cols = fit_columns(80, true, false);
        for must in [
            Column::Pod,
            Column::CpuRequest,
            Column::MemoryRequest,
            Column::Resize,
        ] {
            assert!(cols.contains(&must), "{must:?} missing at 80: {cols:?}");
        }
        assert!(!cols.contains(&Column::Node));
        let used: u16 = cols.iter().map(|c| c.widths().0 + 1).sum();
        assert!(used <= 80);
    }

    #[test]
    fn columns_are_dropped_in_order() {
        let mut previous = fit_columns(300, true, true).len();
        for width in (20..300).rev() {
            let now = fit_columns(width, true, true).len();
            assert!(now <= previous, "narrower never shows more columns");
            previous = now;
        }
        assert!(fit_columns(1, true, true).contains(&Column::Pod));
    }

    #[test]
    fn namespace_hidden_when_scoped() {
        assert!(!fit_columns(250, false, false).contains(&Column::Namespace));
        assert!(!fit_columns(250, true, false).contains(&Column::Usage));
    }
}
