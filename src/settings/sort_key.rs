//! The table's sort orders, as `:sort`, `--sort` and the config file name them.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Name,
    ResizeState,
    CpuDesired,
    CpuActual,
    MemoryDesired,
    MemoryActual,
    Restarts,
    Age,
    /// Most over-requested first (right-sizing's waste, CPU-equivalent).
    Waste,
    /// Likeliest trouble first: usage above request, memory near its limit, OOM-killed.
    Risk,
}

impl SortKey {
    pub const ALL: [SortKey; 10] = [
        Self::Name,
        Self::ResizeState,
        Self::CpuDesired,
        Self::CpuActual,
        Self::MemoryDesired,
        Self::MemoryActual,
        Self::Restarts,
        Self::Age,
        Self::Waste,
        Self::Risk,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "namespace/name",
            Self::ResizeState => "resize state",
            Self::CpuDesired => "cpu desired",
            Self::CpuActual => "cpu actual",
            Self::MemoryDesired => "memory desired",
            Self::MemoryActual => "memory actual",
            Self::Restarts => "restarts",
            Self::Age => "age",
            Self::Waste => "over-request",
            Self::Risk => "risk",
        }
    }

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The name `:sort` and the config file take: the label with dashes for spaces.
    pub fn name(self) -> String {
        self.label().replace(' ', "-")
    }

    pub fn parse(text: &str) -> Option<Self> {
        let plain = |s: &str| s.replace(['/', ' ', '-', '_'], "");
        Self::ALL
            .into_iter()
            .find(|k| plain(k.label()) == plain(text))
            .or(match text {
                "name" => Some(Self::Name),
                "state" | "resize" => Some(Self::ResizeState),
                "cpu" => Some(Self::CpuDesired),
                "mem" | "memory" => Some(Self::MemoryDesired),
                "waste" | "over" => Some(Self::Waste),
                _ => None,
            })
    }
}
