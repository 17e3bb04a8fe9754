//! Redrawing charts while pages arrive: a few times a second, never more, and always once after the last change.

use std::time::Duration;

use leptos::prelude::*;

/// Redraws while loading come at most this often.
const REDRAW_MS: f64 = 400.0;

/// Runs `draw` after every change of what `track` reads, at most once per [`REDRAW_MS`].
pub fn throttled_redraw(track: impl Fn() + 'static, draw: impl Fn() + Clone + 'static) {
    let last_draw = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let wait = (last_draw.get_value() + REDRAW_MS - js_sys::Date::now()).max(0.0);
        let draw = draw.clone();
        set_timeout(
            move || {
                pending.set_value(false);
                last_draw.set_value(js_sys::Date::now());
                draw();
            },
            Duration::from_millis(wait as u64),
        );
    });
}
