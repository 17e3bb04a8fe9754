//! Talking to the Tickscope API: the original serverless API (API Gateway + Lambda + DynamoDB) or the local
//! `tickscope-server`, both under a base such as `https://host/prod`.
//!
//! Bodies are read as bytes and decoded once (`from_utf8`, then `from_str`): passing a body to wasm as a JS
//! string costs a UTF-16 transcoding per character.

use std::fmt;

use gloo_net::http::Request;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The API base when the link names none: a static build can bake one in (`TICKSCOPE_API` at build time, e.g. the
/// original API Gateway endpoint); otherwise the page's own origin + `/prod`, as served by tickscope-server.
pub fn default_base() -> String {
    if let Some(base) = option_env!("TICKSCOPE_API").filter(|b| !b.is_empty()) {
        return base.to_owned();
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/prod")
}

/// A page request's raw answer: the status and the body's bytes (decoded once, in the core, never as a JS string).
pub struct RawAnswer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// `GET url`, abortable. The request stays CORS-"simple" (a GET with no custom headers): the original API
/// answers no preflight. Plain `fetch`: gloo-net's builder re-encodes a URL's query and appends a stray `&`.
pub async fn get_bytes(url: &str, signal: &web_sys::AbortSignal) -> Result<RawAnswer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(signal));
    let promise = window.fetch_with_str_and_init(url, &init);
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .into();
    let status = response.status();
    let body = gloo_net::http::Response::from(response)
        .binary()
        .await
        .map_err(|e| e.to_string())?;
    Ok(RawAnswer { status, body })
}

/// A rejected promise's reason as text: an `Error`'s message, a string, or whatever it debug-prints as.
fn js_error(error: wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(&error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ =
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
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

/// `GET {base}/channels` (tickscope-server only: the original API has no such route).
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
