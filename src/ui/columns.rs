//! Which columns fit: a pure function of width, so narrow terminals drop
//! low-priority columns in a fixed, tested order.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// The pod's kubeconfig context, with more than one cluster on show.
    Cluster,
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
    /// Right-sizing: the recommended requests, ▼ over- / ▲ under-requested.
    Recommendation,
}

impl Column {
    /// The name the config file's `columns` uses (see `config::COLUMN_NAMES`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
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
            Self::Recommendation => "recommendation",
        }
    }

    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Self::Cluster => ("CLUSTER", ""),
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
            Self::Recommendation => ("REC", "   cpu│    mem"),
        }
    }

    /// (minimum, preferred) width in cells.
    pub fn widths(self) -> (u16, u16) {
        match self {
            Self::Cluster => (7, 16),
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
            Self::Recommendation => (14, 14),
        }
    }
}

/// Columns in the order they are given up when space runs out (first dropped first).
const DROP_ORDER: [Column; 11] = [
    Column::Node,
    Column::Usage,
    Column::Restarts,
    Column::Age,
    Column::Recommendation,
    Column::CpuLimit,
    Column::MemoryLimit,
    Column::Namespace,
    Column::Container,
    // Which cluster a row is in outlives its namespace: the same name may be in two.
    Column::Cluster,
    Column::Resize,
];

/// Display order of all columns.
const ORDER: [Column; 14] = [
    Column::Cluster,
    Column::Namespace,
    Column::Pod,
    Column::Container,
    Column::CpuRequest,
    Column::CpuLimit,
    Column::MemoryRequest,
    Column::MemoryLimit,
    Column::Recommendation,
    Column::Resize,
    Column::Restarts,
    Column::Age,
    Column::Node,
    Column::Usage,
];

/// Optional columns that have something to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shown<'a> {
    /// The config file's `columns`: only these, by `Column::key` (`None`: every column).
    pub only: Option<&'a [&'static str]>,
    /// More than one cluster is on show.
    pub cluster: bool,
    /// More than one namespace is on screen.
    pub namespace: bool,
    /// metrics.k8s.io is served.
    pub usage: bool,
    /// Some container has a right-sizing recommendation.
    pub recommendation: bool,
}

/// Picks the columns that fit in `width` at their minimum sizes (one space between columns).
pub fn fit_columns(width: u16, shown: Shown) -> Vec<Column> {
    let mut cols: Vec<Column> = ORDER
        .into_iter()
        .filter(|c| shown.only.is_none_or(|only| only.contains(&c.key())))
        .filter(|c| shown.cluster || *c != Column::Cluster)
        .filter(|c| shown.namespace || *c != Column::Namespace)
        .filter(|c| shown.usage || *c != Column::Usage)
        .filter(|c| shown.recommendation || *c != Column::Recommendation)
        .collect();
    let needed = |cols: &[Column]| -> u32 {
        cols.iter()
            .map(|c| u32::from(c.widths().0) + 1)
            .sum::<u32>()
    };
    // Usage is only worth showing when the rest is not squeezed for it.
    if shown.usage && needed(&cols) + 30 > u32::from(width) {
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

pub use crate::app::name_widths::Longest;

fn longest_of(longest: &Longest, column: Column) -> u16 {
    match column {
        Column::Cluster => longest.cluster,
        Column::Namespace => longest.namespace,
        Column::Pod => longest.pod,
        Column::Container => longest.container,
        Column::Node => longest.node,
        Column::Resize => longest.boosted_resize,
        Column::Age => 5,
        _ => 0,
    }
}

/// Widened first, each up to its longest value: node names are short and read whole, and a
/// boost badge says why a pod's values are unusual.
const FIRST: [Column; 4] = [Column::Age, Column::Cluster, Column::Node, Column::Resize];
/// Then widened together a cell at a time, so no one name column takes all the room.
const SHARED: [Column; 3] = [Column::Pod, Column::Container, Column::Namespace];

/// Widths for `cols` in `width` cells: every column gets its minimum, then the spare room
/// widens the name columns up to their longest value (`FIRST` in turn, then `SHARED` evenly);
/// what is left goes to the resize text (the kubelet's message).
pub fn allocate_widths(cols: &[Column], width: u16, longest: &Longest) -> Vec<u16> {
    let mut widths: Vec<u16> = cols.iter().map(|c| c.widths().0).collect();
    let used: u16 = widths.iter().map(|w| w + 1).sum();
    let mut spare = width.saturating_sub(used);
    let index = |column: Column| cols.iter().position(|c| *c == column);
    for i in FIRST.into_iter().filter_map(index) {
        let grow = longest_of(longest, cols[i])
            .saturating_sub(widths[i])
            .min(spare);
        widths[i] += grow;
        spare -= grow;
    }
    let shared: Vec<usize> = SHARED.into_iter().filter_map(index).collect();
    while spare > 0 {
        let mut grew = false;
        for &i in &shared {
            if spare > 0 && widths[i] < longest_of(longest, cols[i]) {
                widths[i] += 1;
                spare -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    match cols.iter().position(|c| *c == Column::Resize) {
        Some(i) => widths[i] += spare,
        // Without a resize column, the pod name takes what is left.
        None => {
            if let Some(i) = cols.iter().position(|c| *c == Column::Pod) {
                widths[i] += spare;
            }
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Shown = Shown {
        only: None,
        cluster: false,
        namespace: true,
        usage: true,
        recommendation: true,
    };
    const BASIC: Shown = Shown {
        only: None,
        cluster: false,
        namespace: true,
        usage: false,
        recommendation: false,
    };
    const LONG: Longest = Longest {
        cluster: 0,
        namespace: 24,
        pod: 63,
        container: 22,
        node: 13,
        boosted_resize: 0,
    };

    fn at(cols: &[Column], widths: &[u16], c: Column) -> u16 {
        widths[cols.iter().position(|x| *x == c).unwrap()]
    }

    #[test]
    fn every_column_key_is_a_config_column_name() {
        let keys: Vec<&str> = ORDER.iter().map(|c| c.key()).collect();
        assert_eq!(keys, crate::config::COLUMN_NAMES);
    }

    #[test]
    fn spare_room_goes_to_names_up_to_their_longest_then_to_resize() {
        let cols = fit_columns(200, BASIC);
        let widths = allocate_widths(&cols, 200, &LONG);
        assert_eq!(widths.iter().map(|w| w + 1).sum::<u16>(), 200);
        assert_eq!(at(&cols, &widths, Column::Node), 13);
        assert_eq!(at(&cols, &widths, Column::Container), 22);
        assert_eq!(at(&cols, &widths, Column::Namespace), 24);
        // 63-character pod names take what is left: the resize text keeps its minimum.
        assert_eq!(at(&cols, &widths, Column::Pod), 42);
        assert_eq!(at(&cols, &widths, Column::Resize), 14);
        let wider = fit_columns(260, BASIC);
        let widths = allocate_widths(&wider, 260, &LONG);
        assert_eq!(at(&wider, &widths, Column::Pod), 63);
        assert!(at(&wider, &widths, Column::Resize) > 14);
        // Short names leave the room to the resize message.
        let short = Longest {
            cluster: 0,
            namespace: 4,
            pod: 10,
            container: 3,
            node: 6,
            boosted_resize: 0,
        };
        let widths = allocate_widths(&cols, 200, &short);
        assert_eq!(at(&cols, &widths, Column::Pod), 14);
        assert!(at(&cols, &widths, Column::Resize) > 60);
    }

    #[test]
    fn node_names_are_whole_before_pod_names_grow() {
        let cols = fit_columns(160, BASIC);
        assert!(cols.contains(&Column::Node));
        let widths = allocate_widths(&cols, 160, &LONG);
        assert_eq!(at(&cols, &widths, Column::Node), 13);
        assert!(widths.iter().map(|w| w + 1).sum::<u16>() <= 160);
    }

    #[test]
    fn wide_screens_show_everything() {
        let cols = fit_columns(250, ALL);
        assert_eq!(cols.len(), 13, "every column but the cluster's");
        assert_eq!(cols[0], Column::Namespace);
    }

    #[test]
    fn eighty_columns_keep_the_resize_essentials() {
        let cols = fit_columns(80, ALL);
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
        let widths = allocate_widths(&cols, 80, &LONG);
        assert!(widths.iter().map(|w| w + 1).sum::<u16>() <= 80);
    }

    #[test]
    fn columns_are_dropped_in_order() {
        let mut previous = fit_columns(300, ALL).len();
        for width in (20..300).rev() {
            let now = fit_columns(width, ALL).len();
            assert!(now <= previous, "narrower never shows more columns");
            previous = now;
        }
        assert!(fit_columns(1, ALL).contains(&Column::Pod));
    }

    #[test]
    fn the_config_file_hides_columns_before_they_are_fitted() {
        let only = ["pod", "cpu-request", "resize", "node"];
        let shown = Shown {
            only: Some(&only),
            ..ALL
        };
        let cols = fit_columns(80, shown);
        assert_eq!(
            cols,
            [
                Column::Pod,
                Column::CpuRequest,
                Column::Resize,
                Column::Node
            ]
        );
    }

    #[test]
    fn the_cluster_column_shows_first_with_several_clusters_and_reads_whole() {
        let several = Shown {
            cluster: true,
            ..ALL
        };
        let cols = fit_columns(200, several);
        assert_eq!(cols[0], Column::Cluster);
        let longest = Longest {
            cluster: 14,
            ..LONG
        };
        let widths = allocate_widths(&cols, 200, &longest);
        assert_eq!(at(&cols, &widths, Column::Cluster), 14);
        // At 80 columns the namespace goes before the cluster does.
        let narrow = fit_columns(80, several);
        assert!(narrow.contains(&Column::Cluster) && !narrow.contains(&Column::Namespace));
        assert!(!fit_columns(200, ALL).contains(&Column::Cluster));
    }

    #[test]
    fn optional_columns_hidden_when_empty() {
        assert!(!fit_columns(250, Shown::default()).contains(&Column::Namespace));
        assert!(!fit_columns(250, BASIC).contains(&Column::Usage));
        assert!(!fit_columns(250, BASIC).contains(&Column::Recommendation));
    }

    /// With every column shown and spare room, a boosted pod's badge and state read whole
    /// before long names take the room (the names keep their minimum).
    #[test]
    fn a_boost_badge_gets_its_room_before_the_names_grow() {
        let cols = fit_columns(180, ALL);
        assert!(cols.contains(&Column::Recommendation), "{cols:?}");
        let plain = allocate_widths(&cols, 180, &LONG);
        let boosted = Longest {
            boosted_resize: 19 + 1 + 13,
            ..LONG
        };
        let widths = allocate_widths(&cols, 180, &boosted);
        assert!(at(&cols, &plain, Column::Resize) < 33, "{plain:?}");
        assert!(at(&cols, &widths, Column::Resize) >= 33, "{widths:?}");
        assert!(at(&cols, &widths, Column::Pod) >= Column::Pod.widths().0);
        assert_eq!(widths.iter().map(|w| w + 1).sum::<u16>(), 180);
    }
}
