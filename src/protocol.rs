//! How many requests to keep in flight to an API: as many as the protocol the browser speaks to it carries
//! usefully, read from Resource Timing's `nextHopProtocol` of the latest request to it (the routes probe comes
//! first). Cross-origin, the browser says it only when the API sends `Timing-Allow-Origin` (ours does); else the
//! scheme decides ([`in_flight_for`]).

use tickscope_core::in_flight_for;
use wasm_bindgen::JsCast;
use web_sys::PerformanceResourceTiming;

/// Requests to keep in flight to the API at `base`.
pub fn in_flight(base: &str) -> usize {
    in_flight_for(
        &next_hop_protocol(base).unwrap_or_default(),
        base.starts_with("https://"),
    )
}

/// The protocol of the latest request to `base` the browser recorded (`h2`, `http/1.1`; empty when withheld).
fn next_hop_protocol(base: &str) -> Option<String> {
    let entries = web_sys::window()?
        .performance()?
        .get_entries_by_type("resource");
    entries
        .iter()
        .rev()
        .filter_map(|e| e.dyn_into::<PerformanceResourceTiming>().ok())
        .find(|e| e.name().starts_with(base))
        .map(|e| e.next_hop_protocol())
}
