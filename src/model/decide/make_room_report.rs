//! What sending a make-room plan did: the shrinks in place, the one refused, the ones put back
//! and any that could not be: a plan is never left half-applied without saying so.

use crate::model::rules::plan::Accepted;

#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The shrinks in place at the end, by index into the plan, with the server's answer.
    pub sent: Vec<(usize, Accepted)>,
    /// Why sending stopped, when it did.
    pub refused: Option<String>,
    /// Victims (namespace/name) given their original values back after the refusal.
    pub put_back: Vec<String>,
    /// Victims that keep their shrunk values, with what they keep and why.
    pub kept: Vec<String>,
}

impl Report {
    pub fn complete(&self) -> bool {
        self.refused.is_none()
    }

    /// One sentence of what happened after a refusal (empty when everything was sent).
    pub fn describe(&self) -> String {
        let Some(refused) = &self.refused else {
            return String::new();
        };
        let mut text = refused.clone();
        if !self.put_back.is_empty() {
            text.push_str(&format!(
                "; put back to their original values: {}",
                self.put_back.join(", ")
            ));
        }
        if !self.kept.is_empty() {
            text.push_str(&format!(
                "; NOT put back (still shrunk): {}",
                self.kept.join("; ")
            ));
        }
        if self.put_back.is_empty() && self.kept.is_empty() {
            text.push_str("; nothing had been sent, nothing changed");
        }
        text
    }
}
