//! An API answer: a status and a JSON body. Independent of axum so the Lambda entry point can use it too.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub body: String,
}

impl ApiResponse {
    pub fn ok(body: String) -> Self {
        Self {
            status: StatusCode::OK,
            body,
        }
    }

    /// `{"message": ...}`, the shape API Gateway itself uses for errors.
    pub fn error(status: StatusCode, message: &str) -> Self {
        Self {
            status,
            body: json!({ "message": message }).to_string(),
        }
    }
}

impl IntoResponse for ApiResponse {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response()
    }
}
