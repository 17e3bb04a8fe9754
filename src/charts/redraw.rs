//! Redrawing charts while pages arrive: a few times a second at most, never so often that drawing crowds out
//! loading, and always once after the last change.

use std::time::Duration;

use leptos::prelude::*;

/// Redraws while loading come at most this often.
const REDRAW_MS: f64 = 400.0;

/// After a draw that took `d` ms, the next waits at least `d · QUIET_FACTOR`: drawing takes at most a fifth of the
/// main thread, which the load needs for its pages (measured: redrawing every 400 ms made a full load 2× slower).
const QUIET_FACTOR: f64 = 4.0;

/// Runs `draw` after every change of what `track` reads, throttled as above.
pub fn throttled_redraw(track: impl Fn() + 'static, draw: impl Fn() + Clone + 'static) {
    let next_at = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let wait = (next_at.get_value() - js_sys::Date::now()).max(0.0);
        let draw = draw.clone();
        set_timeout(
            move || {
                pending.set_value(false);
                let started = js_sys::Date::now();
                draw();
                let took = js_sys::Date::now() - started;
                next_at.set_value(started + REDRAW_MS.max(took * (1.0 + QUIET_FACTOR)));
            },
            Duration::from_millis(wait as u64),
        );
    });
}
