//! The API's logic, as async functions of a store and the request's query string.

use axum::http::StatusCode;
use serde_json::json;
use tickscope_core::{Gap, GapsRequest, PageRequest, render_envelope};

use super::response::ApiResponse;
use crate::store::{Store, StoreError};

/// `GET /bitstamp?channel=&from=&to=[&cursor=][&limit=]`: one query page in the original's envelope.
pub async fn bitstamp<S: Store>(store: &S, raw_query: &str) -> ApiResponse {
    let request = match PageRequest::parse(raw_query) {
        Ok(request) => request,
        Err(e) => return ApiResponse::error(StatusCode::BAD_REQUEST, &e.0),
    };
    match store.page(&request).await {
        Ok(page) => ApiResponse::ok(render_envelope(
            page.items.iter().map(String::as_str),
            page.last_key.as_ref(),
        )),
        Err(e) => store_unavailable(e),
    }
}

/// `GET /channels`: every channel with its count and time span, and where the data came from.
pub async fn channels<S: Store>(store: &S) -> ApiResponse {
    let listed = async { Ok::<_, StoreError>((store.channels().await?, store.source().await?)) };
    match listed.await {
        Ok((channels, source)) => {
            let channels: Vec<_> = channels
                .iter()
                .map(|c| json!({ "channel": c.channel, "count": c.count, "first": c.first, "last": c.last }))
                .collect();
            ApiResponse::ok(json!({ "channels": channels, "source": source }).to_string())
        }
        Err(e) => store_unavailable(e),
    }
}

/// `GET /gaps?channel=&from=&to=`: the collector's gaps overlapping the range, ascending. A gap that lasts
/// still ends now, marked `"open": true`.
pub async fn gaps<S: Store>(store: &S, raw_query: &str) -> ApiResponse {
    let request = match GapsRequest::parse(raw_query) {
        Ok(request) => request,
        Err(e) => return ApiResponse::error(StatusCode::BAD_REQUEST, &e.0),
    };
    match store.gaps(&request).await {
        Ok(gaps) => {
            let now = crate::clock::now_us();
            let gaps: Vec<_> = gaps.iter().map(|gap| gap_json(gap, now)).collect();
            ApiResponse::ok(json!({ "gaps": gaps }).to_string())
        }
        Err(e) => store_unavailable(e),
    }
}

fn gap_json(gap: &Gap, now: i64) -> serde_json::Value {
    let mut json = json!({
        "channel": gap.channel,
        "from": gap.from,
        "to": gap.to.unwrap_or(now.max(gap.from)),
        "reason": gap.reason,
    });
    if gap.to.is_none() {
        json["open"] = true.into();
    }
    json
}

/// The store failing is not the caller's fault: 503, logged, with a message that leaks nothing.
fn store_unavailable(error: StoreError) -> ApiResponse {
    tracing::error!(%error, "store error");
    ApiResponse::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the data store is unavailable; try again shortly",
    )
}
