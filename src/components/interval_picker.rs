//! How the charts show the data: the interval (automatic, a few hundred candles over the visible window, or
//! fixed), the price view (candles or line), a way back to the whole range once zoomed, and the Measure toggle
//! (a plain drag on a price chart measures instead of panning; Shift-drag always does).

use leptos::prelude::*;
use tickscope_core::PriceView;
use tickscope_core::aggregate::Interval;

use crate::charts::measure::Measuring;

#[component]
pub fn IntervalPicker(
    iv: RwSignal<Option<Interval>>,
    view: RwSignal<PriceView>,
    zoom: RwSignal<Option<(i64, i64)>>,
    measuring: Measuring,
) -> impl IntoView {
    let armed = measuring.armed;
    let intervals = Interval::ALL
        .iter()
        .map(|i| view! { <option value=i.name() selected=move || iv.get() == Some(*i)>{i.name()}</option> })
        .collect_view();
    let views = PriceView::ALL
        .iter()
        .map(|v| view! { <option value=v.name() selected=move || view.get() == *v>{v.name()}</option> })
        .collect_view();
    view! {
        <div class="chart-controls">
        <label>
            "Interval "
            <select data-testid="interval" on:change=move |ev| iv.set(Interval::parse(&event_target_value(&ev)))>
                <option value="auto" selected=move || iv.get().is_none()>"auto"</option>
                {intervals}
            </select>
        </label>
        <label>
            "Prices "
            <select data-testid="view" on:change=move |ev| {
                view.set(PriceView::parse(&event_target_value(&ev)).unwrap_or_default())
            }>
                {views}
            </select>
        </label>
        <button data-testid="zoom-reset" disabled=move || zoom.get().is_none() on:click=move |_| zoom.set(None)>
            "Whole range"
        </button>
        <button data-testid="measure-toggle" aria-pressed=move || armed.get().to_string()
            title="Drag on a price chart to measure between two instants (or hold Shift while dragging)"
            on:click=move |_| armed.update(|on| *on = !*on)>
            "Measure"
        </button>
        </div>
    }
}
