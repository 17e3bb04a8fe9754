//! For tests: injected faults on `GET /prod/bitstamp`, so that browser tests can prove the dashboard loses nothing
//! when the API fails as real networks and gateways do.
//!
//! [`inject`] is an axum middleware on that route only. For each request it draws from a seeded PRNG whether to fail
//! (with probability [`FaultOptions::rate`]) and how ([`FaultKind`]): the same seed and the same sequence of requests
//! give the same faults. Every injected fault is logged at `warn`.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};

use super::response::ApiResponse;
use super::splitmix::SplitMix64;

/// How an injected fault fails a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// `500` with `{"message":"injected fault: ..."}`.
    ServerError,
    /// `429` with `Retry-After` and `{"message":"injected fault: ..."}`, as API Gateway throttles.
    TooManyRequests,
    /// The real answer's status, headers and first half of its body, then the connection breaks: a network error.
    Drop,
    /// `200` (the real status) with the first half of the real body, properly framed, then the connection closes:
    /// the client reads a body that is not complete JSON.
    Truncate,
    /// The real answer after [`FaultOptions::slow`].
    Slow,
}

impl FaultKind {
    pub const ALL: [FaultKind; 5] = [
        FaultKind::ServerError,
        FaultKind::TooManyRequests,
        FaultKind::Drop,
        FaultKind::Truncate,
        FaultKind::Slow,
    ];

    /// The name on the command line: `500`, `429`, `drop`, `truncate`, `slow`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::ServerError => "500",
            FaultKind::TooManyRequests => "429",
            FaultKind::Drop => "drop",
            FaultKind::Truncate => "truncate",
            FaultKind::Slow => "slow",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        FaultKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| {
                format!("unknown fault kind `{name}`; use 500, 429, drop, truncate or slow")
            })
    }
}

/// What to inject. The default injects nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultOptions {
    /// The probability, 0..=1, that a request fails.
    pub rate: f64,
    pub seed: u64,
    /// The kinds to choose from, uniformly. Empty injects nothing.
    pub kinds: Vec<FaultKind>,
    /// The delay of a [`FaultKind::Slow`] answer.
    pub slow: Duration,
}

impl Default for FaultOptions {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 1,
            kinds: FaultKind::ALL.to_vec(),
            slow: Duration::from_secs(3),
        }
    }
}

impl FaultOptions {
    pub fn is_active(&self) -> bool {
        self.rate > 0.0 && !self.kinds.is_empty()
    }
}

/// `Retry-After` of an injected 429, in seconds.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// The middleware's state: the options and the PRNG that decides, shared by all requests.
pub struct FaultInjector {
    options: FaultOptions,
    rng: Mutex<SplitMix64>,
}

impl FaultInjector {
    pub fn new(options: FaultOptions) -> Self {
        let rng = Mutex::new(SplitMix64::new(options.seed));
        Self { options, rng }
    }

    /// The next request's fault, if any.
    pub fn draw(&self) -> Option<FaultKind> {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Two draws per request whatever the outcome, so a request's fault depends only on its position.
        let fails = rng.next_f64() < self.options.rate;
        let pick = rng.next_u64();
        let kinds = &self.options.kinds;
        (fails && !kinds.is_empty()).then(|| kinds[(pick % kinds.len() as u64) as usize])
    }
}

/// The middleware: fails the request as [`FaultInjector::draw`] says, or passes it on untouched.
pub async fn inject(
    State(injector): State<Arc<FaultInjector>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(kind) = injector.draw() else {
        return next.run(request).await;
    };
    let uri = request
        .extensions()
        .get::<OriginalUri>()
        .map_or(request.uri(), |o| &o.0);
    tracing::warn!(fault = %kind, %uri, "injected fault");
    match kind {
        FaultKind::ServerError => ApiResponse::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected fault: internal server error",
        )
        .into_response(),
        FaultKind::TooManyRequests => {
            let mut response = ApiResponse::error(
                StatusCode::TOO_MANY_REQUESTS,
                "injected fault: too many requests",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            response
        }
        FaultKind::Slow => {
            tokio::time::sleep(injector.options.slow).await;
            next.run(request).await
        }
        FaultKind::Drop | FaultKind::Truncate => {
            let (mut parts, body) = next.run(request).await.into_parts();
            let whole = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(bytes) => bytes,
                Err(e) => return broken_answer_failed(e),
            };
            let half = whole.slice(..whole.len() / 2);
            // The client must receive exactly these bytes: no Content-Length of the whole, no compression.
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.extensions.insert(Uncompressed);
            let body = if kind == FaultKind::Drop {
                broken_body(half)
            } else {
                parts
                    .headers
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                Body::from(half)
            };
            Response::from_parts(parts, body)
        }
    }
}

/// A body that sends `start`, then fails: the server aborts the connection without ending the body.
fn broken_body(start: Bytes) -> Body {
    let start = stream::once(async move { Ok::<_, std::io::Error>(start) });
    let failure = stream::once(async {
        // Let the start reach the client first, so it sees an answer begin and then break.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::other("injected fault: connection dropped"))
    });
    Body::from_stream(start.chain(failure))
}

fn broken_answer_failed(error: axum::Error) -> Response {
    tracing::error!(%error, "reading the answer to break it");
    ApiResponse::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "injected fault: reading the answer failed",
    )
    .into_response()
}

/// Marks a response the compression layer must leave as it is (see [`may_compress`]).
#[derive(Debug, Clone, Copy)]
pub struct Uncompressed;

/// A `tower_http` compression predicate: false for responses marked [`Uncompressed`], whose bytes must reach the
/// client exactly as they are.
pub fn may_compress(_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions) -> bool {
    extensions.get::<Uncompressed>().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn injector(rate: f64, seed: u64, kinds: &[FaultKind]) -> FaultInjector {
        FaultInjector::new(FaultOptions {
            rate,
            seed,
            kinds: kinds.to_vec(),
            ..FaultOptions::default()
        })
    }

    fn draws(injector: &FaultInjector, n: usize) -> Vec<Option<FaultKind>> {
        (0..n).map(|_| injector.draw()).collect()
    }

    #[test]
    fn rate_zero_never_fails_and_rate_one_always_does() {
        assert!(
            draws(&injector(0.0, 1, &FaultKind::ALL), 1000)
                .iter()
                .all(Option::is_none)
        );
        assert!(
            draws(&injector(1.0, 1, &FaultKind::ALL), 1000)
                .iter()
                .all(Option::is_some)
        );
        assert!(
            draws(&injector(1.0, 1, &[]), 10)
                .iter()
                .all(Option::is_none)
        );
    }

    #[test]
    fn faults_follow_the_rate_and_spread_over_the_kinds_deterministically() {
        let kinds = [FaultKind::Drop, FaultKind::Slow];
        let got = draws(&injector(0.3, 42, &kinds), 10_000);
        assert_eq!(got, draws(&injector(0.3, 42, &kinds), 10_000));
        assert_ne!(got, draws(&injector(0.3, 43, &kinds), 10_000));
        let failed = got.iter().flatten().count();
        assert!((2_700..3_300).contains(&failed), "{failed} faults");
        let drops = got
            .iter()
            .flatten()
            .filter(|k| **k == FaultKind::Drop)
            .count();
        assert!(
            (failed * 2 / 5..failed * 3 / 5).contains(&drops),
            "{drops} drops"
        );
    }

    #[test]
    fn kinds_parse_from_their_names() {
        for kind in FaultKind::ALL {
            assert_eq!(kind.to_string().parse::<FaultKind>(), Ok(kind));
        }
        assert!(
            "timeout"
                .parse::<FaultKind>()
                .unwrap_err()
                .contains("`timeout`")
        );
    }
}
