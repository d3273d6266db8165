//! Why make-room found no plan, in words the user can act on.

use super::victims::{Offer, select};
use super::{RoomRequest, amounts_text, covered};
use crate::model::ground::resources::CpuMem;

/// The reasons pods were left out, at most a few, as one clause.
fn left_out_text(left_out: &[(String, String)]) -> String {
    const SHOWN: usize = 4;
    let mut parts: Vec<String> = left_out
        .iter()
        .take(SHOWN)
        .map(|(pod, why)| format!("{pod}: {why}"))
        .collect();
    if left_out.len() > SHOWN {
        parts.push(format!("{} more", left_out.len() - SHOWN));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; left out: {}", parts.join("; "))
    }
}

pub(super) fn why_not(
    r: &RoomRequest,
    missing: CpuMem,
    offers: &[Offer],
    left_out: &[(String, String)],
) -> String {
    let short = format!("missing {}", amounts_text(missing));
    let higher = left_out
        .iter()
        .any(|(_, w)| w.starts_with("higher priority"));
    let reasons = left_out_text(left_out);
    if offers.is_empty() {
        let unknown = left_out
            .iter()
            .all(|(_, w)| w.starts_with("no usage figures"));
        if !left_out.is_empty() && unknown {
            return format!(
                "no usage figures yet (or too little history) for the lower-priority pods on node {}: without them nothing is shrunk ({short})",
                r.node.name
            );
        }
        if higher
            && left_out
                .iter()
                .all(|(_, w)| w.starts_with("higher priority") || w.starts_with("no headroom"))
        {
            return format!("only higher-priority pods have headroom ({short}){reasons}");
        }
        return format!(
            "no pod on node {} may give room ({short}){reasons}",
            r.node.name
        );
    }
    let all: Vec<usize> = (0..offers.len()).collect();
    let can = all
        .iter()
        .fold(CpuMem::ZERO, |s, i| s.plus(offers[*i].total));
    if covered(missing.minus(can)) && select(offers, missing, usize::MAX).is_some() {
        return format!(
            "freeing it takes more than {}, the most shrunk at once (podsize make-room --max-pods N takes more) ({short}){reasons}",
            crate::model::ground::figures::counted(r.options.max_pods, "pod", "pods")
        );
    }
    format!(
        "the pods that may give room can free only {} ({short}){reasons}",
        amounts_text(can)
    )
}
