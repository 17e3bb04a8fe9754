//! For tests: the API unavailable for a while (`--outage AFTER_S,FOR_S`): every `GET /prod/bitstamp` from
//! `AFTER_S` seconds after the server starts, for `FOR_S` seconds, is answered 503 with a JSON message, as a
//! store outage is. A following dashboard must back off and resume by itself once it is over.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::response::ApiResponse;

/// When the API is down: `after` its start, for `lasting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outage {
    pub after: Duration,
    pub lasting: Duration,
}

impl Outage {
    /// `AFTER_S,FOR_S`, whole or fractional seconds.
    pub fn parse(text: &str) -> Result<Self, String> {
        let seconds = |part: &str| {
            part.trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(Duration::from_secs_f64)
        };
        let (after, lasting) = text
            .split_once(',')
            .and_then(|(a, l)| Some((seconds(a)?, seconds(l)?)))
            .ok_or_else(|| format!("`{text}` is not `AFTER_S,FOR_S` (seconds, e.g. 15,20)"))?;
        Ok(Self { after, lasting })
    }

    fn covers(&self, since_start: Duration) -> bool {
        since_start >= self.after && since_start < self.after + self.lasting
    }
}

/// The middleware: the outage and the instant the server started.
pub async fn answer(
    State((outage, started)): State<(Outage, Arc<Instant>)>,
    request: Request,
    next: Next,
) -> Response {
    if outage.covers(started.elapsed()) {
        return ApiResponse::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the data store is unavailable; try again shortly",
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_covers_its_window() {
        let outage = Outage::parse("15, 20.5").unwrap();
        assert_eq!(outage.after, Duration::from_secs(15));
        assert!(!outage.covers(Duration::from_secs(14)));
        assert!(outage.covers(Duration::from_secs(15)));
        assert!(outage.covers(Duration::from_millis(35_400)));
        assert!(!outage.covers(Duration::from_millis(35_500)));
        for bad in ["15", "x,1", "1,-2", "", "1,inf"] {
            assert!(
                Outage::parse(bad).unwrap_err().contains("AFTER_S,FOR_S"),
                "{bad}"
            );
        }
    }
}
