//! The errors the API answers with: `{"errors":[{"code","message"}]}` and a status code.

use serde_json::{json, Value};

/// One or more Brightpearl errors and the HTTP status they come with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {}", .errors.iter().map(|(code, message)| format!("{code}: {message}")).collect::<Vec<_>>().join("; "))]
pub struct ApiError {
    pub status: u16,
    /// `(code, message)` pairs, such as `("ORDC-005", "You have not supplied an order type code")`.
    pub errors: Vec<(String, String)>,
}

impl ApiError {
    /// One error with its status.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, errors: vec![(code.to_string(), message.into())] }
    }

    /// 400: a request Brightpearl validates and refuses.
    pub fn invalid(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(400, code, message)
    }

    /// 404 CMNC-404.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(404, "CMNC-404", message)
    }

    /// 400 CMNC-010 and the like: a body that is not what the resource takes.
    pub fn bad_body(message: impl Into<String>) -> Self {
        ApiError::new(400, "CMNC-010", message)
    }

    /// Adds another error to the same answer.
    pub fn and(mut self, code: &str, message: impl Into<String>) -> Self {
        self.errors.push((code.to_string(), message.into()));
        self
    }

    /// The `{"errors":[...]}` body.
    pub fn body(&self) -> Value {
        let errors: Vec<Value> =
            self.errors.iter().map(|(code, message)| json!({"code": code, "message": message})).collect();
        json!({ "errors": errors })
    }
}

/// A result of the store or a handler.
pub type ApiResult<T> = Result<T, ApiError>;
