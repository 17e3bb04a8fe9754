//! Whether an element is on screen, as a signal: an `IntersectionObserver` on it.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// An element this close to the viewport counts as on screen, so it is drawn before it scrolls in.
const MARGIN: &str = "300px";

/// True while `target` is within [`MARGIN`] of the viewport. True until the observer first reports (and when the
/// browser has no `IntersectionObserver`), so nothing waits on it by mistake.
pub fn use_visible<E>(target: NodeRef<E>) -> ReadSignal<bool>
where
    E: ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let (visible, set_visible) = signal(true);
    let on_change = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The last entry is the newest state of the one element observed.
        if let Some(entry) = entries.iter().last() {
            set_visible.set(
                entry
                    .unchecked_into::<IntersectionObserverEntry>()
                    .is_intersecting(),
            );
        }
    });
    let init = IntersectionObserverInit::new();
    init.set_root_margin(MARGIN);
    let Ok(observer) =
        IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &init)
    else {
        return visible;
    };
    let watched = observer.clone();
    Effect::new(move |_| {
        if let Some(element) = target.get() {
            watched.observe(element.unchecked_ref());
        }
    });
    // Kept as long as the component: dropping it stops the observer before its callback goes.
    StoredValue::new_local(Observer {
        observer,
        _callback: on_change,
    });
    visible
}

/// The observer and the callback it calls, which must live as long as it does.
struct Observer {
    observer: IntersectionObserver,
    _callback: Closure<dyn Fn(js_sys::Array)>,
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
