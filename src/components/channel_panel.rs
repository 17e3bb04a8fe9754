//! One channel's charts and summary, redrawn a few times a second while its pages arrive.

use leptos::prelude::*;
use tickscope_core::aggregate::{DEFAULT_CANDLE_TARGET, HeatmapParams};
use tickscope_core::aggregate::{Interval, Stats, candles, flow, heatmap, stats};
use tickscope_core::{ChannelKind, Columns};

use crate::charts::instance::ChartInstance;
use crate::charts::{orders, trades};
use crate::loader::{Loader, Snapshot};

/// Redraws while loading come at most this often.
const REDRAW_MS: f64 = 400.0;

#[component]
pub fn ChannelPanel(
    channel: String,
    loader: Loader,
    snapshot: Signal<Snapshot>,
    interval: Signal<Option<Interval>>,
) -> impl IntoView {
    let kind = ChannelKind::of(&channel).unwrap_or(ChannelKind::Trades);
    let chart_ids: Vec<String> = match kind {
        ChannelKind::Trades => vec![
            format!("chart-price-{channel}"),
            format!("chart-volume-{channel}"),
        ],
        ChannelKind::Orders => vec![
            format!("chart-orders-{channel}"),
            format!("chart-flow-{channel}"),
        ],
    };
    let instances = StoredValue::new_local(
        chart_ids
            .iter()
            .map(|_| ChartInstance::default())
            .collect::<Vec<_>>(),
    );
    let summary = RwSignal::new(None::<Stats>);
    let last_draw = StoredValue::new(0.0f64);
    let pending = StoredValue::new(false);

    let draw = {
        let channel = channel.clone();
        let ids = chart_ids.clone();
        move || {
            pending.set_value(false);
            last_draw.set_value(js_sys::Date::now());
            let drawn = loader.with_channel(&channel, |load| {
                let segments: Vec<&Columns> = load.segments_columns().collect();
                let (from, to) = load.range();
                let interval = interval
                    .get_untracked()
                    .unwrap_or_else(|| Interval::auto(to - from, DEFAULT_CANDLE_TARGET));
                let charts = match kind {
                    ChannelKind::Trades => {
                        let c = candles(&segments, from, to, interval);
                        vec![trades::price_chart(&c), trades::volume_chart(&c)]
                    }
                    ChannelKind::Orders => vec![
                        orders::orders_chart(&heatmap(
                            &segments,
                            from,
                            to,
                            &HeatmapParams::default(),
                        )),
                        orders::flow_chart(&flow(&segments, from, to, interval)),
                    ],
                };
                (charts, stats(&segments, from, to))
            });
            if let Some((charts, window_stats)) = drawn {
                instances.with_value(|all| {
                    for ((instance, chart), id) in all.iter().zip(&charts).zip(&ids) {
                        instance.draw(id, chart);
                    }
                });
                summary.set(Some(window_stats));
            }
        }
    };
    // Every change of the load asks for a redraw; redraws are throttled, and the last one always happens.
    Effect::new(move |_| {
        snapshot.track();
        interval.track();
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        let wait = (last_draw.get_value() + REDRAW_MS - js_sys::Date::now()).max(0.0);
        let draw = draw.clone();
        set_timeout(draw, std::time::Duration::from_millis(wait as u64));
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        instances.with_value(|all| all.iter().for_each(ChartInstance::resize));
    });
    on_cleanup(move || {
        resize.remove();
        instances.with_value(|all| all.iter().for_each(ChartInstance::dispose));
    });

    let title = match kind {
        ChannelKind::Trades => format!("{} trades", pair_of(&channel)),
        ChannelKind::Orders => format!("{} orders", pair_of(&channel)),
    };
    let charts = chart_ids
        .into_iter()
        .map(|id| view! { <div class="chart" id=id.clone() data-testid=id></div> })
        .collect_view();
    view! {
        <section class="panel channel-panel">
            <h2>{title} " " <span class="muted">{channel.clone()}</span></h2>
            <div class="charts">{charts}</div>
            <StatsTable channel kind summary />
        </section>
    }
}

/// A summary cell: its name (in `stat-<channel>-<name>`) and its value, a plain number in full precision.
type StatCell = (&'static str, fn(&Stats) -> Option<String>);

#[component]
fn StatsTable(
    channel: String,
    kind: ChannelKind,
    summary: RwSignal<Option<Stats>>,
) -> impl IntoView {
    let cells: Vec<StatCell> = match kind {
        ChannelKind::Trades => vec![
            ("open", |s| s.trades.map(|t| t.open.to_string())),
            ("high", |s| s.trades.map(|t| t.high.to_string())),
            ("low", |s| s.trades.map(|t| t.low.to_string())),
            ("close", |s| s.trades.map(|t| t.close.to_string())),
            ("vwap", |s| s.trades.map(|t| t.vwap.to_string())),
            ("volume", |s| s.trades.map(|t| t.volume.to_string())),
            ("quote_volume", |s| {
                s.trades.map(|t| t.quote_volume.to_string())
            }),
            ("buy_sell_ratio", |s| {
                s.trades
                    .and_then(|t| t.buy_sell_ratio)
                    .map(|r| r.to_string())
            }),
            ("trades", |s| s.trades.map(|t| t.count.to_string())),
            ("trades_per_second", |s| {
                s.trades.map(|t| t.trades_per_second.to_string())
            }),
        ],
        ChannelKind::Orders => vec![
            ("created", |s| Some(s.orders.created.total().to_string())),
            ("changed", |s| Some(s.orders.changed.total().to_string())),
            ("deleted", |s| Some(s.orders.deleted.total().to_string())),
            ("added_buy", |s| Some(s.orders.amount_added.buy.to_string())),
            ("added_sell", |s| {
                Some(s.orders.amount_added.sell.to_string())
            }),
        ],
    };
    let rows = cells
        .into_iter()
        .map(|(name, value)| {
            let testid = format!("stat-{channel}-{name}");
            let text = move || {
                summary
                    .with(|s| s.as_ref().and_then(value))
                    .unwrap_or_default()
            };
            view! { <tr><th>{name}</th><td data-testid=testid>{text}</td></tr> }
        })
        .collect_view();
    view! { <table class="stats">{rows}</table> }
}

/// `live_trades_btcusd` → `BTC/USD`.
fn pair_of(channel: &str) -> String {
    let pair = channel.rsplit('_').next().unwrap_or(channel).to_uppercase();
    match pair.len() {
        6 => format!("{}/{}", &pair[..3], &pair[3..]),
        _ => pair,
    }
}
