//! The compare view: every loaded trades channel's price as percent change from the start of the visible
//! window, on one chart.

use leptos::prelude::*;
use tickscope_core::aggregate::{Compare, candles};
use tickscope_core::{ChannelKind, Columns, ZoomFrame, pair_label};

use crate::charts::compare::compare_chart;
use crate::charts::instance::{ChartInstance, manage};
use crate::charts::redraw::throttled_redraw;
use crate::charts::to_js;
use crate::charts::zoom::zoom_handler;
use crate::form::Form;
use crate::loader::{Loader, Snapshot};

const ID: &str = "chart-compare";

#[component]
pub fn ComparePanel(loader: Loader, snapshot: Signal<Snapshot>, form: Form) -> impl IntoView {
    let trades = Memo::new(move |_| {
        snapshot.with(|s| {
            s.channels
                .iter()
                .filter(|c| ChannelKind::of(&c.channel) == Some(ChannelKind::Trades))
                .map(|c| c.channel.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || trades.with(|t| !t.is_empty())>
            <section class="panel compare-panel">
                <h2>"Compare " <span class="muted">"price change from the start of the visible window, %"</span></h2>
                <CompareChart loader snapshot form trades />
            </section>
        </Show>
    }
}

/// The chart itself: its instance lives exactly as long as the panel is shown.
#[component]
fn CompareChart(
    loader: Loader,
    snapshot: Signal<Snapshot>,
    form: Form,
    trades: Memo<Vec<String>>,
) -> impl IntoView {
    let instance = StoredValue::new_local(vec![ChartInstance::default()]);
    // Redraw when the trades channels' items change, not for the orders channels' pages.
    let items = Memo::new(move |_| {
        let trades = trades.get();
        snapshot.with(|s| {
            s.channels
                .iter()
                .filter(|c| trades.contains(&c.channel))
                .map(|c| c.items)
                .sum::<usize>()
        })
    });
    let range = move || {
        let first = trades.get_untracked().into_iter().next()?;
        loader.with_channel(&first, |load| load.range())
    };
    let draw = move || {
        let Some((from, to)) = range() else {
            return;
        };
        let frame = ZoomFrame::new(from, to, form.zoom.get_untracked());
        let (w0, w1) = frame.window;
        let interval = frame.interval(form.iv.get_untracked());
        let series: Vec<(String, Compare)> = trades
            .get_untracked()
            .iter()
            .filter_map(|channel| {
                loader.with_channel(channel, |load| {
                    let chunks: Vec<&Columns> = load.chunks().collect();
                    let c = candles(&chunks, w0, w1, interval);
                    (pair_label(channel), Compare::from_candles(&c))
                })
            })
            .collect();
        let option = to_js(&compare_chart(&series, &frame), form.tz.get_untracked());
        let on_zoom = || zoom_handler(form.zoom, range);
        instance.with_value(|i| i[0].draw(ID, &option, Some(&on_zoom)));
    };
    throttled_redraw(
        move || {
            items.track();
            trades.track();
            form.iv.track();
            form.zoom.track();
            form.tz.track();
        },
        draw,
    );
    manage(instance);
    view! { <div class="chart" id=ID data-testid=ID></div> }
}
