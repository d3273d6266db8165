//! `podsize watch`: the read-only wall display. Read-only is enforced in the HTTP client;
//! the high-contrast theme is the default; it never exits on a cluster error.

use super::dashboard::{self, Dashboard};
use super::{CommandError, connect, scope_from};
use crate::app::wall::Wall;
use crate::cli::{CommonArgs, WatchArgs};

pub async fn run(common: &CommonArgs, args: &WatchArgs) -> Result<(), CommandError> {
    let mut common = common.clone();
    common.readonly = true;
    let (client, target) = connect(&common).await?;
    let theme_name = common
        .theme
        .clone()
        .unwrap_or_else(|| "high-contrast".into());
    let loaded = crate::theme::load(Some(&theme_name), false);
    let interval =
        chrono::TimeDelta::from_std(args.page_interval).unwrap_or(chrono::TimeDelta::seconds(10));
    dashboard::run(Dashboard {
        client,
        context: target.context.clone(),
        scope: scope_from(&common, &target),
        theme: loaded.theme,
        theme_warning: loaded.warning,
        readonly: true,
        common: common.clone(),
        wall: Some(Wall::new(interval, args.rotate_namespaces, args.no_input)),
    })
    .await
}
