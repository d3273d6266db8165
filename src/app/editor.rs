//! The resize editor's form: four fields, a plan recomputed on every keystroke, a confirm
//! step showing the exact patch, then a submit effect. Pure: no I/O.

use super::batch::{BatchPlan, apply_inputs, plan_batch, value_of};
use super::keymap::{EDITOR, EditorCommand, lookup};
use super::line_edit::{LineEdit, Prefilled};
use crate::model::PodRow;
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::pods::events::NodeInfo;
use crate::model::pods::row::PodKey;
use crate::model::rules::edit::{Kind, Preview, preview_exact};
use crate::model::rules::plan::{Edits, Field, Prediction, ResizePlan, plan_resize};
use crossterm::event::KeyEvent;

pub const FIELDS: [(Field, &str, Kind); 4] = [
    (Field::CpuRequest, "CPU request", Kind::Cpu),
    (Field::CpuLimit, "CPU limit", Kind::Cpu),
    (Field::MemoryRequest, "memory request", Kind::Memory),
    (Field::MemoryLimit, "memory limit", Kind::Memory),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// The patch is shown; a second Enter sends it.
    Confirm,
    /// Sent; waiting for the server's answer.
    Sending,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EditorState {
    pub cluster: crate::model::pods::row::ClusterId,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// What the user typed, one per field of `FIELDS`.
    pub inputs: [LineEdit; 4],
    /// The desired values when the editor opened (relative edits apply to these).
    pub original: Edits,
    pub focus: usize,
    /// The next typed character replaces the field (as when a field is selected on entry).
    pub overwrite: Prefilled,
    pub stage: Stage,
    /// Per-field input errors (bad quantity), by field index.
    pub input_errors: [Option<String>; 4],
    /// What each typed field comes to (`x2 → 500m`), shown beside it while typing.
    pub previews: [Preview; 4],
    pub plan: Option<ResizePlan>,
    /// The server's refusal of the last attempt, verbatim.
    pub server_error: Option<String>,
    /// Why the last Enter sent nothing (an invalid field, a refusal, nothing changed); cleared
    /// by the next edit.
    pub not_sent: Option<String>,
    /// Fields the user typed into (or cleared) since opening; only these go to marked pods.
    pub touched: [bool; 4],
    /// The other marked pods: the touched fields apply to each pod's own values.
    pub batch_targets: Vec<PodKey>,
    pub batch: BatchPlan,
    /// Right-sizing (`R`): the other containers, each planned to its own recommendation
    /// instead of to the typed fields.
    pub rightsize: Option<Vec<(PodKey, String)>>,
    /// The recommendation the fields were filled with (`r`), with its reason.
    pub recommendation_note: Option<String>,
    /// The preflight's findings for the plan and batch (warnings, HPA effects), shown in the
    /// plan before sending; its refusals are in the plans' errors.
    pub preflight: Vec<String>,
}

/// What the editor asks of the app after a key.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorOutcome {
    Stay,
    Close,
    /// Send these plans: the editor's pod first, then any marked pods.
    Submit(Vec<ResizePlan>),
    /// `r`: the app looks up the container's recommendation and calls `fill`.
    WantsRecommendation,
    /// `m` on the review of a change predicted Deferred: make room for this plan first.
    MakeRoom(Box<ResizePlan>),
}

fn text_of(value: Option<i64>, kind: Kind) -> String {
    match (value, kind) {
        (None, _) => String::new(),
        (Some(v), Kind::Cpu) => crate::model::ground::quantity::cpu_canonical(v),
        (Some(v), Kind::Memory) => crate::model::ground::quantity::memory_canonical(v),
    }
}

/// The touched fields' meaning against `base` (the values relative edits apply to).
fn previews(inputs: &[LineEdit; 4], touched: [bool; 4], base: &Edits) -> [Preview; 4] {
    std::array::from_fn(|i| {
        if touched[i] {
            preview_exact(inputs[i].text(), base.exact_value(i), FIELDS[i].2)
        } else {
            Preview::AsTyped
        }
    })
}

/// Context the plan needs from the rest of the app.
pub struct PlanContext<'a> {
    pub pod: &'a PodRow,
    pub server: crate::model::rules::plan::Server,
    pub node: Option<&'a NodeInfo>,
    pub others_on_node: CpuMem,
}

impl EditorState {
    pub fn open(pod: &PodRow, container: &str) -> Option<Self> {
        let c = pod.container(container)?;
        let original = Edits::from_container(c);
        // Shown as the server wrote them (`512M` stays `512M`), so nothing looks changed that is not.
        let inputs = std::array::from_fn(|i| {
            LineEdit::new(
                c.desired_text(crate::model::pods::row::ResourceField::ALL[i])
                    .unwrap_or_else(|| text_of(value_of(&original, i), FIELDS[i].2)),
            )
        });
        Some(Self {
            cluster: pod.cluster,
            namespace: pod.namespace.clone(),
            pod: pod.name.clone(),
            container: container.to_string(),
            inputs,
            original,
            focus: 0,
            overwrite: Prefilled::armed(),
            stage: Stage::Editing,
            input_errors: Default::default(),
            previews: Default::default(),
            plan: None,
            server_error: None,
            not_sent: None,
            touched: [false; 4],
            batch_targets: Vec::new(),
            batch: BatchPlan::default(),
            rightsize: None,
            recommendation_note: None,
            preflight: Vec::new(),
        })
    }

    /// Works out the plan for the editor's own pod; input errors are kept per field.
    pub fn replan(&mut self, ctx: &PlanContext) {
        // Untouched fields keep the pod's current desired values (they may have moved since opening).
        let base = ctx
            .pod
            .container(&self.container)
            .map_or(self.original, Edits::from_container);
        self.previews = previews(&self.inputs, self.touched, &base);
        match apply_inputs(&self.inputs, self.touched, base) {
            Ok(edits) => {
                self.input_errors = Default::default();
                self.plan = Some(plan_resize(
                    ctx.pod,
                    &self.container,
                    edits,
                    ctx.server.clone(),
                    ctx.node,
                    ctx.others_on_node,
                ));
            }
            Err(errors) => {
                self.input_errors = errors;
                self.plan = None;
            }
        }
    }

    /// Plans for the other marked pods: only the touched fields, each against the pod's own values.
    pub fn replan_batch(&mut self, contexts: &[PlanContext]) {
        self.batch = plan_batch(&self.inputs, self.touched, &self.container, contexts);
    }

    /// Every plan the editor would send: its own pod first, then the batch.
    pub fn all_plans(&self) -> Vec<ResizePlan> {
        self.plan
            .iter()
            .chain(self.batch.plans.iter())
            .cloned()
            .collect()
    }

    /// Everything planned can be sent (one refused pod blocks the batch: nothing half-done).
    pub fn sendable(&self) -> bool {
        self.plan.as_ref().is_some_and(ResizePlan::is_sendable)
            && self.batch.plans.iter().all(ResizePlan::is_sendable)
    }

    /// A line-editing key in the focused field. The first typed character replaces the
    /// pre-filled value; moving the cursor first keeps it for editing in place.
    fn edit_field(&mut self, key: KeyEvent) {
        let field = &mut self.inputs[self.focus];
        let before = field.text().to_string();
        if !self.overwrite.handle(field, key) {
            return;
        }
        if field.text() != before {
            self.not_sent = None;
            self.touched[self.focus] = true;
            self.server_error = None;
        }
    }

    /// Fills every field with `spec` (a recommendation, `note` its reason); fields whose value
    /// it changes count as typed, so a batch carries them.
    pub fn fill(&mut self, spec: &ResourceSpec, note: String) {
        let wanted = Edits::from_spec(spec);
        for (i, (_, _, kind)) in FIELDS.iter().enumerate() {
            let value = value_of(&wanted, i);
            self.inputs[i] = LineEdit::new(text_of(value, *kind));
            self.touched[i] = value != value_of(&self.original, i);
        }
        self.overwrite = Prefilled::armed();
        self.server_error = None;
        self.recommendation_note = Some(note);
    }

    /// Why Enter sends nothing: the first field that is not a value, else the first refusal
    /// (of this pod, then of the batch), named by field.
    fn why_not_sendable(&self) -> String {
        let labelled = |i: usize, why: &str| format!("not sent: {}: {why}", FIELDS[i].1.trim());
        if let Some((i, why)) = self
            .input_errors
            .iter()
            .enumerate()
            .find_map(|(i, e)| e.as_deref().map(|e| (i, e)))
        {
            return labelled(i, why);
        }
        let plans = self.plan.iter().chain(self.batch.plans.iter());
        for plan in plans {
            if let Some(e) = plan.errors.first() {
                return match FIELDS.iter().position(|f| f.0 == e.field) {
                    Some(i) => labelled(i, &e.message),
                    None if plan.pod == self.pod => format!("not sent: {}", e.message),
                    None => format!("not sent: {}/{}: {}", plan.namespace, plan.pod, e.message),
                };
            }
        }
        "not sent: nothing to change".into()
    }

    /// Handles one key. The caller replans afterwards when inputs changed.
    pub fn on_key(&mut self, key: KeyEvent) -> EditorOutcome {
        match (&self.stage, lookup(EDITOR, key)) {
            (Stage::Sending, _) => EditorOutcome::Stay,
            (Stage::Confirm, Some(EditorCommand::Submit)) => {
                if self.sendable() {
                    self.stage = Stage::Sending;
                    EditorOutcome::Submit(self.all_plans())
                } else {
                    self.stage = Stage::Editing;
                    EditorOutcome::Stay
                }
            }
            (Stage::Confirm, Some(EditorCommand::MakeRoom)) => match &self.plan {
                Some(plan)
                    if self.sendable()
                        && matches!(plan.prediction, Prediction::Deferred { .. }) =>
                {
                    EditorOutcome::MakeRoom(Box::new(plan.clone()))
                }
                _ => {
                    self.stage = Stage::Editing;
                    EditorOutcome::Stay
                }
            },
            (Stage::Confirm, _) => {
                self.stage = Stage::Editing;
                EditorOutcome::Stay
            }
            (Stage::Editing, Some(EditorCommand::Close)) => EditorOutcome::Close,
            (Stage::Editing, Some(EditorCommand::FillRecommended)) => {
                EditorOutcome::WantsRecommendation
            }
            (Stage::Editing, Some(EditorCommand::Submit)) => {
                if self.sendable() {
                    self.stage = Stage::Confirm;
                    self.not_sent = None;
                } else {
                    self.not_sent = Some(self.why_not_sendable());
                }
                EditorOutcome::Stay
            }
            (Stage::Editing, Some(EditorCommand::NextField)) => {
                self.focus = (self.focus + 1) % FIELDS.len();
                self.overwrite = Prefilled::armed();
                EditorOutcome::Stay
            }
            (Stage::Editing, Some(EditorCommand::PreviousField)) => {
                self.focus = (self.focus + FIELDS.len() - 1) % FIELDS.len();
                self.overwrite = Prefilled::armed();
                EditorOutcome::Stay
            }
            // `~` puts the field back to its desired value.
            (Stage::Editing, Some(EditorCommand::ResetField)) => {
                let value = self.original.exact_value(self.focus);
                self.inputs[self.focus] =
                    LineEdit::new(value.map_or_else(String::new, |q| q.canonical()));
                self.overwrite = Prefilled::armed();
                self.touched[self.focus] = false;
                self.server_error = None;
                EditorOutcome::Stay
            }
            (Stage::Editing, _) => {
                self.edit_field(key);
                EditorOutcome::Stay
            }
        }
    }
}
