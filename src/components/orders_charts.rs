//! An orders channel's charts: where orders sit (the heatmap), the mid and spread over time, and the order flow,
//! zooming with every other time chart; and the order book at one instant. The book over time and at the instant
//! come from one replay of the channel's events.

use leptos::prelude::*;
use tickscope_core::book::{BookReplay, book_series};

use super::book_view::BookView;
use super::channel_panel::PanelContext;
use super::chart_box::ChartBox;
use crate::charts::instance::{Chart, draw_apart};
use crate::charts::orders::orders_options;
use crate::charts::redraw::throttled_redraw;
use crate::charts::spread::spread_options;
use crate::charts::zoom::zoom_handler;

#[component]
pub fn OrdersCharts(context: PanelContext) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let name = data.with_value(|d| d.channel().name().to_owned());
    let zooming = || Some(zoom_handler(form.zoom, move || context.range()));
    let heatmap = Chart::new(format!("chart-orders-{name}"), zooming());
    let spread = Chart::new(format!("chart-spread-{name}"), zooming());
    let flow = Chart::new(format!("chart-flow-{name}"), zooming());
    let replay = StoredValue::new(BookReplay::new());
    throttled_redraw(inputs, move |inputs| {
        let Some(options) = context.with_frame(inputs.zoom, |chunks, frame| {
            let gaps = context.gap_shades(frame);
            let interval = frame.interval(inputs.look.iv);
            let (w0, w1) = frame.window;
            let points = replay
                .try_update_value(|r| book_series(r, chunks, w0, w1, interval))
                .unwrap_or_default();
            let [heatmap, flow] = orders_options(chunks, frame, interval, inputs.look, &gaps);
            [
                heatmap,
                spread_options(&points, frame, inputs.look, &gaps),
                flow,
            ]
        }) else {
            return;
        };
        let [first, second, third] = options;
        draw_apart([(heatmap, first), (spread, second), (flow, third)]);
    });
    let text = move |i: usize| Signal::derive(move || context.texts.with(|t| t[i].clone()));
    view! {
        <ChartBox chart=heatmap text=text(0) />
        <ChartBox chart=spread text="The mid price and the spread at the end of each interval, from the book rebuilt from the loaded events.".to_owned() />
        <ChartBox chart=flow text=text(1) />
        <BookView context replay />
    }
}
