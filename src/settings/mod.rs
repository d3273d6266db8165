//! Plain option values shared by the command line, the config file and the parts they
//! configure: sort orders, list strategies, intervals, the Prometheus address. They live below
//! `cli`, `config`, `app` and `cluster` so that reading options needs none of those; this
//! module imports nothing of the crate but `model`.

mod listing;
mod prom_target;
mod sort_key;

pub use listing::{InitialList, METRICS_POLL_INTERVAL, MIN_HISTORY, parse_page_interval};
pub use prom_target::PromTarget;
pub use sort_key::SortKey;
