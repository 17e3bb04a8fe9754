//! The HTTP API: `GET /prod/bitstamp`, `GET /prod/channels` and `GET /prod/gaps`, with the dashboard's files at `/`.
//!
//! [`handlers`] hold the API's logic as plain async functions of a store and a query string, so the Lambda
//! entry point can share them; this module only wires them into axum with CORS, compression and logging. Every
//! answer under `/prod` carries [`routes_header`].
//! [`TestOptions`] (for tests only, off by default) change how `GET /prod/bitstamp` answers, or with
//! `like_original` all of `/prod`.

pub mod faults;
pub mod handlers;
pub mod like_original;
pub mod outage;
pub mod response;
pub mod routes_header;
pub mod shuffle_ties;
pub mod splitmix;
pub mod test_options;

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::collect::Status;
use crate::store::Store;
use response::ApiResponse;
use shuffle_ties::ShuffleTies;
use test_options::IgnoreCursor;
pub use test_options::TestOptions;

/// The original API's stage path.
pub const STAGE: &str = "/prod";

/// The whole app. `test` only changes `GET /prod/bitstamp` (`like_original` all of `/prod`);
/// [`TestOptions::default`] changes nothing.
/// `collector`: the status of the collector running in this process (`serve --collect`), answered at
/// `/prod/collector`.
pub fn router<S: Store>(
    store: Arc<S>,
    dist: &Path,
    test: &TestOptions,
    collector: Option<Status>,
) -> Router {
    let bitstamp = bitstamp_route(store.clone(), test);
    let api = if test.like_original {
        like_original::api(bitstamp)
    } else {
        Router::new()
            .route("/bitstamp", bitstamp.fallback(method_not_allowed))
            .route(
                "/channels",
                get(channels::<S>)
                    .fallback(method_not_allowed)
                    .with_state(store.clone()),
            )
            .route(
                "/gaps",
                get(gaps::<S>)
                    .fallback(method_not_allowed)
                    .with_state(store),
            )
            .merge(collector.map_or_else(Router::new, |status| {
                Router::new().route(
                    "/collector",
                    get(collector_status)
                        .fallback(method_not_allowed)
                        .with_state(status),
                )
            }))
            .fallback(not_found)
            .layer(cors())
            .layer(routes_header::layer())
            .layer(timing_allow_origin())
    };
    let dashboard = Router::new()
        .fallback_service(ServeDir::new(dist).fallback(axum::routing::any(dashboard_not_found)))
        .layer(cors());
    Router::new()
        .nest(STAGE, api)
        .merge(dashboard)
        .layer(
            // Level 1: a 1.46 MB page compresses to 160 KB with brotli 1 against 151 KB with tower-http's default
            // (brotli 4), for a fraction of the CPU, which a busy server shares with its requests.
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(1))
                .compress_when(DefaultPredicate::new().and(faults::may_compress)),
        )
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// Anyone may call the API from a page of any origin, and read [`routes_header`].
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([routes_header::name()])
        .max_age(std::time::Duration::from_secs(86_400))
}

/// `Timing-Allow-Origin: *`: a page of any origin may read Resource Timing's `nextHopProtocol` of our answers,
/// which tells the dashboard how many requests it can keep in flight (HTTP/2 or HTTP/1.1).
fn timing_allow_origin() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        HeaderName::from_static("timing-allow-origin"),
        HeaderValue::from_static("*"),
    )
}

/// `GET /bitstamp` over `store` in the test options' store wrappers (ties shuffled, then the cursor ignored)
/// and middleware. Other methods are left to the caller.
fn bitstamp_route<S: Store>(store: Arc<S>, test: &TestOptions) -> MethodRouter {
    match test.tie_seed() {
        Some(seed) => cursor_route(Arc::new(ShuffleTies::new(store, seed)), test),
        None => cursor_route(store, test),
    }
}

fn cursor_route<S: Store>(store: Arc<S>, test: &TestOptions) -> MethodRouter {
    if test.ignores_cursor() {
        answer_route(Arc::new(IgnoreCursor(store)), test)
    } else {
        answer_route(store, test)
    }
}

fn answer_route<S: Store>(store: Arc<S>, test: &TestOptions) -> MethodRouter {
    let route = if test.like_original {
        get(like_original::bitstamp::<S>)
    } else {
        get(bitstamp::<S>)
    };
    test.wrap(route.with_state(store))
}

async fn bitstamp<S: Store>(State(store): State<Arc<S>>, RawQuery(query): RawQuery) -> ApiResponse {
    handlers::bitstamp(store.as_ref(), query.as_deref().unwrap_or("")).await
}

async fn channels<S: Store>(State(store): State<Arc<S>>) -> ApiResponse {
    handlers::channels(store.as_ref()).await
}

async fn gaps<S: Store>(State(store): State<Arc<S>>, RawQuery(query): RawQuery) -> ApiResponse {
    handlers::gaps(store.as_ref(), query.as_deref().unwrap_or("")).await
}

async fn collector_status(State(status): State<Status>) -> ApiResponse {
    ApiResponse::ok(status.json(crate::clock::now_us()).to_string())
}

async fn method_not_allowed(method: Method) -> impl IntoResponse {
    let mut response = ApiResponse::error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("method {method} is not allowed here; use GET"),
    )
    .into_response();
    response.headers_mut().insert(
        axum::http::header::ALLOW,
        "GET, HEAD, OPTIONS".parse().expect("static header"),
    );
    response
}

async fn not_found(uri: axum::http::Uri) -> ApiResponse {
    ApiResponse::error(
        StatusCode::NOT_FOUND,
        &format!(
            "no route {}; the API has GET {STAGE}/bitstamp, GET {STAGE}/channels and GET {STAGE}/gaps",
            uri.path()
        ),
    )
}

async fn dashboard_not_found(uri: axum::http::Uri) -> ApiResponse {
    let hint = if uri.path() == "/" {
        "; the dashboard is not built: run ./scripts/build-dashboard.sh"
    } else {
        ""
    };
    ApiResponse::error(
        StatusCode::NOT_FOUND,
        &format!("no file {}{hint}", uri.path()),
    )
}
