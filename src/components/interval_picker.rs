//! The charts' interval: automatic (a few hundred candles over the range) or fixed.

use leptos::prelude::*;
use tickscope_core::aggregate::Interval;

#[component]
pub fn IntervalPicker(iv: RwSignal<Option<Interval>>, on_change: Callback<()>) -> impl IntoView {
    let options = Interval::ALL
        .iter()
        .map(|i| view! { <option value=i.name() selected=move || iv.get() == Some(*i)>{i.name()}</option> })
        .collect_view();
    view! {
        <label>
            "Interval "
            <select data-testid="interval" on:change=move |ev| {
                iv.set(Interval::parse(&event_target_value(&ev)));
                on_change.run(());
            }>
                <option value="auto" selected=move || iv.get().is_none()>"auto"</option>
                {options}
            </select>
        </label>
    }
}
