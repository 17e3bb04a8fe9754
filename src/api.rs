//! Talking to the Tickscope API: the original serverless API (API Gateway + Lambda + DynamoDB) or the local
//! `tickscope-server`, both under a base such as `https://host/prod`.
//!
//! Bodies are read as bytes and decoded once (`from_utf8`, then `from_str`): passing a body to wasm as a JS
//! string costs a UTF-16 transcoding per character.

use std::fmt;

use gloo_net::http::Request;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The API base when the page names none: the dashboard is served by the API's own host, under `/prod`.
pub fn default_base() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/prod")
}

/// The API base in use: the page's `?api=` parameter when given (e.g. `?api=https://xyz.execute-api.../prod`),
/// otherwise [`default_base`]. Never ends with a `/`.
pub fn base_from_location() -> String {
    let from_query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("api"))
        .filter(|api| !api.trim().is_empty());
    let base = from_query.unwrap_or_else(default_base);
    base.trim().trim_end_matches('/').to_owned()
}

/// One channel's summary, from `GET {api}/channels`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ChannelSummary {
    pub channel: String,
    pub count: u64,
    /// Microseconds since the epoch of the channel's first and last item (absent or null when it is empty).
    #[serde(default)]
    pub first: Option<i64>,
    #[serde(default)]
    pub last: Option<i64>,
}

/// The answer of `GET {api}/channels`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Channels {
    pub channels: Vec<ChannelSummary>,
    /// Where the data comes from (e.g. `demo`).
    #[serde(default)]
    pub source: Option<String>,
}

/// Why a request gave no data.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request did not complete (network error, refused connection, CORS).
    Network(String),
    /// A non-2xx status, with the server's message when it gave one.
    Status { status: u16, message: String },
    /// A Lambda handler error, which API Gateway's non-proxy integration returns with HTTP 200.
    Handler { kind: String, message: String },
    /// A body that is not the JSON we expect.
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "the API could not be reached: {e}"),
            ApiError::Status { status, message } if message.is_empty() => {
                write!(f, "the API answered HTTP {status}")
            }
            ApiError::Status { status, message } => {
                write!(f, "the API answered HTTP {status}: {message}")
            }
            ApiError::Handler { kind, message } if kind.is_empty() => {
                write!(f, "the API failed: {message}")
            }
            ApiError::Handler { kind, message } => write!(f, "the API failed ({kind}): {message}"),
            ApiError::Decode(e) => write!(f, "unexpected answer from the API: {e}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// The error shapes of the original API: a handler error (`errorMessage`) or API Gateway's own (`message`).
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "errorMessage")]
    error_message: Option<String>,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    message: Option<String>,
}

/// `GET {base}/channels`.
pub async fn fetch_channels(base: &str) -> Result<Channels, ApiError> {
    get_json(&format!("{base}/channels")).await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let bytes = response
        .binary()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| ApiError::Decode(e.to_string()))?;

    if !(200..300).contains(&status) {
        let message = match serde_json::from_str::<ErrorBody>(text) {
            Ok(body) => body.error_message.or(body.message).unwrap_or_default(),
            Err(_) => text.chars().take(200).collect(),
        };
        return Err(ApiError::Status { status, message });
    }

    serde_json::from_str::<T>(text).map_err(|decode_error| {
        // Not the data we expect: a handler error comes back with HTTP 200.
        match serde_json::from_str::<ErrorBody>(text) {
            Ok(ErrorBody {
                error_message: Some(message),
                error_type,
                ..
            }) => ApiError::Handler {
                kind: error_type.unwrap_or_default(),
                message,
            },
            _ => ApiError::Decode(decode_error.to_string()),
        }
    })
}
