//! The values of a boost: what the container is raised to, how it reads in a plan, and
//! whether a boost may be sent at all (a restart on resize is not something to do twice
//! behind a person's back).

use crate::model::ground::quantity::{cpu_canonical, memory_canonical};
use crate::model::ground::resources::ResourceSpec;
use crate::model::rules::edit::{Kind, parse_field};
use crate::model::rules::plan::ResizePlan;

/// `cpu 500m/1 memory 256Mi/512Mi` (request/limit).
pub fn values_text(s: &ResourceSpec) -> String {
    let cpu = |v: Option<i64>| v.map_or_else(|| "-".into(), cpu_canonical);
    let mem = |v: Option<i64>| v.map_or_else(|| "-".into(), memory_canonical);
    format!(
        "cpu {}/{} memory {}/{}",
        cpu(s.requests.cpu_millis),
        cpu(s.limits.cpu_millis),
        mem(s.requests.memory_bytes),
        mem(s.limits.memory_bytes)
    )
}

/// [`values_text`] of exact values, as the patch writes them (`2G` stays `2G`).
pub fn exact_text(s: &crate::model::rules::patch::ExactSpec) -> String {
    let t = |i: usize| s[i].map_or_else(|| "-".into(), |q| q.canonical());
    format!("cpu {}/{} memory {}/{}", t(0), t(1), t(2), t(3))
}

/// What a boost's inputs are called where they were typed, so a refusal names what the
/// person sees: the command's flags, or the boost form's fields (which have no `--cpu`).
pub struct BoostInputs {
    pub cpu: &'static str,
    pub memory: &'static str,
    /// Where a request is lowered instead, since a boost only raises.
    pub to_lower: &'static str,
}

/// `podsize boost --cpu … --memory …`.
pub const BOOST_FLAGS: BoostInputs = BoostInputs {
    cpu: "--cpu",
    memory: "--memory",
    to_lower: "use podsize resize to lower it",
};

/// The dashboard's boost form (`b`).
pub const BOOST_FORM_FIELDS: BoostInputs = BoostInputs {
    cpu: "CPU request",
    memory: "memory request",
    to_lower: "lower it in the editor (e)",
};

/// Raises one resource's request to `input` (`Q`, `+N%`, `xN`, read relative to the current
/// request) and scales its limit, when set, by the same ratio: a Guaranteed container stays
/// Guaranteed, a Burstable one keeps its headroom, and the request never exceeds the limit.
fn raise(
    request: Option<i64>,
    limit: Option<i64>,
    input: &str,
    kind: Kind,
    flag: &str,
    to_lower: &str,
) -> Result<(Option<i64>, Option<i64>), String> {
    let Some(current) = request.or(limit) else {
        return Err(format!(
            "{flag}: the container has no request; a boost would change its QoS class"
        ));
    };
    let new = parse_field(input, Some(current), kind)
        .map_err(|e| format!("{flag}: {e}"))?
        .ok_or_else(|| format!("{flag}: a boost needs a value"))?;
    if new <= current {
        return Err(format!(
            "{flag}: {input:?} does not raise the request; {to_lower}"
        ));
    }
    let limit = match limit {
        Some(l) if current > 0 => {
            let scaled = i128::from(l) * i128::from(new);
            let ceil = (scaled + i128::from(current) - 1) / i128::from(current);
            Some(i64::try_from(ceil).map_err(|_| format!("{flag}: {input:?} is too large"))?)
        }
        other => other,
    };
    Ok((Some(new), limit))
}

/// The boosted values of a container whose desired values are `current`, as `podsize boost`
/// reads its flags.
pub fn boosted_spec(
    current: &ResourceSpec,
    cpu: Option<&str>,
    memory: Option<&str>,
) -> Result<ResourceSpec, String> {
    boosted_spec_from(current, cpu, memory, &BOOST_FLAGS)
}

/// [`boosted_spec`] with its refusals naming the inputs as `names` calls them.
pub fn boosted_spec_from(
    current: &ResourceSpec,
    cpu: Option<&str>,
    memory: Option<&str>,
    names: &BoostInputs,
) -> Result<ResourceSpec, String> {
    if cpu.is_none() && memory.is_none() {
        return Err(format!(
            "say what to raise: {} and/or {}",
            names.cpu, names.memory
        ));
    }
    let mut out = *current;
    if let Some(input) = cpu {
        let (r, l) = raise(
            current.requests.cpu_millis,
            current.limits.cpu_millis,
            input,
            Kind::Cpu,
            names.cpu,
            names.to_lower,
        )?;
        (out.requests.cpu_millis, out.limits.cpu_millis) = (r, l);
    }
    if let Some(input) = memory {
        let (r, l) = raise(
            current.requests.memory_bytes,
            current.limits.memory_bytes,
            input,
            Kind::Memory,
            names.memory,
            names.to_lower,
        )?;
        (out.requests.memory_bytes, out.limits.memory_bytes) = (r, l);
    }
    Ok(out)
}

/// Why a boost of a container that restarts on resize (`resizePolicy` RestartContainer) is not
/// sent: the boost and its revert would each restart it, in the middle of its start-up. Only
/// an explicit `allow` (the `--allow-restart` flag) lets it through.
pub fn restart_refusal(resize: &ResizePlan, allow: bool) -> Option<String> {
    (resize.restarts && !allow).then(|| {
        format!(
            "container {} restarts on a resize (resizePolicy RestartContainer): the boost and its revert would restart it twice; podsize boost --allow-restart boosts it anyway",
            resize.container
        )
    })
}
