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
    /// `Unsupported value: "<value>": supported values: "a", "b"`
    NotSupported(String, Vec<String>),
    /// `Duplicate value: "<value>"`
    Duplicate(String),
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

    /// `Unsupported value` error (`field.NotSupported`).
    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        Self {
            field: field.into(),
            kind: Kind::NotSupported(
                value.into(),
                supported.iter().map(|s| s.to_string()).collect(),
            ),
            detail: String::new(),
        }
    }

    /// `Duplicate value` error.
    pub fn duplicate(field: impl Into<String>, value: &str) -> Self {
        Self {
            field: field.into(),
            kind: Kind::Duplicate(value.into()),
            detail: String::new(),
        }
    }

    /// `StatusCause.reason`.
    pub fn reason(&self) -> &'static str {
        match self.kind {
            Kind::Invalid(_) => "FieldValueInvalid",
            Kind::Forbidden => "FieldValueForbidden",
            Kind::Required => "FieldValueRequired",
            Kind::NotSupported(..) => "FieldValueNotSupported",
            Kind::Duplicate(_) => "FieldValueDuplicate",
        }
    }

    /// `StatusCause.message`: the error without its field.
    pub fn message(&self) -> String {
        match &self.kind {
            Kind::Invalid(v) => format!("Invalid value: {}: {}", go_quote(v), self.detail),
            Kind::Forbidden => format!("Forbidden: {}", self.detail),
            Kind::Required if self.detail.is_empty() => "Required value".into(),
            Kind::Required => format!("Required value: {}", self.detail),
            Kind::NotSupported(v, supported) => {
                let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
                format!(
                    "Unsupported value: {}: supported values: {}",
                    go_quote(v),
                    list.join(", ")
                )
            }
            Kind::Duplicate(v) => format!("Duplicate value: {}", go_quote(v)),
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
