//! `X-Tickscope-Routes: bitstamp,channels,gaps` on every answer of our API, so that a client can tell it from the
//! original (which has only `/bitstamp`) with the request it makes anyway, and ask `/channels` only then.
//! The dashboard depends on this name: do not rename it.

use axum::http::{HeaderName, HeaderValue};
use tickscope_core::ROUTES;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn name() -> HeaderName {
    HeaderName::from_static("x-tickscope-routes")
}

/// Sets the header on every answer, errors included.
pub fn layer() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name(), HeaderValue::from_static(ROUTES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickscope_core::ROUTES_HEADER;

    #[test]
    fn the_name_is_the_header_s_in_lower_case() {
        assert_eq!(name().as_str(), ROUTES_HEADER.to_ascii_lowercase());
    }
}
