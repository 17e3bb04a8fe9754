//! A trades channel's charts: prices (candles or line, VWAP, trades as points once few are visible) and
//! buy/sell volume, zooming with every other time chart.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::channel_panel::PanelContext;
use super::chart_box::ChartBox;
use crate::charts::instance::{Chart, draw_apart};
use crate::charts::redraw::throttled_redraw;
use crate::charts::tooltip::{TooltipData, candle_tooltip};
use crate::charts::trades::trades_options;
use crate::charts::zoom::zoom_handler;

#[component]
pub fn TradesCharts(context: PanelContext) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let name = data.with_value(|d| d.channel().name().to_owned());
    let decimals = data.with_value(|d| d.channel().price_decimals());
    let zooming = || Some(zoom_handler(form.zoom, move || context.range()));
    let price = Chart::new(format!("chart-price-{name}"), zooming());
    let volume = Chart::new(format!("chart-volume-{name}"), zooming());
    let tooltip: TooltipData = Rc::new(RefCell::new(None));
    // One formatter for the panel's life; each draw hands it the new candles through `tooltip`.
    let formatter = StoredValue::new_local(candle_tooltip(tooltip.clone()));
    throttled_redraw(inputs, move |inputs| {
        let Some(formatter) = formatter.try_with_value(|f| f.as_ref().clone()) else {
            return;
        };
        let drawn = context.with_frame(inputs.zoom, |chunks, frame| {
            let interval = frame.interval(inputs.look.iv);
            let gaps = context.gap_shades(frame);
            trades_options(chunks, frame, interval, inputs.look, &formatter, &gaps)
        });
        let Some((options, candles)) = drawn else {
            return;
        };
        *tooltip.borrow_mut() = Some((candles, inputs.look.tz, decimals));
        let [first, second] = options;
        draw_apart([(price, first), (volume, second)]);
    });
    view! {
        <ChartBox chart=price />
        <ChartBox chart=volume />
    }
}
