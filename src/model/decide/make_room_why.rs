//! Why make-room found no plan, in words the user can act on.

use super::{Giver, RoomRequest, gib_or_cores, is_candidate, ranked};
use crate::model::ground::resources::CpuMem;
use crate::model::pods::row::PodRow;

pub(super) fn why_not(
    r: &RoomRequest,
    waiting: &PodRow,
    missing: CpuMem,
    givers: &[Giver],
) -> String {
    let mine = waiting.priority.unwrap_or(0);
    let others: Vec<&PodRow> = r.pods.iter().filter(|p| is_candidate(p, waiting)).collect();
    let higher = ranked(
        others
            .iter()
            .copied()
            .filter(|p| p.priority.unwrap_or(0) > mine),
        r,
        missing,
    );
    let can = givers.iter().fold(CpuMem::ZERO, |s, g| s.plus(g.total));
    let short = format!("missing {}", gib_or_cores(missing));
    if givers.is_empty() && !higher.is_empty() {
        return format!("only higher-priority pods have headroom ({short})");
    }
    let known = |p: &&PodRow| {
        p.containers.iter().any(|c| {
            r.floors
                .contains_key(&(p.namespace.clone(), p.name.clone(), c.name.clone()))
        })
    };
    let eligible = |p: &&PodRow| p.priority.unwrap_or(0) <= mine;
    if givers.is_empty() && !others.iter().copied().filter(eligible).any(|p| known(&p)) {
        return format!(
            "no usage figures yet for the lower- or equal-priority pods on node {}: without them nothing is shrunk ({short})",
            r.node.name
        );
    }
    if givers.is_empty() {
        return format!(
            "no pod of lower or equal priority on node {} has headroom over its usage ({short})",
            r.node.name
        );
    }
    format!(
        "pods of lower or equal priority can free only {} ({short}){}",
        gib_or_cores(can),
        if higher.is_empty() {
            ""
        } else {
            "; the rest is held by higher-priority pods"
        }
    )
}
