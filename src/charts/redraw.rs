//! Redrawing charts: one memo of everything a draw reads (the look, the zoom, the data's and the gaps' versions)
//! drives one throttled redraw, so a setting read by the draw cannot be missed. While pages arrive, a few redraws a
//! second at most, never so often that drawing crowds out loading, and always one after the last change; once
//! the load is over, at once.

use std::time::Duration;

use leptos::prelude::*;

use super::Look;

/// Everything a panel's draw depends on. `deferred`: the panel is out of sight while loading, and waits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrawInputs {
    pub look: Look,
    pub zoom: Option<(i64, i64)>,
    pub version: u64,
    /// The gaps' version ([`crate::gaps::Gaps::version`]): they arrive after the data.
    pub gaps: u64,
    pub deferred: bool,
    /// Pages are arriving: redraws are throttled.
    pub loading: bool,
}

/// What a throttled redraw reads of its inputs besides what it draws.
pub trait Throttled {
    /// Out of sight while loading: the draw waits.
    fn deferred(&self) -> bool;
    /// Pages are arriving: redraws are throttled.
    fn loading(&self) -> bool;
}

impl Throttled for DrawInputs {
    fn deferred(&self) -> bool {
        self.deferred
    }

    fn loading(&self) -> bool {
        self.loading
    }
}

/// A panel's inputs with what only some of its charts draw (the trades charts' measurement).
impl<T> Throttled for (DrawInputs, T) {
    fn deferred(&self) -> bool {
        self.0.deferred
    }

    fn loading(&self) -> bool {
        self.0.loading
    }
}

/// Redraws while loading come at most this often.
const REDRAW_MS: f64 = 400.0;

/// After a draw that took `d` ms, the next waits at least `d · QUIET_FACTOR`: drawing takes at most a fifth of the
/// main thread, which the load needs for its pages (measured: redrawing every 400 ms made a full load 2× slower).
const QUIET_FACTOR: f64 = 4.0;

/// Runs `draw` with the latest inputs after every change of `inputs` (unless deferred), throttled as above.
pub fn throttled_redraw<T>(inputs: Memo<T>, draw: impl Fn(T) + Clone + 'static)
where
    T: Throttled + Clone + PartialEq + Send + Sync + 'static,
{
    let next_at = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        let (deferred, loading) = inputs.with(|i| (i.deferred(), i.loading()));
        if deferred || pending.get_value() {
            return;
        }
        pending.set_value(true);
        let wait = if loading {
            (next_at.get_value() - js_sys::Date::now()).max(0.0)
        } else {
            0.0
        };
        let draw = draw.clone();
        set_timeout(
            move || {
                pending.set_value(false);
                // The component may be gone, and the inputs with it.
                let Some(latest) = inputs.try_get_untracked().filter(|i| !i.deferred()) else {
                    return;
                };
                let started = js_sys::Date::now();
                draw(latest);
                let took = js_sys::Date::now() - started;
                next_at.set_value(started + REDRAW_MS.max(took * (1.0 + QUIET_FACTOR)));
            },
            Duration::from_millis(wait as u64),
        );
    });
}
