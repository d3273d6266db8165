//! The words a person reads for an outcome. The JSON output keeps the outcome's name (an
//! interface scripts match on, like `DryRunAccepted`); the table output says it in words.

/// `DryRunAccepted` → `accepted by the server's dry run (nothing changed)`; a name without
/// words of its own is lower-cased rather than shown in CamelCase.
pub fn outcome_words(outcome: &str) -> String {
    let words = match outcome {
        "DryRunAccepted" => "accepted by the server's dry run (nothing changed)",
        "Accepted" => "accepted",
        "Done" => "done",
        "NoPlan" => "no plan",
        "Refused" => "refused",
        "Failed" => "failed",
        "Timeout" => "timed out",
        "Boosted" => "boosted",
        "Reverted" => "reverted",
        "StoodDown" => "stood down",
        "Waiting" => "waiting",
        "Lost" => "lost",
        "GaveBack" => "gave back",
        "Infeasible" => "infeasible",
        "Error" => "error",
        other => return split_camel_case(other),
    };
    words.to_string()
}

/// `StoodDown` → `stood down`.
fn split_camel_case(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(
            outcome_words("DryRunAccepted"),
            "accepted by the server's dry run (nothing changed)"
        );
        assert_eq!(outcome_words("StoodDown"), "stood down");
        assert_eq!(outcome_words("SomethingNew"), "something new");
    }
}
