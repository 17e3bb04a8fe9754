//! One page, fetched until it arrives whole: retries with exponential backoff and jitter on HTTP 429 and 5xx,
//! network errors, timeouts and bodies that are not complete JSON.

use tickscope_core::{Backoff, PageBatch, PageError, StatusClass, classify_status, parse_page};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::AbortController;

use crate::api::{self, RawAnswer};

/// A request that has not answered after this long is aborted and retried.
const TIMEOUT_MS: u32 = 30_000;

pub enum Fetched {
    Page {
        batch: PageBatch,
        bytes: usize,
    },
    /// Given up: the message says why (the API's own words when it gave any).
    Failed(String),
    /// The load was cancelled or replaced.
    Stopped,
}

/// What the fetch loop needs from the loader: its abort signal for this request and whether to go on.
pub trait FetchContext {
    /// A fresh controller for one request, aborted when the load is cancelled.
    fn controller(&self) -> Option<AbortController>;
    fn release(&self, controller: &AbortController);
    fn is_live(&self) -> bool;
    fn backoff(&self) -> Backoff;
    /// Reported on each retry, for the user to see.
    fn retrying(&self, attempt: u32, reason: &str);
}

pub async fn fetch_page(url: &str, context: &impl FetchContext) -> Fetched {
    let backoff = context.backoff();
    let mut attempt = 0;
    loop {
        let Some(controller) = context.controller() else {
            return Fetched::Stopped;
        };
        let timeout = Timeout::arm(&controller);
        let answer = api::get_bytes(url, Some(&controller.signal())).await;
        drop(timeout);
        context.release(&controller);
        if !context.is_live() {
            return Fetched::Stopped;
        }
        let reason = match answer {
            Ok(RawAnswer { status, body, .. }) => match judge(status, &body) {
                Ok(batch) => {
                    return Fetched::Page {
                        batch,
                        bytes: body.len(),
                    };
                }
                Err(Judgement::Fatal(message)) => return Fetched::Failed(message),
                Err(Judgement::Retry(reason)) => reason,
            },
            Err(_) if controller.signal().aborted() => "no answer within 30 s".to_owned(),
            Err(e) => format!("network error: {e}"),
        };
        let Some(delay) = backoff.delay_ms(attempt, js_sys::Math::random()) else {
            return Fetched::Failed(format!(
                "gave up after {} retries: {reason}",
                backoff.max_retries
            ));
        };
        attempt += 1;
        context.retrying(attempt, &reason);
        api::sleep(delay).await;
        if !context.is_live() {
            return Fetched::Stopped;
        }
    }
}

enum Judgement {
    Retry(String),
    Fatal(String),
}

fn judge(status: u16, body: &[u8]) -> Result<PageBatch, Judgement> {
    let parsed = std::str::from_utf8(body)
        .map_err(|_| PageError::Incomplete("the body is not UTF-8".into()))
        .and_then(parse_page);
    match (classify_status(status), parsed) {
        (StatusClass::Ok, Ok(batch)) => Ok(batch),
        (StatusClass::Ok, Err(PageError::Incomplete(why))) => {
            Err(Judgement::Retry(format!("incomplete answer: {why}")))
        }
        (StatusClass::Ok, Err(PageError::Api(message))) => Err(Judgement::Fatal(message)),
        (StatusClass::Retry, _) => Err(Judgement::Retry(format!("HTTP {status}"))),
        (StatusClass::Fatal, Err(PageError::Api(message))) => {
            Err(Judgement::Fatal(format!("HTTP {status}: {message}")))
        }
        (StatusClass::Fatal, _) => Err(Judgement::Fatal(format!("HTTP {status}"))),
    }
}

/// Aborts a request after [`TIMEOUT_MS`] unless dropped first; dropping it clears the timer and frees the
/// callback (a callback handed to JS for good would stay, with its controller, for every page that answered).
struct Timeout {
    id: Option<i32>,
    _abort: Closure<dyn FnMut()>,
}

impl Timeout {
    fn arm(controller: &AbortController) -> Self {
        let controller = controller.clone();
        let abort = Closure::<dyn FnMut()>::new(move || controller.abort());
        let id = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.as_ref().unchecked_ref(),
                TIMEOUT_MS as i32,
            )
            .ok()
        });
        Self { id, _abort: abort }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.id) {
            window.clear_timeout_with_handle(id);
        }
    }
}
