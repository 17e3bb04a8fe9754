//! A whole number the user may fix or leave to the dashboard: empty reads "auto" (`None`); anything else snaps
//! to the nearest whole number from 1 to `max`, and what is not a number leaves the value as it was.

use leptos::prelude::*;

#[component]
pub fn CountInput(value: RwSignal<Option<u8>>, max: u8, testid: &'static str) -> impl IntoView {
    view! {
        <input type="number" min="1" max=max placeholder="auto" data-testid=testid
            prop:value=move || value.get().map(|n| n.to_string()).unwrap_or_default()
            on:change=move |ev| {
                let typed = event_target_value(&ev);
                let typed = typed.trim();
                let number = typed.parse::<f64>().ok().filter(|v| v.is_finite());
                value.set(match number {
                    _ if typed.is_empty() => None,
                    Some(v) => Some(v.round().clamp(1.0, f64::from(max)) as u8),
                    None => value.get_untracked(),
                });
            } />
    }
}
