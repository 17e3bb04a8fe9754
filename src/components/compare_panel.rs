//! The compare view: every loaded trades channel's price as percent change from the start of the visible
//! window, on one chart.

use leptos::prelude::*;
use tickscope_core::aggregate::{Compare, candles};
use tickscope_core::{ChannelKind, ZoomFrame};

use super::channel_panel::draw_inputs;
use crate::charts::compare::compare_options;
use crate::charts::instance::Chart;
use crate::charts::redraw::throttled_redraw;
use crate::charts::zoom::zoom_handler;
use crate::form::Form;
use crate::gaps::Gaps;
use crate::loader::{ChannelData, Status, TimeAxis};

const ID: &str = "chart-compare";

#[component]
pub fn ComparePanel(
    channels: Signal<Vec<ChannelData>>,
    form: Form,
    status: Signal<Status>,
) -> impl IntoView {
    let any_trades = Memo::new(move |_| channels.with(|all| trades_of(all).next().is_some()));
    view! {
        <Show when=move || any_trades.get()>
            <section class="panel compare-panel">
                <h2>"Compare " <span class="muted">"price change from the start of the visible window, %"</span></h2>
                <CompareChart channels form status />
            </section>
        </Show>
    }
}

/// The chart itself: its instance lives exactly as long as the panel is shown.
#[component]
fn CompareChart(
    channels: Signal<Vec<ChannelData>>,
    form: Form,
    status: Signal<Status>,
) -> impl IntoView {
    let trades = move || -> Vec<ChannelData> {
        channels.with_untracked(|all| trades_of(all).cloned().collect())
    };
    // One version for all the trades channels: it changes when any of them gets items.
    let version = move || channels.with(|all| trades_of(all).map(|c| c.version().get()).sum());
    let gaps = expect_context::<Gaps>();
    let inputs = draw_inputs(form, gaps, status, version, || false);
    let axis = expect_context::<TimeAxis>();
    let range = move || axis.range();
    let chart = Chart::new(ID.to_owned(), Some(zoom_handler(form.zoom, range)));
    throttled_redraw(inputs, move |inputs| {
        let Some((from, to)) = range() else {
            return;
        };
        let frame = ZoomFrame::new(from, to, inputs.zoom);
        let (w0, w1) = frame.window;
        let interval = frame.interval(inputs.look.iv);
        let series: Vec<(String, Compare)> = trades()
            .iter()
            .map(|data| {
                data.with_chunks(|chunks, _| {
                    let c = candles(chunks, w0, w1, interval);
                    (data.channel().pair_label(), Compare::from_candles(&c))
                })
            })
            .collect();
        // Every loaded channel's gaps, taken together: the view is of the whole load.
        let shades = gaps.shades_all(frame.from, frame.to);
        chart.draw(&compare_options(&series, &frame, inputs.look.tz, &shades));
    });
    view! {
        <div class="chart" id=ID data-testid=ID role="img"
            aria-label="Each loaded trades channel's price as percent change from the start of the visible window; \
                        the channels' statistics are in their panels."></div>
    }
}

fn trades_of(all: &[ChannelData]) -> impl Iterator<Item = &ChannelData> {
    all.iter()
        .filter(|c| c.channel().kind() == ChannelKind::Trades)
}
