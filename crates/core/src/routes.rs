//! How a client tells our API from the original: every answer of ours carries [`ROUTES_HEADER`] with the routes
//! it has ([`ROUTES`]), so the dashboard asks `/channels` only of an API that has it (the original answers it 403
//! without CORS headers, which a browser logs as an error). Both sides depend on these names: never rename them.

/// The header's name.
pub const ROUTES_HEADER: &str = "X-Tickscope-Routes";

/// Our API's routes under the stage path, comma-separated.
pub const ROUTES: &str = "bitstamp,channels,gaps";

/// Whether a [`ROUTES_HEADER`] value lists `route`.
pub fn has_route(header: &str, route: &str) -> bool {
    header.split(',').any(|r| r.trim() == route)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_listed_by_name() {
        assert!(has_route(ROUTES, "channels"));
        assert!(has_route(" bitstamp , channels ", "channels"));
        assert!(has_route(ROUTES, "gaps"));
        assert!(!has_route(ROUTES, "collector"));
        assert!(!has_route("", "channels"));
    }
}
