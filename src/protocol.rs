//! How many requests to keep in flight to an API: as many as the protocol the browser speaks to it carries
//! usefully ([`in_flight_for`]). The protocol is Resource Timing's `nextHopProtocol` of a request to the API, or of
//! the page itself when the API is on the page's origin (so a link opened cold knows it before its first answer).
//! Cross-origin, the browser says it only when the API sends `Timing-Allow-Origin` (ours does); until then, and
//! for an API that does not, the scheme decides.

use std::cell::RefCell;
use std::collections::HashMap;

use tickscope_core::in_flight_for;
use wasm_bindgen::JsCast;
use web_sys::{Performance, PerformanceResourceTiming};

thread_local! {
    /// Each API base's protocol, once the browser has answered for it (empty: it withholds it).
    static KNOWN: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// Requests to keep in flight to the API at `base`.
pub fn in_flight(base: &str) -> usize {
    in_flight_for(
        &protocol(base).unwrap_or_default(),
        base.starts_with("https://"),
    )
}

/// The protocol to `base` (`h2`, `http/1.1`; empty when the browser withholds it), when known.
fn protocol(base: &str) -> Option<String> {
    if let Some(known) = KNOWN.with(|k| k.borrow().get(base).cloned()) {
        return Some(known);
    }
    let window = web_sys::window()?;
    let performance = window.performance()?;
    let same_origin = window
        .location()
        .origin()
        .is_ok_and(|origin| base.starts_with(&format!("{origin}/")));
    let said = latest_to(&performance, "resource", base).or_else(|| {
        same_origin
            .then(|| latest_to(&performance, "navigation", ""))
            .flatten()
    })?;
    KNOWN.with(|k| k.borrow_mut().insert(base.to_owned(), said.clone()));
    Some(said)
}

/// `nextHopProtocol` of the latest entry of `kind` whose URL starts with `prefix`.
fn latest_to(performance: &Performance, kind: &str, prefix: &str) -> Option<String> {
    performance
        .get_entries_by_type(kind)
        .iter()
        .rev()
        .filter_map(|e| e.dyn_into::<PerformanceResourceTiming>().ok())
        .find(|e| e.name().starts_with(prefix))
        .map(|e| e.next_hop_protocol())
}
