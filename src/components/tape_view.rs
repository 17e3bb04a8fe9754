//! A trades channel's time and sales: every trade of the visible window, newest first, at least the minimum size.
//! Only the rows in sight exist (`tickscope_core::tape`), so a tape of a million trades scrolls like one of ten;
//! it follows the zoom, and while it grows (a load, following live) the trades in sight stay in sight.

use leptos::prelude::*;
use tickscope_core::format::{count, grouped, readable};
use tickscope_core::tape::{ScrolledTape, TapeQuery, TapeShown};
use tickscope_core::{Columns, Side, Tick};
use wasm_bindgen::JsCast;

use super::channel_panel::PanelContext;
use crate::time::{clock_ms, zone_name};

/// A row's height, as the stylesheet draws it (`.tape-row`).
const ROW_PX: f64 = 22.0;
/// The list's height in sight (`.tape`).
const VIEW_PX: f64 = 330.0;
/// Bitstamp's amounts have eight decimals.
const AMOUNT_DECIMALS: usize = 8;

/// The minimum size typed: empty is 0; what is not a size (a negative one, or what the browser could not read as
/// a number) is an error saying so.
fn read_min(ev: &web_sys::Event) -> Result<f64, String> {
    // A number field's value is empty for what it cannot read: its validity says whether that was typed.
    let unreadable = ev
        .target()
        .and_then(|t| js_sys::Reflect::get(&t, &"validity".into()).ok())
        .and_then(|v| js_sys::Reflect::get(&v, &"badInput".into()).ok())
        .is_some_and(|bad| bad.is_truthy());
    let text = event_target_value(ev);
    let text = text.trim();
    match text.parse::<f64>() {
        _ if unreadable => Err("The minimum size is not a number".to_owned()),
        _ if text.is_empty() => Ok(0.0),
        Ok(size) if size.is_finite() && size >= 0.0 => Ok(size),
        _ => Err(format!(
            "The minimum size {text:?} is not a size of 0 or more"
        )),
    }
}

#[component]
pub fn TapeView(context: PanelContext) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let (name, decimals, base) = data.with_value(|d| {
        let c = d.channel();
        (c.name().to_owned(), c.price_decimals(), c.currencies().0)
    });
    let base_unit = StoredValue::new(base.clone());
    let min = RwSignal::new(0.0f64);
    let scroll = RwSignal::new(0.0f64);
    let state = StoredValue::new(ScrolledTape::default());
    let list = NodeRef::<leptos::html::Div>::new();
    let shown = Memo::new(move |_| {
        let draw = inputs.get();
        let (min_amount, scroll_px) = (min.get(), scroll.get());
        context
            .with_frame(draw.zoom, |chunks: &[&Columns], frame| {
                let query = TapeQuery {
                    version: draw.version,
                    window: frame.window,
                    min_amount,
                    row_px: ROW_PX,
                    view_px: VIEW_PX,
                };
                state.try_update_value(|s| s.show(chunks, query, scroll_px))
            })
            .flatten()
    });
    // The tape moved the view to keep its trades in sight: so does the list.
    Effect::new(move |_| {
        let (Some(s), Some(el)) = (shown.get(), list.get()) else {
            return;
        };
        if (f64::from(el.scroll_top()) - s.scroll_px).abs() >= 1.0 {
            el.set_scroll_top(s.scroll_px as i32);
        }
    });
    let on_scroll = move |ev: web_sys::Event| {
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            scroll.set(f64::from(el.scroll_top()));
        }
    };
    // A size that is not one is said so, and the tape keeps the last good one.
    let min_error = RwSignal::new(None::<String>);
    let on_min = move |ev: web_sys::Event| match read_min(&ev) {
        Ok(size) => {
            min_error.set(None);
            min.set(size);
        }
        Err(why) => min_error.set(Some(format!(
            "{why}; showing trades of at least {} {}",
            readable(min.get_untracked()),
            base_unit.get_value()
        ))),
    };
    let len = move || shown.with(|s| s.as_ref().map_or(0, |s| s.len));
    let row = move |r: Tick| {
        let side = match r.side {
            Side::Buy => "buy",
            Side::Sell => "sell",
        };
        view! {
            <div class=format!("tape-row {side}") role="listitem" data-ts=r.ts data-id=r.id data-price=r.price
                data-amount=r.amount data-side=side>
                <span>{clock_ms(r.ts, form.tz.get_untracked())}</span>
                <span>{grouped(r.price, decimals)}</span>
                <span>{grouped(r.amount, AMOUNT_DECIMALS)}</span>
            </div>
        }
    };
    let rows = move || {
        form.tz.track();
        shown
            .with(|s| {
                s.as_ref()
                    .map(|s: &TapeShown| s.rows.clone())
                    .unwrap_or_default()
            })
            .into_iter()
            .map(row)
            .collect_view()
    };
    // The zone at the newest trade in sight (a local offset may change within a long window).
    let zone = move || {
        let newest = shown.with(|s| s.as_ref().and_then(|s| s.rows.first().map(|r| r.ts)));
        format!(
            "Time ({})",
            zone_name(newest.unwrap_or_default(), form.tz.get())
        )
    };
    let error_id = format!("tape-min-error-{name}");
    let layout = move |pick: fn(&TapeShown) -> f64| shown.with(|s| s.as_ref().map_or(0.0, pick));
    view! {
        <div class="tape-box">
            <div class="tape-head">
                <strong>"Time and sales"</strong>
                <span class="muted" data-testid=format!("tape-count-{name}") data-value=len>
                    {move || format!("{} trades", count(len() as u64))}
                </span>
                <label>
                    {format!("Min size ({base}) ")}
                    <input type="number" min="0" step="any" placeholder="0" size="6"
                        data-testid=format!("tape-min-{name}") on:change=on_min
                        aria-invalid=move || min_error.with(Option::is_some).to_string() />
                </label>
            </div>
            <Show when=move || min_error.with(Option::is_some)>
                <p class="field-error" role="alert" data-testid=error_id.clone()>
                    {move || min_error.get()}
                </p>
            </Show>
            <div class="tape-row tape-columns" aria-hidden="true">
                <span>{zone}</span><span>"Price"</span><span>"Amount"</span>
            </div>
            <div class="tape" data-testid=format!("tape-{name}") data-rows=len node_ref=list
                role="list" aria-label=format!("Trades of {name}, newest first") on:scroll=on_scroll>
                <div class="tape-list" style:height=move || format!("{}px", layout(|s| s.viewport.height_px))>
                    <div class="tape-rows"
                        style:transform=move || format!("translateY({}px)", layout(|s| s.viewport.offset_px))>
                        {rows}
                    </div>
                </div>
            </div>
        </div>
    }
}
