//! Talking to the Tickscope API: the original serverless API (API Gateway + Lambda + DynamoDB) or the local
//! `tickscope-server`, both under a base such as `https://host/prod`. One fetch path, [`get_bytes`]: bodies are
//! read as bytes and decoded once (`from_utf8`, then `from_str`), since passing a body to wasm as a JS string costs
//! a UTF-16 transcoding per character.
//!
//! Requests stay CORS-"simple" (GET, no custom request headers): the original API answers no preflight. Only our
//! API has `/channels` and `/gaps`, and the original answers them 403 without CORS headers, which the browser logs
//! as an error; so [`channels`] and [`gaps`] ask them only after a cheap request of an empty range (made once per
//! API base, [`routes`]) shows our header [`ROUTES_HEADER`] listing them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tickscope_core::{
    Backoff, Channel, GapBand, ROUTES_HEADER, StatusClass, classify_status, has_route, parse_gaps,
};

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

/// An answer: its status, [`ROUTES_HEADER`], and the body's bytes (decoded once, never as a JS string).
pub struct RawAnswer {
    pub status: u16,
    pub routes: Option<String>,
    pub body: Vec<u8>,
}

/// `GET url`, abortable with `signal`. Plain `fetch`: gloo-net's builder re-encodes a URL's query and appends a
/// stray `&`.
pub async fn get_bytes(
    url: &str,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<RawAnswer, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_signal(signal);
    let promise = window.fetch_with_str_and_init(url, &init);
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .into();
    let status = response.status();
    let routes = response.headers().get(ROUTES_HEADER).ok().flatten();
    let body = gloo_net::http::Response::from(response)
        .binary()
        .await
        .map_err(|e| e.to_string())?;
    Ok(RawAnswer {
        status,
        routes,
        body,
    })
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

/// One channel as `GET {api}/channels` lists it, its name parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelSummary {
    pub channel: Channel,
    pub count: u64,
    /// Microseconds since the epoch of the channel's first and last item (absent when it is empty).
    pub first: Option<i64>,
    pub last: Option<i64>,
}

/// What the API holds: `/channels` where the API has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    pub channels: Vec<ChannelSummary>,
}

#[derive(Deserialize)]
struct ChannelsBody {
    channels: Vec<ListedChannel>,
}

#[derive(Deserialize)]
struct ListedChannel {
    channel: String,
    count: u64,
    #[serde(default)]
    first: Option<i64>,
    #[serde(default)]
    last: Option<i64>,
}

/// Why a request gave no data.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// The request did not complete (network error, refused connection, CORS).
    Network(String),
    /// A non-2xx status, with the server's message when it gave one.
    Status { status: u16, message: String },
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
            ApiError::Decode(e) => write!(f, "unexpected answer from the API: {e}"),
        }
    }
}

/// The routes an API base has beyond `/bitstamp`, as its [`ROUTES_HEADER`] lists them (none: the original).
#[derive(Clone, Debug, PartialEq)]
pub struct Routes(Option<String>);

impl Routes {
    pub fn has(&self, route: &str) -> bool {
        self.0.as_deref().is_some_and(|r| has_route(r, route))
    }
}

type Probe = Shared<LocalBoxFuture<'static, Result<Routes, ApiError>>>;

thread_local! {
    /// Each API base's probe, made once and shared by whoever asks while it runs and after; a failed one is
    /// forgotten, so that the next caller tries again.
    static PROBES: RefCell<HashMap<String, Probe>> = RefCell::new(HashMap::new());
}

/// The routes of the API at `base`, from an empty range of `/bitstamp`: both APIs answer it with no item, and
/// ours with its routes.
pub async fn routes(base: &str) -> Result<Routes, ApiError> {
    let probe = PROBES.with(|probes| {
        probes
            .borrow_mut()
            .entry(base.to_owned())
            .or_insert_with(|| {
                let url = format!("{base}/bitstamp?channel=live_trades_btcusd&from=0&to=0");
                async move {
                    // Retried as a page is: one lost answer must not make our API look like the original.
                    let backoff = Backoff::default();
                    let mut attempt = 0;
                    loop {
                        let failure = match get_bytes(&url, None).await {
                            Ok(answer) if classify_status(answer.status) != StatusClass::Retry => {
                                return Ok(Routes(answer.routes));
                            }
                            Ok(answer) => format!("HTTP {}", answer.status),
                            Err(e) => e,
                        };
                        let Some(delay) = backoff.delay_ms(attempt, js_sys::Math::random()) else {
                            return Err(ApiError::Network(failure));
                        };
                        attempt += 1;
                        sleep(delay).await;
                    }
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    let result = probe.clone().await;
    if result.is_err() {
        PROBES.with(|probes| {
            let mut probes = probes.borrow_mut();
            if probes.get(base).is_some_and(|p| p.ptr_eq(&probe)) {
                probes.remove(base);
            }
        });
    }
    result
}

thread_local! {
    /// Each API base's latest listing, for the loader to plan from.
    static LISTINGS: RefCell<HashMap<String, Listing>> = RefCell::new(HashMap::new());
}

/// The listing [`channels`] last fetched from `base`, if any.
pub fn listed(base: &str) -> Option<Listing> {
    LISTINGS.with(|l| l.borrow().get(base.trim_end_matches('/')).cloned())
}

/// What the API holds, where it can say: `None` for an API without `/channels` (the original), which is asked
/// nothing more than an empty page. Malformed channel names in the listing are left out.
pub async fn channels(base: &str) -> Result<Option<Listing>, ApiError> {
    if !routes(base).await?.has("channels") {
        return Ok(None);
    }
    let body: ChannelsBody = get_json(&format!("{base}/channels")).await?;
    let channels = body
        .channels
        .into_iter()
        .filter_map(|c| {
            Some(ChannelSummary {
                channel: Channel::parse(&c.channel).ok()?,
                count: c.count,
                first: c.first,
                last: c.last,
            })
        })
        .collect();
    let listing = Listing { channels };
    LISTINGS.with(|l| {
        l.borrow_mut()
            .insert(base.trim_end_matches('/').to_owned(), listing.clone())
    });
    Ok(Some(listing))
}

/// The collector's gaps of `channel` overlapping `[from, to]` (µs), ascending: `None` for an API without `/gaps`
/// (the original), which is not asked.
pub async fn gaps(
    base: &str,
    channel: &Channel,
    from: i64,
    to: i64,
) -> Result<Option<Vec<GapBand>>, ApiError> {
    if !routes(base).await?.has("gaps") {
        return Ok(None);
    }
    let text = get_text(&format!(
        "{base}/gaps?channel={channel}&from={from}&to={to}"
    ))
    .await?;
    parse_gaps(&text).map(Some).map_err(ApiError::Decode)
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let text = get_text(url).await?;
    serde_json::from_str::<T>(&text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// A 2xx answer's body as text; any other status is an error, with the server's message when it gave one.
async fn get_text(url: &str) -> Result<String, ApiError> {
    let answer = get_bytes(url, None).await.map_err(ApiError::Network)?;
    let text =
        String::from_utf8(answer.body).map_err(|e| ApiError::Decode(e.utf8_error().to_string()))?;
    if !(200..300).contains(&answer.status) {
        #[derive(Deserialize)]
        struct Message {
            message: Option<String>,
        }
        let message = match serde_json::from_str::<Message>(&text) {
            Ok(body) => body.message.unwrap_or_default(),
            Err(_) => text.chars().take(200).collect(),
        };
        return Err(ApiError::Status {
            status: answer.status,
            message,
        });
    }
    Ok(text)
}
