//! A channel's statistics for people: the visible window's (the `stat-<channel>-<name>` cells; with no zoom, the
//! whole load) and, once zoomed, the whole load's beside them. Each cell shows its value formatted and keeps the
//! exact value in `data-value` and its title.

use leptos::prelude::*;
use tickscope_core::aggregate::{Stats, stats};
use tickscope_core::format::{compact_money, count, grouped, significant};
use tickscope_core::{Channel, ChannelKind, Side, TzMode, ZoomFrame};

use super::value_cell::ValueCell;
use crate::loader::ChannelData;
use crate::time::{clock, show_time, span};

/// The statistics a panel shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelStats {
    pub visible: Stats,
    pub whole: Stats,
    /// The visible window, when the charts are zoomed.
    pub zoomed: Option<(i64, i64)>,
}

impl PanelStats {
    /// The statistics of `data`, redone when items arrive and, for the visible window, when `zoom` changes: the
    /// whole load's are a memo of their own, not recomputed by every zoom.
    pub fn memo(
        data: StoredValue<ChannelData, LocalStorage>,
        zoom: RwSignal<Option<(i64, i64)>>,
    ) -> Memo<Self> {
        let whole = Memo::new(move |_| {
            data.with_value(|d| d.read_chunks(|chunks, (from, to)| stats(chunks, from, to)))
        });
        Memo::new(move |_| {
            let whole = whole.get();
            let zoom = zoom.get();
            data.with_value(|d| {
                d.read_chunks(|chunks, (from, to)| {
                    let zoomed = ZoomFrame::new(from, to, zoom).zoom();
                    let visible = zoomed.map_or(whole, |(a, b)| stats(chunks, a, b));
                    Self {
                        visible,
                        whole,
                        zoomed,
                    }
                })
            })
        })
    }
}

/// How a value reads.
#[derive(Clone, Copy)]
enum Shown {
    /// At the market's precision.
    Price,
    /// In the base currency, with its code.
    Base,
    /// Money in the quote currency, compact.
    Quote,
    /// A ratio or a rate: three significant digits.
    Ratio,
    Count,
}

/// A row: its name in `stat-<channel>-<name>`, its label, how it reads, and its value.
type Row = (&'static str, &'static str, Shown, fn(&Stats) -> Option<f64>);

const TRADE_ROWS: [Row; 10] = [
    ("open", "Open", Shown::Price, |s| s.trades.map(|t| t.open)),
    ("high", "High", Shown::Price, |s| s.trades.map(|t| t.high)),
    ("low", "Low", Shown::Price, |s| s.trades.map(|t| t.low)),
    ("close", "Close", Shown::Price, |s| {
        s.trades.map(|t| t.close)
    }),
    ("vwap", "VWAP", Shown::Price, |s| s.trades.map(|t| t.vwap)),
    ("volume", "Volume", Shown::Base, |s| {
        s.trades.map(|t| t.volume)
    }),
    ("quote_volume", "Quote volume", Shown::Quote, |s| {
        s.trades.map(|t| t.quote_volume)
    }),
    ("buy_sell_ratio", "Buy/sell ratio", Shown::Ratio, |s| {
        s.trades.and_then(|t| t.buy_sell_ratio)
    }),
    ("trades", "Trades", Shown::Count, |s| {
        s.trades.map(|t| t.count as f64)
    }),
    (
        "trades_per_second",
        "Trades per second",
        Shown::Ratio,
        |s| s.trades.map(|t| t.trades_per_second),
    ),
];

const ORDER_ROWS: [Row; 7] = [
    ("created", "Created", Shown::Count, |s| {
        Some(s.orders.created.total() as f64)
    }),
    ("changed", "Changed", Shown::Count, |s| {
        Some(s.orders.changed.total() as f64)
    }),
    ("deleted", "Deleted", Shown::Count, |s| {
        Some(s.orders.deleted.total() as f64)
    }),
    ("bid_events", "Bid events", Shown::Count, |s| {
        Some(s.orders.of_side(Side::Buy) as f64)
    }),
    ("ask_events", "Ask events", Shown::Count, |s| {
        Some(s.orders.of_side(Side::Sell) as f64)
    }),
    ("added_buy", "Added, bids", Shown::Base, |s| {
        Some(s.orders.amount_added.buy)
    }),
    ("added_sell", "Added, asks", Shown::Base, |s| {
        Some(s.orders.amount_added.sell)
    }),
];

#[component]
pub fn StatsTable(
    channel: Channel,
    tz: Signal<TzMode>,
    stats: Signal<PanelStats>,
) -> impl IntoView {
    let rows: &[Row] = match channel.kind() {
        ChannelKind::Trades => &TRADE_ROWS,
        ChannelKind::Orders => &ORDER_ROWS,
    };
    let zoomed = move || stats.with(|s| s.zoomed.is_some());
    let heading = move || {
        stats.with(|s| match s.zoomed {
            Some((a, b)) => format!("Visible: {} from {}", span(b - a), clock(a, tz.get())),
            None => "Whole load".to_owned(),
        })
    };
    let window = move || {
        stats.with(|s| {
            s.zoomed
                .map(|(a, b)| format!("{} to {}", show_time(a, tz.get()), show_time(b, tz.get())))
        })
    };
    let (base, quote) = channel.currencies();
    let decimals = channel.price_decimals();
    let name = channel.name().to_owned();
    let body = rows
        .iter()
        .map(|&(key, label, shown, value)| {
            let (base, quote, name) = (base.clone(), quote.clone(), name.clone());
            let read = move |v: f64| match shown {
                Shown::Price => grouped(v, decimals),
                Shown::Base => format!("{} {base}", grouped(v, 4)),
                Shown::Quote => compact_money(v, &quote),
                Shown::Ratio => significant(v),
                Shown::Count => count(v as u64),
            };
            let read_all = read.clone();
            let visible = move || stats.with(|s| value(&s.visible));
            let whole = move || stats.with(|s| value(&s.whole));
            view! {
                <tr>
                    <th>{label}</th>
                    <ValueCell testid=format!("stat-{name}-{key}") value=Signal::derive(visible) read />
                    <Show when=zoomed>
                        <ValueCell testid=format!("stat-{name}-{key}-all") value=Signal::derive(whole)
                            read=read_all.clone() />
                    </Show>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="stats">
            <thead>
                <tr>
                    <th></th>
                    <th data-testid=format!("stats-window-{}", channel.name()) title=window>{heading}</th>
                    <Show when=zoomed><th>"Whole load"</th></Show>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
