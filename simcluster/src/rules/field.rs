//! Field errors as apimachinery's `field.Error` renders them, for the simulator's Status bodies.

use std::fmt;

/// The kind of a field error (`field.ErrorType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Invalid value: "<value>": <detail>`
    Invalid(String),
    /// `Forbidden: <detail>`
    Forbidden,
    /// `Required value`
    Required,
}

/// One validation error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Field path; apimachinery prints the empty root path as `[]`.
    pub field: String,
    /// Invalid / Forbidden / Required.
    pub kind: Kind,
    /// Text after the kind.
    pub detail: String,
}

impl FieldError {
    /// `Invalid value` error.
    pub fn invalid(field: impl Into<String>, value: impl Into<String>, detail: &str) -> Self {
        Self {
            field: field.into(),
            kind: Kind::Invalid(value.into()),
            detail: detail.to_string(),
        }
    }

    /// `Forbidden` error.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: Kind::Forbidden,
            detail: detail.into(),
        }
    }

    /// `Required value` error.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            kind: Kind::Required,
            detail: String::new(),
        }
    }

    /// `StatusCause.reason`.
    pub fn reason(&self) -> &'static str {
        match self.kind {
            Kind::Invalid(_) => "FieldValueInvalid",
            Kind::Forbidden => "FieldValueForbidden",
            Kind::Required => "FieldValueRequired",
        }
    }

    /// `StatusCause.message`: the error without its field.
    pub fn message(&self) -> String {
        match &self.kind {
            Kind::Invalid(v) => format!("Invalid value: {}: {}", go_quote(v), self.detail),
            Kind::Forbidden => format!("Forbidden: {}", self.detail),
            Kind::Required => "Required value".into(),
        }
    }
}

/// Go's `%q` for the plain strings that appear here.
fn go_quote(v: &str) -> String {
    format!("{v:?}")
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

/// `Kind "name" is invalid: e` or `... [e1, e2]`, as `errors.NewInvalid` writes it.
pub fn invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let body = match errors {
        [one] => one.to_string(),
        many => {
            let parts: Vec<String> = many.iter().map(ToString::to_string).collect();
            format!("[{}]", parts.join(", "))
        }
    };
    format!("{kind} {name:?} is invalid: {body}")
}
