//! The `b` form: boost the selected container — what to raise (CPU, memory), by how much
//! (`2`, `+50%`, `x2`) and until when (`ready` or a duration). The plan is recomputed on every
//! key with the editor's validation and prediction; Enter shows the exact patch, a second
//! Enter sends it (dry run first, then the plan annotation, then the resize). Pure: no I/O.

use super::AppState;
use super::keymap::{EDITOR, EditorCommand, lookup};
use super::line_edit::{LineEdit, Prefilled};
use crate::model::decide::boost::{BOOST_FORM_FIELDS, BoostPlan, Until, boosted_spec_from};
use crate::model::rules::plan::{Edits, ResizePlan, plan_resize};
use crate::model::{PodRow, rules::plan::Accepted, rules::plan::ResizeRejected};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

pub const LABELS: [&str; 3] = ["CPU request", "memory request", "until"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Editing,
    Confirm,
    Sending,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BoostForm {
    pub cluster: crate::model::pods::row::ClusterId,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub inputs: [LineEdit; 3],
    pub focus: usize,
    /// The focused field holds a value put in for the user: the first typed character
    /// replaces it, as in the editor.
    pub prefilled: Prefilled,
    pub stage: Stage,
    pub resize: Option<ResizePlan>,
    pub boost: Option<BoostPlan>,
    pub error: Option<String>,
    /// The preflight's findings for the boost (old runtime, HPA, what was not checked);
    /// its refusals are in the resize plan's errors.
    pub preflight: Vec<String>,
}

/// `ready`, `ready 10m` (Ready or ten minutes, whichever comes first, as `--until-ready
/// --max 10m`; `ready max 10m` reads the same) or a duration from now.
fn until_of(text: &str, now: DateTime<Utc>) -> Result<Until, String> {
    let after = |text: &str| -> Result<DateTime<Utc>, String> {
        let d = crate::model::ground::time::parse_duration(text)?;
        let d = chrono::TimeDelta::from_std(d).map_err(|_| "too long".to_string())?;
        Ok(now + d)
    };
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default();
    if !first.eq_ignore_ascii_case("ready") {
        return after(text.trim()).map(Until::Deadline);
    }
    match (words.next(), words.next(), words.next()) {
        (None, _, _) => Ok(Until::Ready),
        (Some(max), Some(bound), None) if max.eq_ignore_ascii_case("max") => {
            after(bound).map(Until::ReadyBy)
        }
        (Some(bound), None, _) => after(bound).map(Until::ReadyBy),
        _ => Err("until: ready, ready 10m, or a duration such as 5m".into()),
    }
}

fn optional(edit: &LineEdit) -> Option<&str> {
    Some(edit.text().trim()).filter(|t| !t.is_empty())
}

impl BoostForm {
    /// A form on `container` of `pod`: twice the CPU, until Ready but ten minutes at most (a
    /// pod that never turns Ready does not stay boosted), or 5 minutes when it is Ready.
    pub fn open(pod: &PodRow, container: &str) -> Self {
        let until = if pod.ready { "5m" } else { "ready 10m" };
        Self {
            cluster: pod.cluster,
            namespace: pod.namespace.clone(),
            pod: pod.name.clone(),
            container: container.to_string(),
            inputs: [
                LineEdit::new("x2"),
                LineEdit::default(),
                LineEdit::new(until),
            ],
            focus: 0,
            prefilled: Prefilled::armed(),
            stage: Stage::Editing,
            resize: None,
            boost: None,
            error: None,
            preflight: Vec::new(),
        }
    }

    /// Works the boost out against the pod as it is now; errors are kept for the form.
    pub fn replan(&mut self, ctx: &super::editor::PlanContext, now: DateTime<Utc>) {
        let pod = ctx.pod;
        let original = pod
            .container(&self.container)
            .map(|c| c.desired)
            .unwrap_or_default();
        let planned = until_of(self.inputs[2].text(), now).and_then(|until| {
            if pod.boost.is_some() {
                return Err("this pod already carries a boost".into());
            }
            if until.waits_for_ready() && pod.ready {
                return Err("the pod is already Ready".into());
            }
            // Refusals name the form's fields, not `podsize boost`'s flags.
            let boosted = boosted_spec_from(
                &original,
                optional(&self.inputs[0]),
                optional(&self.inputs[1]),
                &BOOST_FORM_FIELDS,
            )?;
            Ok((until, boosted))
        });
        let (until, boosted) = match planned {
            Ok(p) => p,
            Err(e) => {
                (self.error, self.resize, self.boost) = (Some(e), None, None);
                return;
            }
        };
        let resize = plan_resize(
            pod,
            &self.container,
            Edits::from_spec(&boosted),
            ctx.server.clone(),
            ctx.node,
            ctx.others_on_node,
        );
        self.error = (resize.qos_before != resize.qos_after)
            .then(|| {
                format!(
                    "the QoS class would change ({} → {})",
                    resize.qos_before, resize.qos_after
                )
            })
            // The form has no way to allow a restart: `podsize boost --allow-restart` does.
            .or_else(|| crate::model::decide::boost::restart_refusal(&resize, false));
        self.boost = Some(BoostPlan {
            container: self.container.clone(),
            uid: pod.uid.clone(),
            original,
            original_exact: pod
                .container(&self.container)
                .map(Edits::from_container)
                .unwrap_or_default()
                .exact,
            boosted,
            until,
            started_at: now,
            started_by: String::new(),
            claim: None,
        });
        self.resize = Some(resize);
    }

    pub fn sendable(&self) -> bool {
        self.error.is_none() && self.resize.as_ref().is_some_and(ResizePlan::is_sendable)
    }
}

/// What the form asks of the app after a key.
pub enum Outcome {
    Stay,
    Close,
    Send(Box<(ResizePlan, BoostPlan)>),
}

/// Handles one key of the open form.
pub fn on_key(form: &mut BoostForm, key: KeyEvent) -> Outcome {
    match (&form.stage, lookup(EDITOR, key)) {
        (Stage::Sending, _) => Outcome::Stay,
        (Stage::Confirm, Some(EditorCommand::Submit)) => match (&form.resize, &form.boost) {
            (Some(r), Some(b)) if form.sendable() => {
                form.stage = Stage::Sending;
                Outcome::Send(Box::new((r.clone(), b.clone())))
            }
            _ => {
                form.stage = Stage::Editing;
                Outcome::Stay
            }
        },
        (Stage::Confirm, _) => {
            form.stage = Stage::Editing;
            Outcome::Stay
        }
        (Stage::Editing, Some(EditorCommand::Close)) => Outcome::Close,
        (Stage::Editing, Some(EditorCommand::Submit)) => {
            if form.sendable() {
                form.stage = Stage::Confirm;
            }
            Outcome::Stay
        }
        (Stage::Editing, Some(EditorCommand::NextField)) => {
            form.focus = (form.focus + 1) % LABELS.len();
            form.prefilled = Prefilled::armed();
            Outcome::Stay
        }
        (Stage::Editing, Some(EditorCommand::PreviousField)) => {
            form.focus = (form.focus + LABELS.len() - 1) % LABELS.len();
            form.prefilled = Prefilled::armed();
            Outcome::Stay
        }
        (Stage::Editing, _) => {
            form.prefilled.handle(&mut form.inputs[form.focus], key);
            Outcome::Stay
        }
    }
}

/// The server's answer to a sent boost: followed like any resize, or the refusal shown.
pub fn on_result(
    state: &mut AppState,
    plan: &ResizePlan,
    result: Result<Accepted, ResizeRejected>,
    now: DateTime<Utc>,
) {
    state.boost_form = None;
    match result {
        Ok(accepted) => {
            state.track_accepted(plan, &accepted, now);
            state.set_status(
                format!(
                    "boost of {}/{} sent; it reverts by itself",
                    plan.namespace, plan.pod
                ),
                false,
            );
        }
        Err(e) => state.set_status(format!("boost refused: {}", e.message), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn until_reads_ready_a_bound_or_a_duration() {
        let now = DateTime::from_timestamp(0, 0).unwrap_or_default();
        let m10 = now + chrono::TimeDelta::minutes(10);
        assert_eq!(until_of("ready", now), Ok(Until::Ready));
        assert_eq!(until_of("Ready 10m", now), Ok(Until::ReadyBy(m10)));
        assert_eq!(until_of(" ready max 10m ", now), Ok(Until::ReadyBy(m10)));
        assert_eq!(until_of("10m", now), Ok(Until::Deadline(m10)));
        assert!(until_of("ready soon", now).is_err());
        assert!(until_of("ready max 1m 2m", now).is_err());
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_form_plans_reviews_then_sends() {
        let text = include_str!("../../tests/fixtures/pods/real-1.35-resize-demo.json");
        let slim: crate::model::SlimPod = serde_json::from_str(text).unwrap_or_default();
        let mut pod = PodRow::from_slim(&slim);
        pod.ready = false;
        let mut form = BoostForm::open(&pod, "c2");
        let ctx = super::super::editor::PlanContext {
            pod: &pod,
            server: crate::model::rules::plan::Server::with_minor(35),
            node: None,
            others_on_node: Default::default(),
        };
        let now = DateTime::from_timestamp(0, 0).unwrap_or_default();
        form.replan(&ctx, now);
        assert!(
            form.sendable(),
            "{:?} {:?}",
            form.error,
            form.resize.as_ref().map(|r| &r.errors)
        );
        assert_eq!(
            form.boost.as_ref().map(|b| &b.until),
            Some(&Until::ReadyBy(now + chrono::TimeDelta::minutes(10))),
            "until Ready, ten minutes at most"
        );
        assert!(matches!(
            on_key(&mut form, key(KeyCode::Enter)),
            Outcome::Stay
        ));
        assert_eq!(form.stage, Stage::Confirm);
        assert!(matches!(
            on_key(&mut form, key(KeyCode::Enter)),
            Outcome::Send(_)
        ));
        form.stage = Stage::Editing;
        form.inputs[0] = LineEdit::new("10m");
        form.replan(&ctx, now);
        assert!(
            form.error
                .as_deref()
                .is_some_and(|e| e.contains("does not raise"))
        );
        assert!(!form.sendable());
    }
}
