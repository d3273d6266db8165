//! `podsize watch`: the read-only wall display. Read-only is enforced in the HTTP client;
//! the high-contrast theme is the default; it never exits on a cluster error.

use super::CommandError;
use super::dashboard::{self, Dashboard};
use crate::app::wall::Wall;
use crate::cli::{CommonArgs, WatchArgs};

pub async fn run(common: &CommonArgs, args: &WatchArgs) -> Result<(), CommandError> {
    let mut common = common.clone();
    common.readonly = true;
    if args.rotate_namespaces {
        // Rotating needs every namespace's pods; a single namespace would page forever
        // under a "(rotating)" label. `Cli::check` refused -n already.
        common.all_namespaces = true;
    }
    let (clusters, scope) = super::contexts::connect_clusters(&common).await?;
    let interval =
        chrono::TimeDelta::from_std(args.page_interval).unwrap_or(chrono::TimeDelta::seconds(10));
    let wall = Wall::new(interval, args.rotate_namespaces, args.no_input);
    let dash = Dashboard::fleet(clusters, scope, &common, Some("high-contrast"), Some(wall));
    dashboard::run(dash).await
}
