//! What planning and following a resize need from the state: a pod's plan context (its
//! cluster's server, node and neighbours), re-planning the open editor, and the trackers of
//! accepted resizes.

use super::editor::PlanContext;
use super::state::AppState;
use super::view::PodKey;
use crate::model::pods::tracking::Tracker;
use crate::model::{ContainerKind, PodRow};
use chrono::{DateTime, Utc};

impl AppState {
    pub fn plan_context<'a>(&'a self, pod: &'a PodRow) -> PlanContext<'a> {
        PlanContext {
            pod,
            server: self.server_of(pod.cluster),
            node: pod
                .node
                .as_ref()
                .and_then(|n| self.cluster(pod.cluster).nodes.get(n)),
            others_on_node: self.others_on_node(pod),
        }
    }

    /// Re-plans the open editor (and its batch) against the current pods, nodes and neighbours.
    pub fn replan_editor(&mut self) {
        let Some(mut editor) = self.editor.take() else {
            return;
        };
        if let Some(pod) =
            self.pods
                .get(&PodKey::new(editor.cluster, &editor.namespace, &editor.pod))
        {
            editor.replan(&self.plan_context(pod));
        }
        if let Some(targets) = &editor.rightsize {
            // Right-sizing: each container to its own recommendation, not to the typed fields.
            editor.batch = super::rightsizing::plan_targets(self, targets);
        } else {
            let contexts: Vec<PlanContext> = editor
                .batch_targets
                .iter()
                .filter_map(|key| self.pods.get(key))
                .map(|pod| self.plan_context(pod))
                .collect();
            editor.replan_batch(&contexts);
        }
        super::preflight::annotate(self, &mut editor);
        self.editor = Some(editor);
        self.dirty = true;
    }

    /// Follows `tracker` from now on, in place of any earlier one for the same container.
    pub fn follow(&mut self, tracker: Tracker) {
        self.trackers.retain(|t| {
            !(t.cluster == tracker.cluster
                && t.namespace == tracker.namespace
                && t.pod == tracker.pod
                && t.container == tracker.container)
        });
        self.trackers.push(tracker);
    }

    /// Follows a resize the server accepted for `plan`, counting restarts from now.
    pub fn track_accepted(
        &mut self,
        plan: &crate::model::rules::plan::ResizePlan,
        accepted: &crate::model::rules::plan::Accepted,
        now: DateTime<Utc>,
    ) {
        let restarts = self
            .pods
            .get(&PodKey::new(plan.cluster, &plan.namespace, &plan.pod))
            .and_then(|p| p.container(&plan.container))
            .map_or(0, |c| c.restart_count);
        // The server's answer comes from the cluster layer, which does not know its cluster.
        let mut row = accepted.row.clone();
        row.cluster = plan.cluster;
        let tracker = Tracker::new(&row, &plan.container, accepted.generation, restarts, now);
        self.follow(tracker);
    }

    /// The container the editor should open on: the selected one, or the pod's first regular one.
    pub fn edit_target(&self) -> Option<(&PodRow, String)> {
        let (pod, container) = self.selected_row()?;
        let name = match container {
            Some(c) => c.name.clone(),
            None => pod
                .containers
                .iter()
                .find(|c| c.kind == ContainerKind::Regular)?
                .name
                .clone(),
        };
        Some((pod, name))
    }
}
