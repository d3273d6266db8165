//! The resize editor's form: four fields, a plan recomputed on every keystroke, a confirm
//! step showing the exact patch, then a submit effect. Pure: no I/O.

use crate::model::PodRow;
use crate::model::edit::{Kind, parse_field};
use crate::model::events::NodeInfo;
use crate::model::plan::{Edits, Field, ResizePlan, plan_resize};
use crate::model::resources::CpuMem;
use crossterm::event::{KeyCode, KeyEvent};

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
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// What the user typed, one per field of `FIELDS`.
    pub inputs: [String; 4],
    /// The desired values when the editor opened (relative edits apply to these).
    pub original: Edits,
    pub focus: usize,
    /// The next typed character replaces the field (as when a field is selected on entry).
    pub overwrite: bool,
    pub stage: Stage,
    /// Per-field input errors (bad quantity), by field index.
    pub input_errors: [Option<String>; 4],
    pub plan: Option<ResizePlan>,
    /// The server's refusal of the last attempt, verbatim.
    pub server_error: Option<String>,
}

/// What the editor asks of the app after a key.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorOutcome {
    Stay,
    Close,
    Submit(Box<ResizePlan>),
}

fn text_of(value: Option<i64>, kind: Kind) -> String {
    match (value, kind) {
        (None, _) => String::new(),
        (Some(v), Kind::Cpu) => crate::model::quantity::cpu_canonical(v),
        (Some(v), Kind::Memory) => crate::model::quantity::memory_canonical(v),
    }
}

fn original_value(edits: &Edits, i: usize) -> Option<i64> {
    [
        edits.cpu_request,
        edits.cpu_limit,
        edits.memory_request,
        edits.memory_limit,
    ][i]
}

/// Context the plan needs from the rest of the app.
pub struct PlanContext<'a> {
    pub pod: &'a PodRow,
    pub minor: u32,
    pub node: Option<&'a NodeInfo>,
    pub others_on_node: CpuMem,
}

impl EditorState {
    pub fn open(pod: &PodRow, container: &str) -> Option<Self> {
        let c = pod.container(container)?;
        let original = Edits::from_spec(&c.desired);
        let inputs = std::array::from_fn(|i| text_of(original_value(&original, i), FIELDS[i].2));
        Some(Self {
            namespace: pod.namespace.clone(),
            pod: pod.name.clone(),
            container: container.to_string(),
            inputs,
            original,
            focus: 0,
            overwrite: true,
            stage: Stage::Editing,
            input_errors: Default::default(),
            plan: None,
            server_error: None,
        })
    }

    /// Reads the inputs and works out the plan; input errors are kept per field.
    pub fn replan(&mut self, ctx: &PlanContext) {
        let mut edits = self.original;
        let mut ok = true;
        for (i, (_, _, kind)) in FIELDS.iter().enumerate() {
            match parse_field(&self.inputs[i], original_value(&self.original, i), *kind) {
                Ok(value) => {
                    self.input_errors[i] = None;
                    match i {
                        0 => edits.cpu_request = value,
                        1 => edits.cpu_limit = value,
                        2 => edits.memory_request = value,
                        _ => edits.memory_limit = value,
                    }
                }
                Err(e) => {
                    self.input_errors[i] = Some(e);
                    ok = false;
                }
            }
        }
        self.plan = ok.then(|| {
            plan_resize(
                ctx.pod,
                &self.container,
                edits,
                ctx.minor,
                ctx.node,
                ctx.others_on_node,
            )
        });
    }

    pub fn sendable(&self) -> bool {
        self.plan.as_ref().is_some_and(ResizePlan::is_sendable)
    }

    /// Handles one key. The caller replans afterwards when inputs changed.
    pub fn on_key(&mut self, key: KeyEvent) -> EditorOutcome {
        match (&self.stage, key.code) {
            (Stage::Sending, _) => EditorOutcome::Stay,
            (Stage::Confirm, KeyCode::Enter) => match &self.plan {
                Some(plan) if plan.is_sendable() => {
                    self.stage = Stage::Sending;
                    EditorOutcome::Submit(Box::new(plan.clone()))
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
            (Stage::Editing, KeyCode::Esc) => EditorOutcome::Close,
            (Stage::Editing, KeyCode::Enter) => {
                if self.sendable() {
                    self.stage = Stage::Confirm;
                }
                EditorOutcome::Stay
            }
            (Stage::Editing, KeyCode::Tab | KeyCode::Down) => {
                self.focus = (self.focus + 1) % FIELDS.len();
                self.overwrite = true;
                EditorOutcome::Stay
            }
            (Stage::Editing, KeyCode::BackTab | KeyCode::Up) => {
                self.focus = (self.focus + FIELDS.len() - 1) % FIELDS.len();
                self.overwrite = true;
                EditorOutcome::Stay
            }
            (Stage::Editing, KeyCode::Backspace) => {
                self.overwrite = false;
                self.inputs[self.focus].pop();
                self.server_error = None;
                EditorOutcome::Stay
            }
            (Stage::Editing, KeyCode::Char(c)) => {
                // `~` puts the field back to its desired value.
                if c == '~' {
                    self.inputs[self.focus] = text_of(
                        original_value(&self.original, self.focus),
                        FIELDS[self.focus].2,
                    );
                    self.overwrite = true;
                } else {
                    if self.overwrite {
                        self.inputs[self.focus].clear();
                        self.overwrite = false;
                    }
                    self.inputs[self.focus].push(c);
                }
                self.server_error = None;
                EditorOutcome::Stay
            }
            _ => EditorOutcome::Stay,
        }
    }
}
