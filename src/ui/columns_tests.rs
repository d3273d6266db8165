//! The column fitting: which columns a width keeps, in what order they go, how the room is shared.

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
    resize_words: 0,
};

fn at(fitted: &Fitted, widths: &[u16], c: Column) -> u16 {
    widths[fitted.columns.iter().position(|x| *x == c).unwrap()]
}

/// The columns that fit `width` with `LONG` names.
fn fit(width: u16, shown: Shown) -> Fitted {
    fit_columns(width, shown, &LONG)
}

impl Fitted {
    fn contains(&self, column: &Column) -> bool {
        self.columns.contains(column)
    }
}

#[test]
fn every_column_key_is_a_config_column_name() {
    let keys: Vec<&str> = ORDER.iter().map(|c| c.key()).collect();
    assert_eq!(keys, crate::config::COLUMN_NAMES);
}

#[test]
fn spare_room_goes_to_names_up_to_their_longest_then_to_resize() {
    let cols = fit(200, BASIC);
    let widths = allocate_widths(&cols, 200, &LONG);
    assert_eq!(widths.iter().map(|w| w + 1).sum::<u16>(), 200);
    assert_eq!(at(&cols, &widths, Column::Node), 13);
    assert_eq!(at(&cols, &widths, Column::Container), 22);
    assert_eq!(at(&cols, &widths, Column::Namespace), 24);
    // 63-character pod names take what is left: the resize text keeps its minimum.
    assert_eq!(at(&cols, &widths, Column::Pod), 42);
    assert_eq!(at(&cols, &widths, Column::Resize), 14);
    let wider = fit(260, BASIC);
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
        resize_words: 0,
    };
    let widths = allocate_widths(&cols, 200, &short);
    assert_eq!(at(&cols, &widths, Column::Pod), 14);
    assert!(at(&cols, &widths, Column::Resize) > 60);
}

#[test]
fn node_names_are_whole_before_pod_names_grow() {
    let cols = fit(160, BASIC);
    assert!(cols.contains(&Column::Node), "{cols:?}");
    let widths = allocate_widths(&cols, 160, &LONG);
    assert_eq!(at(&cols, &widths, Column::Node), 13);
    assert!(widths.iter().map(|w| w + 1).sum::<u16>() <= 160);
}

#[test]
fn wide_screens_show_everything() {
    let cols = fit(250, ALL);
    assert_eq!(cols.columns.len(), 13, "every column but the cluster's");
    assert_eq!(cols.columns[0], Column::Namespace);
    assert_eq!(cols.figures, Figures::Full);
}

#[test]
fn eighty_columns_keep_the_resize_essentials() {
    let cols = fit(80, ALL);
    for must in [
        Column::Pod,
        Column::CpuRequest,
        Column::MemoryRequest,
        Column::Resize,
    ] {
        assert!(cols.contains(&must), "{must:?} missing at 80: {cols:?}");
    }
    assert!(!cols.contains(&Column::Node));
    let used: u16 = cols
        .columns
        .iter()
        .map(|c| min_width(*c, cols.figures, &LONG) + 1)
        .sum();
    assert!(used <= 80);
    let widths = allocate_widths(&cols, 80, &LONG);
    assert!(widths.iter().map(|w| w + 1).sum::<u16>() <= 80);
}

#[test]
fn columns_are_dropped_in_order() {
    let mut previous = fit(300, ALL).columns.len();
    for width in (20..300).rev() {
        let now = fit(width, ALL).columns.len();
        assert!(now <= previous, "narrower never shows more columns");
        previous = now;
    }
    assert!(fit(1, ALL).contains(&Column::Pod));
}

#[test]
fn the_config_file_hides_columns_before_they_are_fitted() {
    let only = ["pod", "cpu-request", "resize", "node"];
    let shown = Shown {
        only: Some(&only),
        ..ALL
    };
    let cols = fit(80, shown);
    assert_eq!(
        cols.columns,
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
    let cols = fit(200, several);
    assert_eq!(cols.columns[0], Column::Cluster);
    let longest = Longest {
        cluster: 14,
        ..LONG
    };
    let widths = allocate_widths(&cols, 200, &longest);
    // Whole, with room for a stale cluster's `✗ `.
    assert_eq!(at(&cols, &widths, Column::Cluster), 14 + 2);
    // At 80 columns both stay: the figures narrow for them.
    let narrow = fit(80, several);
    assert!(narrow.contains(&Column::Cluster) && narrow.contains(&Column::Namespace));
    assert!(!fit(200, ALL).contains(&Column::Cluster));
}

#[test]
fn optional_columns_hidden_when_empty() {
    assert!(!fit(250, Shown::default()).contains(&Column::Namespace));
    assert!(!fit(250, BASIC).contains(&Column::Usage));
    assert!(!fit(250, BASIC).contains(&Column::Recommendation));
}

/// With every column shown and spare room, a boosted pod's badge and state read whole
/// before long names take the room (the names keep their minimum).
#[test]
fn a_boost_badge_gets_its_room_before_the_names_grow() {
    let cols = fit(180, ALL);
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

/// A kubelet's message (`‖ deferred: Node didn't have enough resource: cpu, …`, 97 cells)
/// gets the column's preferred width before long names grow: at 200 columns with every column
/// it read `‖ deferred: N…` beside 36-cell pod names (issue #30). Names keep their minimum.
#[test]
fn a_resize_message_gets_its_room_before_the_names_grow() {
    let worded = Longest {
        resize_words: 97,
        ..LONG
    };
    let cols = fit(200, ALL);
    assert!(cols.contains(&Column::Recommendation), "{cols:?}");
    let plain = allocate_widths(&cols, 200, &LONG);
    let widths = allocate_widths(&cols, 200, &worded);
    assert!(at(&cols, &plain, Column::Resize) < 30, "{plain:?}");
    // The names get a few cells to be told apart, then every spare cell goes to the words
    // (up to the column's preferred width): here, all the rest.
    let resize = at(&cols, &widths, Column::Resize);
    assert!(
        resize > 40 && resize <= Column::Resize.widths().1,
        "{widths:?}"
    );
    for name in [Column::Namespace, Column::Pod, Column::Container] {
        let head_start = name.widths().0 + NAME_HEAD_START;
        assert_eq!(at(&cols, &widths, name), head_start, "{widths:?}");
    }
    assert_eq!(widths.iter().map(|w| w + 1).sum::<u16>(), 200);
    // A short message takes only its own width; the rest still widens the names.
    let short = Longest {
        resize_words: 30,
        ..LONG
    };
    let widths = allocate_widths(&cols, 200, &short);
    assert_eq!(at(&cols, &widths, Column::Resize), 30, "{widths:?}");
    assert!(at(&cols, &widths, Column::Pod) > Column::Pod.widths().0);
    // At 80 columns there is no spare room: the columns are as they were.
    let narrow = fit(80, ALL);
    assert_eq!(
        allocate_widths(&narrow, 80, &worded),
        allocate_widths(&narrow, 80, &LONG)
    );
}

/// Which row it is (cluster, namespace, pod, container) and its resize state outlast every
/// figure: at 60 columns with several clusters and `-A` all five are there.
#[test]
fn identity_and_resize_state_outlast_the_figures() {
    let several = Shown {
        cluster: true,
        ..ALL
    };
    let identity = [
        Column::Cluster,
        Column::Namespace,
        Column::Pod,
        Column::Container,
        Column::Resize,
    ];
    for width in [58, 60, 80, 120, 160] {
        let cols = fit(width, several);
        for must in identity {
            assert!(
                cols.contains(&must),
                "{must:?} missing at {width}: {cols:?}"
            );
        }
        let widths = allocate_widths(&cols, width, &LONG);
        assert!(widths.iter().map(|w| w + 1).sum::<u16>() <= width);
    }
    // The requests narrow before they go: at 80 with `-A` both show spec│actual.
    let eighty = fit(80, ALL);
    assert!(eighty.contains(&Column::Namespace) && eighty.contains(&Column::Container));
    assert!(eighty.contains(&Column::CpuRequest) && eighty.contains(&Column::MemoryRequest));
    assert_eq!(eighty.figures, Figures::SpecActual);
    let sixty = fit(60, BASIC);
    assert!(sixty.contains(&Column::Container) && sixty.contains(&Column::Resize));
}

/// A node column shows whole names or none: `sim-1…` says nothing.
#[test]
fn node_names_are_whole_or_the_column_goes() {
    let sim_nodes = Longest { node: 14, ..LONG };
    for width in 60..300 {
        let cols = fit_columns(width, ALL, &sim_nodes);
        if cols.contains(&Column::Node) {
            let widths = allocate_widths(&cols, width, &sim_nodes);
            assert!(
                at(&cols, &widths, Column::Node) >= 14,
                "{width}: {widths:?}"
            );
        }
    }
}

/// At 120 columns the right-sizing column and short node names outlast the limits: REC is what
/// a person came for, and a node column that fits reads whole (issue #30 lost both at 120).
#[test]
fn at_120_columns_rec_and_node_outlast_the_limits() {
    let cols = fit(120, ALL);
    assert!(cols.contains(&Column::Recommendation), "{cols:?}");
    assert!(cols.contains(&Column::Node), "{cols:?}");
    assert!(!cols.contains(&Column::CpuLimit), "{cols:?}");
    assert_eq!(cols.figures, Figures::Full);
}
