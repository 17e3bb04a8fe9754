//! A trades channel's charts: prices (candles or line, VWAP, trades as points once few are visible) with the
//! volume profile of the visible window beside them on the same price axis, and buy/sell volume, zooming with
//! every other time chart; above them, the measurement made on the price chart (shaded on both).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tickscope_core::aggregate::{DEFAULT_PROFILE_BUCKETS, Profile, profile as profile_of};

use super::channel_panel::PanelContext;
use super::chart_box::ChartBox;
use super::measure_view::MeasureView;
use super::profile_summary::ProfileSummary;
use crate::charts::instance::{Chart, draw_apart};
use crate::charts::profile::{price_range, profile_options};
use crate::charts::redraw::throttled_redraw;
use crate::charts::tooltip::{TooltipData, candle_tooltip};
use crate::charts::trades::{TradesLook, trades_options};
use crate::charts::zoom::zoom_handler;

#[component]
pub fn TradesCharts(context: PanelContext) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let name = data.with_value(|d| d.channel().name().to_owned());
    let (decimals, unit) =
        data.with_value(|d| (d.channel().price_decimals(), d.channel().currencies().0));
    let zooming = || Some(zoom_handler(form.zoom, move || context.range()));
    let price = Chart::new(format!("chart-price-{name}"), zooming()).measured();
    let profile = Chart::new(format!("chart-profile-{name}"), None);
    let volume = Chart::new(format!("chart-volume-{name}"), zooming());
    let summary = RwSignal::new(None::<Profile>);
    let tooltip: TooltipData = Rc::new(RefCell::new(None));
    // One formatter for the panel's life; each draw hands it the new candles through `tooltip`.
    let formatter = StoredValue::new_local(candle_tooltip(tooltip.clone()));
    let inputs = Memo::new(move |_| (inputs.get(), form.measure.get()));
    throttled_redraw(inputs, move |(inputs, measure)| {
        let Some(formatter) = formatter.try_with_value(|f| f.as_ref().clone()) else {
            return;
        };
        let drawn = context.with_frame(inputs.zoom, |chunks, frame| {
            let interval = frame.interval(inputs.look.iv);
            let (w0, w1) = frame.window;
            let shown = profile_of(chunks, w0, w1, DEFAULT_PROFILE_BUCKETS);
            let with = TradesLook {
                look: inputs.look,
                tooltip: &formatter,
                gaps: &context.gap_shades(frame),
                price_range: price_range(&shown),
                measure,
            };
            let (options, candles) = trades_options(chunks, frame, interval, &with);
            (options, candles, shown)
        });
        let Some(([first, second], candles, shown)) = drawn else {
            return;
        };
        *tooltip.borrow_mut() = Some((candles, inputs.look.tz, decimals));
        let third = profile_options(&shown, decimals);
        summary.set(Some(shown));
        draw_apart([(price, first), (profile, third), (volume, second)]);
    });
    let text = move |i: usize| Signal::derive(move || context.texts.with(|t| t[i].clone()));
    view! {
        <MeasureView context />
        <div class="price-row">
            <ChartBox chart=price text=text(0) />
            <ChartBox chart=profile text="The volume profile of the visible window: traded volume by price, said in words below.".to_owned() />
        </div>
        <ProfileSummary name summary decimals unit />
        <ChartBox chart=volume text=text(1) />
    }
}
