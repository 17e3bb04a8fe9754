//! An orders channel's charts: where orders sit (the heatmap) and the order flow, zooming with every other time
//! chart, and the order book at one instant.

use leptos::prelude::*;

use super::book_view::BookView;
use super::channel_panel::PanelContext;
use super::chart_box::ChartBox;
use crate::charts::instance::{Chart, draw_apart};
use crate::charts::orders::orders_options;
use crate::charts::redraw::throttled_redraw;
use crate::charts::zoom::zoom_handler;

#[component]
pub fn OrdersCharts(context: PanelContext) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let name = data.with_value(|d| d.channel().name().to_owned());
    let zooming = || Some(zoom_handler(form.zoom, move || context.range()));
    let heatmap = Chart::new(format!("chart-orders-{name}"), zooming());
    let flow = Chart::new(format!("chart-flow-{name}"), zooming());
    throttled_redraw(inputs, move |inputs| {
        let Some(options) = context.with_frame(inputs.zoom, |chunks, frame| {
            let gaps = context.gap_shades(frame);
            orders_options(
                chunks,
                frame,
                frame.interval(inputs.look.iv),
                inputs.look,
                &gaps,
            )
        }) else {
            return;
        };
        let [first, second] = options;
        draw_apart([(heatmap, first), (flow, second)]);
    });
    view! {
        <ChartBox chart=heatmap />
        <ChartBox chart=flow />
        <BookView context />
    }
}
