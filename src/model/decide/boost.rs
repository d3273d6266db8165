//! A timed boost: raise a container's CPU or memory now, put the exact old values back when the
//! pod turns Ready or a deadline passes. The plan travels on the pod as the annotation
//! `podsize.dev/boost` so that any podsize, not only the one that started it, can revert it.
//! Pure: parsing, serialising and deciding; sending lives in `cluster::boost`.

use crate::model::ground::quantity::{Quantity, cpu_canonical, memory_canonical};
use crate::model::ground::resources::{CpuMem, ResourceSpec};
use crate::model::ground::time::parse_k8s_time;
use crate::model::pods::row::PodRow;
use crate::model::rules::edit::Kind;
use crate::model::rules::patch::ExactSpec;
use crate::model::rules::plan::Edits;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The pod annotation holding a boost's plan (JSON); defined with the pod's wire form, which
/// reads it.
pub use crate::model::pods::slim::BOOST_ANNOTATION as ANNOTATION;
/// The plan format written by this podsize; another version is reported, not guessed at.
pub const FORMAT_VERSION: u32 = 1;
/// A claim older than this is taken as abandoned (its process died between claim and revert).
pub const CLAIM_TIMEOUT: TimeDelta = TimeDelta::seconds(60);
/// Right after a boost is written its resize may not have landed yet: until then, desired
/// values equal to the originals mean "not applied yet", not "already reverted".
pub const APPLY_GRACE: TimeDelta = TimeDelta::seconds(60);

/// When a boost ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Until {
    /// A fixed time after it started.
    Deadline(DateTime<Utc>),
    /// The pod's Ready condition turns True.
    Ready,
    /// The pod turns Ready or this time passes, whichever comes first: a pod that never
    /// turns Ready does not stay boosted.
    ReadyBy(DateTime<Utc>),
}

impl Until {
    /// Whether the boost ends when the pod turns Ready (so a Ready pod cannot be boosted).
    pub fn waits_for_ready(&self) -> bool {
        matches!(self, Self::Ready | Self::ReadyBy(_))
    }

    /// The latest time the boost may last, if bounded.
    pub fn bound(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Deadline(t) | Self::ReadyBy(t) => Some(*t),
            Self::Ready => None,
        }
    }

    /// `the pod is Ready`, `2026-…`, `the pod is Ready, at the latest 2026-…`.
    pub fn describe(&self) -> String {
        match self {
            Self::Ready => "the pod is Ready".into(),
            Self::Deadline(t) => time_text(*t),
            Self::ReadyBy(t) => format!("the pod is Ready, at the latest {}", time_text(*t)),
        }
    }
}

/// A process that has claimed the revert (so others stand down).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One container's boost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoostPlan {
    pub container: String,
    /// The pod's uid: a plan kept in a state file must not apply to a new pod of that name.
    pub uid: String,
    pub original: ResourceSpec,
    /// The original values exactly as the server held them (`100u`, `512M`), so the revert
    /// puts back the same quantity in the same form, not `1m` or `500000Ki`.
    pub original_exact: ExactSpec,
    pub boosted: ResourceSpec,
    pub until: Until,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub claim: Option<Claim>,
}

#[path = "boost_values.rs"]
mod values;
pub use values::{
    BOOST_FLAGS, BOOST_FORM_FIELDS, BoostInputs, boosted_spec, boosted_spec_from, exact_text,
    restart_refusal, values_text,
};

/// The annotation's JSON form: quantities and times as the API writes them, so a human
/// reading `kubectl get pod -o yaml` understands it.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Wire {
    version: u32,
    container: String,
    #[serde(default)]
    uid: String,
    original: WireValues,
    boosted: WireValues,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deadline: Option<String>,
    #[serde(default)]
    until_ready: bool,
    started_at: String,
    started_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claimed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claimed_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cpu_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    memory_limit: Option<String>,
}

/// Whole seconds, rounded up: a deadline written a fraction early would revert before the
/// time asked for (`--max 3s` reverted after 2.2 s).
fn time_text(t: DateTime<Utc>) -> String {
    let nanos = t.timestamp_subsec_nanos();
    let up = if nanos == 0 {
        t
    } else {
        t + TimeDelta::nanoseconds(i64::from(1_000_000_000 - nanos))
    };
    up.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn read_time(what: &str, text: &str) -> Result<DateTime<Utc>, String> {
    parse_k8s_time(text).ok_or_else(|| format!("{what} {text:?} is not an RFC 3339 time"))
}

impl WireValues {
    fn from_exact(e: &ExactSpec) -> Self {
        let text = |q: Option<Quantity>| q.map(|q| q.canonical());
        Self {
            cpu_request: text(e[0]),
            cpu_limit: text(e[1]),
            memory_request: text(e[2]),
            memory_limit: text(e[3]),
        }
    }

    /// The texts podsize would not write itself (`100u`, `512M`) as exact quantities; one
    /// that does not parse is left to `to_spec` to report.
    fn to_exact(&self) -> ExactSpec {
        let parse = |t: &Option<String>, kind: Kind| {
            let q = Quantity::parse(t.as_deref()?).ok()?;
            let own = kind.quantity(kind.value(&q)).canonical();
            (q.canonical() != own).then_some(q)
        };
        [
            parse(&self.cpu_request, Kind::Cpu),
            parse(&self.cpu_limit, Kind::Cpu),
            parse(&self.memory_request, Kind::Memory),
            parse(&self.memory_limit, Kind::Memory),
        ]
    }

    fn from_spec(s: &ResourceSpec) -> Self {
        Self {
            cpu_request: s.requests.cpu_millis.map(cpu_canonical),
            cpu_limit: s.limits.cpu_millis.map(cpu_canonical),
            memory_request: s.requests.memory_bytes.map(memory_canonical),
            memory_limit: s.limits.memory_bytes.map(memory_canonical),
        }
    }

    fn to_spec(&self, what: &str) -> Result<ResourceSpec, String> {
        let read = |v: &Option<String>, kind: Kind| -> Result<Option<i64>, String> {
            let Some(text) = v else { return Ok(None) };
            let q = Quantity::parse(text).map_err(|e| format!("{what}: {e}"))?;
            Ok(Some(match kind {
                Kind::Cpu => q.millis(),
                Kind::Memory => q.units(),
            }))
        };
        Ok(ResourceSpec {
            requests: CpuMem {
                cpu_millis: read(&self.cpu_request, Kind::Cpu)?,
                memory_bytes: read(&self.memory_request, Kind::Memory)?,
            },
            limits: CpuMem {
                cpu_millis: read(&self.cpu_limit, Kind::Cpu)?,
                memory_bytes: read(&self.memory_limit, Kind::Memory)?,
            },
        })
    }
}

impl BoostPlan {
    /// The original values as a resize puts them back: exactly as the server held them.
    pub fn original_edits(&self) -> Edits {
        Edits {
            exact: self.original_exact,
            ..Edits::from_spec(&self.original)
        }
    }

    /// The annotation's value.
    pub fn to_annotation(&self) -> String {
        let (deadline, until_ready) = match self.until {
            Until::Deadline(t) => (Some(time_text(t)), false),
            Until::Ready => (None, true),
            Until::ReadyBy(t) => (Some(time_text(t)), true),
        };
        let wire = Wire {
            version: FORMAT_VERSION,
            container: self.container.clone(),
            uid: self.uid.clone(),
            original: WireValues::from_exact(&self.original_edits().exact_spec()),
            boosted: WireValues::from_spec(&self.boosted),
            deadline,
            until_ready,
            started_at: time_text(self.started_at),
            started_by: self.started_by.clone(),
            claimed_by: self.claim.as_ref().map(|c| c.by.clone()),
            claimed_at: self.claim.as_ref().map(|c| time_text(c.at)),
        };
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads an annotation value; a foreign or older format is an error with the reason.
    pub fn from_annotation(text: &str) -> Result<Self, String> {
        let wire: Wire = serde_json::from_str(text)
            .map_err(|e| format!("{ANNOTATION} is not a podsize boost plan: {e}"))?;
        if wire.version != FORMAT_VERSION {
            return Err(format!(
                "{ANNOTATION} has format version {} (this podsize reads {FORMAT_VERSION})",
                wire.version
            ));
        }
        // Both set: Ready or the deadline, whichever comes first (`--until-ready --max`).
        let until = match (&wire.deadline, wire.until_ready) {
            (Some(d), false) => Until::Deadline(read_time("deadline", d)?),
            (Some(d), true) => Until::ReadyBy(read_time("deadline", d)?),
            (None, true) => Until::Ready,
            (None, false) => {
                return Err(format!("{ANNOTATION} needs a deadline, untilReady or both"));
            }
        };
        let claim = match (&wire.claimed_by, &wire.claimed_at) {
            (Some(by), Some(at)) => Some(Claim {
                by: by.clone(),
                at: read_time("claimedAt", at)?,
            }),
            _ => None,
        };
        Ok(Self {
            container: wire.container,
            uid: wire.uid,
            original: wire.original.to_spec("original")?,
            original_exact: wire.original.to_exact(),
            boosted: wire.boosted.to_spec("boosted")?,
            until,
            started_at: read_time("startedAt", &wire.started_at)?,
            started_by: wire.started_by,
            claim,
        })
    }

    /// What to show: `⇡ boost 4m12s` or `⇡ boost until ready`.
    pub fn badge(&self, now: DateTime<Utc>) -> String {
        match self.until {
            Until::Ready => "⇡ boost until ready".into(),
            Until::Deadline(t) | Until::ReadyBy(t) if t <= now => "⇡ boost due".into(),
            Until::ReadyBy(_) => "⇡ boost until ready".into(),
            Until::Deadline(t) => format!("⇡ boost {}", short_left(t - now)),
        }
    }

    /// The badge for a narrow cell: `⇡ until ready`, `⇡ 4m12s`, `⇡ due`.
    pub fn short_badge(&self, now: DateTime<Utc>) -> String {
        self.badge(now).replacen("⇡ boost ", "⇡ ", 1)
    }
}

/// Time left as `1m05s` / `42s` / `2h10m`.
fn short_left(left: TimeDelta) -> String {
    let s = left.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3_600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3_600, s % 3_600 / 60),
    }
}

/// What a podsize seeing a boost should do now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Not yet: the pod is not Ready / the deadline is ahead / another process holds the claim.
    Wait(String),
    /// Send the original values back.
    Revert(ResourceSpec),
    /// Do not revert; remove the plan, and say why.
    StandDown(String),
}

/// Why a revert must not be sent, when the container's desired values are no longer the
/// boosted ones (nor the originals): someone changed them during the boost, and that change
/// wins. Judged again on the read made after the claim, whose resourceVersion the revert
/// then carries.
pub fn changed_by_hand(plan: &BoostPlan, pod: &PodRow) -> Option<String> {
    let c = pod.container(&plan.container)?;
    (c.desired != plan.boosted && c.desired != plan.original).then(|| {
        format!(
            "not reverted: {} was changed by hand during the boost (now {}, boosted {}); the manual change wins",
            plan.container,
            values_text(&c.desired),
            values_text(&plan.boosted)
        )
    })
}

/// Whether the boost on `pod` is due for a revert at `now`. Reverts only while the container's
/// desired values are still the boosted ones: a manual change made in between wins.
pub fn revert_due(plan: &BoostPlan, pod: &PodRow, now: DateTime<Utc>) -> Decision {
    if !plan.uid.is_empty() && !pod.uid.is_empty() && plan.uid != pod.uid {
        return Decision::StandDown("the plan is for an earlier pod of this name".into());
    }
    let Some(c) = pod.container(&plan.container) else {
        return Decision::StandDown(format!("container {:?} is gone", plan.container));
    };
    let fresh_claim = plan
        .claim
        .as_ref()
        .filter(|claim| now - claim.at < CLAIM_TIMEOUT);
    if c.desired == plan.original {
        // The claimer has sent the revert and is about to remove the plan: its revert, its
        // plan to remove.
        if let Some(claim) = fresh_claim {
            return Decision::Wait(format!("{} is reverting it", claim.by));
        }
        if now - plan.started_at < APPLY_GRACE && plan.claim.is_none() {
            return Decision::Wait("the boost has not landed yet".into());
        }
        return Decision::StandDown("already back at the original values".into());
    }
    if let Some(why) = changed_by_hand(plan, pod) {
        return Decision::StandDown(why);
    }
    if let Some(claim) = fresh_claim {
        return Decision::Wait(format!("{} is reverting it", claim.by));
    }
    match plan.until {
        Until::Deadline(t) if now < t => Decision::Wait(format!("{} left", short_left(t - now))),
        Until::Ready if !pod.ready => Decision::Wait("waiting for the pod to be Ready".into()),
        Until::ReadyBy(t) if !pod.ready && now < t => Decision::Wait(format!(
            "waiting for the pod to be Ready ({} at most)",
            short_left(t - now)
        )),
        _ => Decision::Revert(plan.original),
    }
}

/// The boost of one container for `get -o json`: `null`, the plan, or `{"error": ...}` for an
/// annotation that cannot be read.
pub fn json_of(pod: &PodRow, container: &str) -> serde_json::Value {
    let Some(text) = pod.boost.as_deref() else {
        return serde_json::Value::Null;
    };
    match BoostPlan::from_annotation(text) {
        Ok(plan) if plan.container == container => {
            serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
        }
        Ok(_) => serde_json::Value::Null,
        Err(e) => serde_json::json!({ "error": e }),
    }
}

#[cfg(test)]
#[path = "boost_tests.rs"]
mod tests;
