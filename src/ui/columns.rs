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

    /// The title lines with the request figures in `figures` form.
    pub fn title_in(self, figures: Figures) -> (&'static str, &'static str) {
        match (self, figures) {
            (Self::CpuRequest, Figures::Spec) => ("CPU", "spec"),
            (Self::MemoryRequest, Figures::Spec) => ("MEM", "spec"),
            (Self::CpuRequest | Self::MemoryRequest, _) => (self.title().0, figures.subtitle()),
            _ => self.title(),
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

/// How many values each request column shows, from all three down to the spec alone: the
/// figures give way before any column that says which row it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Figures {
    /// `spec│alloc│actual`.
    #[default]
    Full,
    /// `spec│actual`: what is asked for and what runs.
    SpecActual,
    /// The spec alone; the RESIZE column says whether it is applied yet.
    Spec,
}

impl Figures {
    /// The second title line of a request column in this form.
    pub fn subtitle(self) -> &'static str {
        match self {
            Self::Full => "spec│alloc│actual",
            Self::SpecActual => "spec│actual",
            Self::Spec => "spec",
        }
    }
}

/// One step towards a narrower table.
#[derive(Clone, Copy, Debug)]
enum Step {
    Drop(Column),
    Narrow(Figures),
}

/// What gives way when space runs out, first to last: figures before anything that says
/// which row it is (namespace with `-A`, pod, container, cluster with several) or its resize
/// state; the requests narrow before they go.
const STEPS: [Step; 15] = [
    Step::Drop(Column::Usage),
    Step::Drop(Column::Restarts),
    Step::Drop(Column::Age),
    Step::Drop(Column::MemoryLimit),
    Step::Drop(Column::CpuLimit),
    Step::Drop(Column::Node),
    Step::Drop(Column::Recommendation),
    Step::Narrow(Figures::SpecActual),
    Step::Narrow(Figures::Spec),
    Step::Drop(Column::MemoryRequest),
    Step::Drop(Column::CpuRequest),
    // Only a screen too narrow for any figure gets here.
    Step::Drop(Column::Namespace),
    Step::Drop(Column::Container),
    // Which cluster a row is in outlives its namespace: the same name may be in two.
    Step::Drop(Column::Cluster),
    Step::Drop(Column::Resize),
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

/// The columns that fit and the form of their figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitted {
    pub columns: Vec<Column>,
    pub figures: Figures,
}

/// A node column is shown with its names whole, up to this many cells (a cloud provider's
/// 43-character name reads by its first 24); a `sim-1…` says nothing.
const NODE_WHOLE: u16 = 24;

/// The fewest cells `column` takes with its figures in `figures` form.
pub fn min_width(column: Column, figures: Figures, longest: &Longest) -> u16 {
    match (column, figures) {
        (Column::CpuRequest, Figures::SpecActual) => 11,
        (Column::CpuRequest, Figures::Spec) => 5,
        (Column::MemoryRequest, Figures::SpecActual) => 13,
        (Column::MemoryRequest, Figures::Spec) => 6,
        (Column::Node, _) => longest.node.clamp(column.widths().0, NODE_WHOLE),
        _ => column.widths().0,
    }
}

/// Picks the columns that fit in `width` at their minimum sizes (one space between columns).
pub fn fit_columns(width: u16, shown: Shown, longest: &Longest) -> Fitted {
    let mut cols: Vec<Column> = ORDER
        .into_iter()
        .filter(|c| shown.only.is_none_or(|only| only.contains(&c.key())))
        .filter(|c| shown.cluster || *c != Column::Cluster)
        .filter(|c| shown.namespace || *c != Column::Namespace)
        .filter(|c| shown.usage || *c != Column::Usage)
        .filter(|c| shown.recommendation || *c != Column::Recommendation)
        .collect();
    let mut figures = Figures::Full;
    let needed = |cols: &[Column], figures: Figures| -> u32 {
        cols.iter()
            .map(|c| u32::from(min_width(*c, figures, longest)) + 1)
            .sum::<u32>()
    };
    // Usage is only worth showing when the rest is not squeezed for it.
    if shown.usage && needed(&cols, figures) + 30 > u32::from(width) {
        cols.retain(|c| *c != Column::Usage);
    }
    for step in STEPS {
        if needed(&cols, figures) <= u32::from(width) {
            break;
        }
        match step {
            Step::Drop(drop) => cols.retain(|c| *c != drop),
            Step::Narrow(form) => figures = form,
        }
    }
    Fitted {
        columns: cols,
        figures,
    }
}

pub use crate::app::name_widths::Longest;

fn longest_of(longest: &Longest, column: Column) -> u16 {
    match column {
        // Room for a stale cluster's `✗ ` too.
        Column::Cluster => longest.cluster.saturating_add(2),
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
/// Cells each name column gets over its minimum before the resize state's words: an 80-column
/// table's few spare cells still go to the names, as they did.
const NAME_HEAD_START: u16 = 4;

/// Widens the `shared` columns together a cell at a time, each up to `limit(column)`.
fn widen_together(
    widths: &mut [u16],
    spare: &mut u16,
    shared: &[usize],
    limit: impl Fn(usize) -> u16,
) {
    while *spare > 0 {
        let mut grew = false;
        for &i in shared {
            if *spare > 0 && widths[i] < limit(i) {
                widths[i] += 1;
                *spare -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
}

/// Widths for `cols` in `width` cells: every column gets its minimum, then the spare room
/// widens `FIRST` up to their longest value, the name columns a little, the resize state's
/// words (why a resize waits or failed: the product's point; at 200 columns they read
/// `‖ deferred: N…` beside wide names, issue #30) up to the column's preferred width, then the
/// names up to their longest (`SHARED` evenly); what is left goes to the resize text.
pub fn allocate_widths(fitted: &Fitted, width: u16, longest: &Longest) -> Vec<u16> {
    let cols = &fitted.columns;
    let mut widths: Vec<u16> = cols
        .iter()
        .map(|c| min_width(*c, fitted.figures, longest))
        .collect();
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
    let name_limit = |i: usize| longest_of(longest, cols[i]);
    let head_start: Vec<u16> = (widths.iter())
        .map(|w| w.saturating_add(NAME_HEAD_START))
        .collect();
    widen_together(&mut widths, &mut spare, &shared, |i| {
        name_limit(i).min(head_start[i])
    });
    if let Some(i) = index(Column::Resize) {
        let words = longest.resize_words.min(Column::Resize.widths().1);
        let grow = words.saturating_sub(widths[i]).min(spare);
        widths[i] += grow;
        spare -= grow;
    }
    widen_together(&mut widths, &mut spare, &shared, name_limit);
    match index(Column::Resize) {
        Some(i) => widths[i] += spare,
        // Without a resize column, the pod name takes what is left.
        None => {
            if let Some(i) = index(Column::Pod) {
                widths[i] += spare;
            }
        }
    }
    widths
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
