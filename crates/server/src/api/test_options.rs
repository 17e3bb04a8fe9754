//! For tests: options that change how `GET /prod/bitstamp` answers (and nothing else, but `like_original`), all
//! off by default.
//!
//! - [`FaultOptions`]: fail a fraction of requests ([`super::faults`]);
//! - `ignore_cursor`: answer as the original Lambda did, which ignored `cursor` ([`IgnoreCursor`]);
//! - `shuffle_ties`: items sharing one `nmicrotimestamp` in a seeded order, as DynamoDB returns them
//!   ([`super::shuffle_ties`]);
//! - `latency`: wait before answering, as DynamoDB takes a few hundred ms per 1 MB page ([`delay`]);
//! - `outage`: answer 503 for a while ([`super::outage`]);
//! - `like_original`: all of `/prod` as the original API Gateway + Lambda answered ([`super::like_original`]),
//!   which ignored the cursor and had ties in DynamoDB's order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;
use tickscope_core::{Gap, GapsRequest, PageRequest};

use super::faults::{self, FaultInjector, FaultOptions};
use super::outage::{self, Outage};
use crate::store::{ChannelStats, Page, Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestOptions {
    pub faults: FaultOptions,
    pub ignore_cursor: bool,
    /// Added before answering each request.
    pub latency: Duration,
    /// The seed of the order of ties.
    pub shuffle_ties: Option<u64>,
    pub like_original: bool,
    pub outage: Option<Outage>,
}

/// The order of ties of `like_original` without `shuffle_ties`.
const LIKE_ORIGINAL_TIE_SEED: u64 = 1;

impl TestOptions {
    pub fn is_active(&self) -> bool {
        self.faults.is_active()
            || self.ignore_cursor
            || !self.latency.is_zero()
            || self.shuffle_ties.is_some()
            || self.like_original
            || self.outage.is_some()
    }

    /// The seed of the order of ties, if they are shuffled.
    pub fn tie_seed(&self) -> Option<u64> {
        self.shuffle_ties
            .or(self.like_original.then_some(LIKE_ORIGINAL_TIE_SEED))
    }

    pub fn ignores_cursor(&self) -> bool {
        self.ignore_cursor || self.like_original
    }

    /// Wraps the `/bitstamp` route's handlers (not its 405 fallback): an outage and faults outermost, so their
    /// answers come at once, as from a gateway; then the latency, which the real answer and its broken forms all
    /// take.
    pub(super) fn wrap(&self, mut route: MethodRouter) -> MethodRouter {
        if !self.latency.is_zero() {
            route = route.route_layer(middleware::from_fn_with_state(self.latency, delay));
        }
        if self.faults.is_active() {
            let injector = Arc::new(FaultInjector::new(self.faults.clone()));
            route = route.route_layer(middleware::from_fn_with_state(injector, faults::inject));
        }
        if let Some(window) = self.outage {
            let state = (window, Arc::new(Instant::now()));
            route = route.route_layer(middleware::from_fn_with_state(state, outage::answer));
        }
        route
    }
}

/// The middleware of `latency`.
pub async fn delay(State(latency): State<Duration>, request: Request, next: Next) -> Response {
    tokio::time::sleep(latency).await;
    next.run(request).await
}

/// A store that answers every page request from the start of `[from, to]`, whatever its cursor, as the original
/// Lambda did. The cursor is still parsed and checked before it gets here: a bad one is still a 400.
pub struct IgnoreCursor<S>(pub Arc<S>);

impl<S: Store> Store for IgnoreCursor<S> {
    async fn page(&self, request: &PageRequest) -> Result<Page, StoreError> {
        let from_the_start = PageRequest {
            after: None,
            ..request.clone()
        };
        self.0.page(&from_the_start).await
    }

    async fn channels(&self) -> Result<Vec<ChannelStats>, StoreError> {
        self.0.channels().await
    }

    async fn source(&self) -> Result<String, StoreError> {
        self.0.source().await
    }

    fn page_bytes(&self) -> usize {
        self.0.page_bytes()
    }

    async fn gaps(&self, request: &GapsRequest) -> Result<Vec<Gap>, StoreError> {
        self.0.gaps(request).await
    }
}
