//! One resource (CPU or memory) of a container through the rule: the wanted request from the
//! figures, raised to the floors, held where a decrease is not allowed, then shaped so the
//! container keeps its QoS class. Split from `recommend` so each file keeps one job.

/// `value` rounded up to a multiple of `step`, saturating.
pub(super) fn round_up(value: i64, step: i64) -> i64 {
    if step <= 1 {
        return value;
    }
    value.saturating_add(step - 1) / step * step
}

/// `value × (100 + percent) / 100`, rounded up, saturating.
pub(super) fn plus_percent(value: i64, percent: i64) -> i64 {
    let scaled = i128::from(value) * i128::from(100 + percent);
    i64::try_from((scaled + 99) / 100).unwrap_or(i64::MAX)
}

fn within_deadband(current: i64, target: i64, percent: i64) -> bool {
    let diff = (i128::from(target) - i128::from(current)).abs();
    diff * 100 <= i128::from(current) * i128::from(percent)
}

/// What the rule knows about one resource, in its unit (millicores or bytes).
pub(super) struct Resource<'a> {
    pub label: &'a str,
    pub current_request: Option<i64>,
    pub current_limit: Option<i64>,
    /// The request the figures ask for (margin included), and the words for it.
    pub wanted: Option<(i64, String)>,
    /// What a container whose request equals its limit is sized from (the peak plus the
    /// margin): it can never borrow above its limit, so a percentile would throttle it.
    pub high: Option<i64>,
    /// Never below this (current use or the peak, plus the margin), whatever the source says.
    pub floor: Option<(i64, String)>,
    /// A limit is never below this (the peak plus the margin, an OOM bump, a throttling raise).
    pub limit_floor: Option<(i64, String)>,
    /// Why a decrease is not allowed, if it is not.
    pub hold: Option<String>,
    pub step: i64,
    pub min: i64,
    pub deadband_percent: i64,
    pub show: fn(i64) -> String,
    /// The server refuses lowering this limit (1.33 memory without RestartContainer).
    pub limit_fixed_below: bool,
    /// Whether the outcome is worded (see `recommend_figures`).
    pub say: super::recommend_words::Say,
}

/// The new request and limit of one resource, the line that says why, and whether a decrease
/// the figures asked for was held back.
pub(super) struct Outcome {
    pub request: Option<i64>,
    pub limit: Option<i64>,
    pub text: String,
    pub held: bool,
    /// The request the figures and floors ask for, before the deadband and the gate.
    pub wanted: Option<i64>,
}

fn outcome(request: Option<i64>, limit: Option<i64>, text: String, held: bool) -> Outcome {
    Outcome {
        request,
        limit,
        text,
        held,
        wanted: None,
    }
}

/// A limit for `request` in a container whose limit was above its request: kept, unless the
/// request reaches it (then raised by the old ratio) or the floor asks for more; always
/// strictly above the request, so no container becomes Guaranteed by accident.
fn burstable_limit(r: &Resource, request: i64, current: i64, limit: i64) -> i64 {
    let mut new = limit;
    if request >= limit {
        let ratio = i128::from(request) * i128::from(limit) / i128::from(current.max(1));
        new = round_up(i64::try_from(ratio).unwrap_or(i64::MAX), r.step);
    }
    if let Some((floor, _)) = &r.limit_floor {
        new = new.max(round_up(*floor, r.step));
    }
    new.max(request.saturating_add(r.step.max(1)))
}

pub(super) fn one_resource(r: &Resource) -> Outcome {
    let keep = (r.current_request, r.current_limit);
    // The request the server holds: a missing one is defaulted from the limit. A zero request
    // is left alone: giving one could change the pod's QoS class.
    let current = match r.current_request.or(r.current_limit) {
        Some(c) if c > 0 => c,
        _ => {
            let text = r.say.text(|| {
                format!(
                    "{}: no request to adjust (adding one could change the QoS class)",
                    r.label
                )
            });
            return outcome(keep.0, keep.1, text, false);
        }
    };
    let guaranteed = r.current_limit.is_some_and(|l| l <= current);
    let (base, mut why) = match (&r.wanted, r.high) {
        (Some((_, why)), Some(high)) if guaranteed => (
            Some(high),
            r.say
                .text(|| format!("{why}; request = limit, so from the peak")),
        ),
        (Some((w, why)), _) => (Some(*w), why.clone()),
        (None, _) => (None, String::new()),
    };
    let mut wanted = base.unwrap_or(0);
    let guaranteed_floor = if guaranteed {
        r.limit_floor.clone()
    } else {
        None
    };
    for (floor, words) in r.floor.iter().chain(guaranteed_floor.iter()) {
        if *floor > wanted {
            wanted = *floor;
            why = if !r.say.0 {
                String::new()
            } else if why.is_empty() {
                words.clone()
            } else {
                format!("{why}; {words}")
            };
        }
    }
    if base.is_none() && wanted == 0 {
        return outcome(
            keep.0,
            keep.1,
            r.say.text(|| format!("{}: no usage figures", r.label)),
            false,
        );
    }
    let mut request = round_up(wanted.max(r.min), r.step);
    let asked = request;
    let mut notes = Vec::new();
    let mut held = false;
    if request != current && within_deadband(current, request, r.deadband_percent) {
        notes.push(r.say.text(|| {
            format!(
                "{} is within {}% of the request {}",
                (r.show)(request),
                r.deadband_percent,
                (r.show)(current)
            )
        }));
        request = current;
    } else if request < current
        && let Some(hold) = &r.hold
    {
        notes.push(
            r.say
                .text(|| format!("{} → {} held: {hold}", (r.show)(current), (r.show)(request))),
        );
        request = current;
        held = true;
    }
    let limit = match r.current_limit {
        None => None,
        Some(_) if guaranteed => Some(request),
        Some(limit) => Some(burstable_limit(r, request, current, limit)),
    };
    if r.limit_fixed_below
        && let (Some(new), Some(old)) = (limit, r.current_limit)
        && new < old
    {
        let text = r.say.text(|| format!(
            "{}: {why} → {}, but this server does not lower a memory limit unless resizePolicy is RestartContainer: unchanged",
            r.label,
            (r.show)(request)
        ));
        return outcome(keep.0, keep.1, text, held);
    }
    let text = r.say.text(|| {
        let mut text = format!("{}: {why}", r.label);
        for note in &notes {
            text.push_str(&format!("; {note}"));
        }
        if request != current {
            text.push_str(&format!(
                "; request {} → {}",
                (r.show)(current),
                (r.show)(request)
            ));
        }
        if limit != r.current_limit
            && let Some(l) = limit
        {
            if let (Some((_, words)), false) = (&r.limit_floor, guaranteed) {
                text.push_str(&format!("; {words}"));
            }
            text.push_str(&format!(", limit → {}", (r.show)(l)));
        }
        if request == current && limit == r.current_limit {
            text.push_str(": unchanged");
        }
        text
    });
    if request == current && limit == r.current_limit {
        return Outcome {
            wanted: Some(asked),
            ..outcome(keep.0, keep.1, text, held)
        };
    }
    // A request that was only defaulted from the limit is written out as it is now.
    Outcome {
        wanted: Some(asked),
        ..outcome(Some(request), limit, text, held)
    }
}
