//! One channel's charts, summary and exports, redrawn a few times a second while its pages arrive and for the
//! visible window whenever the charts are zoomed.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use tickscope_core::aggregate::{Stats, stats};
use tickscope_core::{ChannelKind, Columns, Side, ZoomFrame, items_csv, pair_label};

use crate::charts::instance::{ChartInstance, manage};
use crate::charts::panel::{Look, orders_options, trades_options};
use crate::charts::redraw::throttled_redraw;
use crate::charts::set;
use crate::charts::tooltip::{TooltipData, candle_tooltip};
use crate::charts::zoom::zoom_handler;
use crate::download;
use crate::form::Form;
use crate::loader::{Loader, Snapshot, Status};
use crate::visibility::use_visible;

#[component]
pub fn ChannelPanel(
    channel: String,
    loader: Loader,
    snapshot: Signal<Snapshot>,
    form: Form,
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
    let tooltip: TooltipData = Rc::new(RefCell::new(None));
    // One formatter for the panel's life; each draw hands it the new candles through `tooltip`.
    let formatter = StoredValue::new_local(candle_tooltip(tooltip.clone()));
    let summary = RwSignal::new(None::<Stats>);
    // This channel's item count: the panel redraws when it changes, not for other channels' pages.
    let items = {
        let channel = channel.clone();
        Memo::new(move |_| snapshot.with(|s| s.channel(&channel).map_or(0, |c| c.items)))
    };
    let range = {
        let channel = channel.clone();
        move || loader.with_channel(&channel, |load| load.range())
    };

    let draw = {
        let channel = channel.clone();
        let ids = chart_ids.clone();
        move || {
            let look = Look {
                tz: form.tz.get_untracked(),
                view: form.view.get_untracked(),
                iv: form.iv.get_untracked(),
            };
            let drawn = loader.with_channel(&channel, |load| {
                let chunks: Vec<&Columns> = load.chunks().collect();
                let (from, to) = load.range();
                let frame = ZoomFrame::new(from, to, form.zoom.get_untracked());
                let interval = frame.interval(look.iv);
                let options = match kind {
                    ChannelKind::Trades => {
                        let (options, c) = trades_options(&chunks, &frame, interval, look);
                        *tooltip.borrow_mut() = Some((c, look.tz));
                        options
                    }
                    ChannelKind::Orders => orders_options(&chunks, &frame, interval, look),
                };
                (options, stats(&chunks, from, to))
            });
            let Some((options, load_stats)) = drawn else {
                return;
            };
            instances.with_value(|all| {
                for ((instance, option), id) in all.iter().zip(&options).zip(&ids) {
                    if kind == ChannelKind::Trades {
                        formatter.with_value(|f| {
                            set(option, &["tooltip", "formatter"], f.as_ref().clone())
                        });
                    }
                    // The heatmap's axes are categories: it follows the zoom, it does not join it.
                    let zoomable = !id.starts_with("chart-orders-");
                    let on_zoom = || zoom_handler(form.zoom, range.clone());
                    instance.draw(id, option, zoomable.then_some(&on_zoom as &dyn Fn() -> _));
                }
            });
            summary.set(Some(load_stats));
        }
    };
    // While pages arrive, a panel out of sight waits: drawing heatmaps nobody sees took a third of the main
    // thread in a load (bench/run.mjs). It draws when it comes into sight, and every panel draws when the load ends.
    let section = NodeRef::<leptos::html::Section>::new();
    let visible = use_visible(section);
    let deferred =
        Memo::new(move |_| !visible.get() && snapshot.with(|s| s.status == Status::Loading));
    // Every change of the load or the chart settings asks for a redraw.
    throttled_redraw(
        move || {
            items.track();
            deferred.track();
            form.iv.track();
            form.view.track();
            form.zoom.track();
            form.tz.track();
        },
        move || {
            if !deferred.get_untracked() {
                draw();
            }
        },
    );
    manage(instances);

    let title = match kind {
        ChannelKind::Trades => format!("{} trades", pair_label(&channel)),
        ChannelKind::Orders => format!("{} orders", pair_label(&channel)),
    };
    let charts = chart_ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let save_png = {
                let id = id.clone();
                move |_| {
                    let url = instances.with_value(|all| all[i].png());
                    if let Some(url) = url {
                        let _ = download::save_url(&url, &format!("{id}.png"));
                    }
                }
            };
            view! {
                <figure class="chart-box">
                    <div class="chart" id=id.clone() data-testid=id.clone()></div>
                    <button class="png" data-testid=format!("export-png-{id}") on:click=save_png>"PNG"</button>
                </figure>
            }
        })
        .collect_view();
    let save_csv = {
        let channel = channel.clone();
        move |_| {
            let file = loader.with_channel(&channel, |load| {
                let chunks: Vec<&Columns> = load.chunks().collect();
                let (from, to) = load.range();
                (
                    items_csv(&channel, &chunks),
                    format!("{channel}-{from}-{to}.csv"),
                )
            });
            if let Some((bytes, name)) = file
                && let Err(e) = download::save_bytes(&bytes, &name, "text/csv")
            {
                web_sys::console::error_1(&e);
            }
        }
    };
    view! {
        <section class="panel channel-panel" node_ref=section>
            <h2>{title} " " <span class="muted">{channel.clone()}</span></h2>
            <div class="panel-body">
                <div class="charts">{charts}</div>
                <aside class="side">
                    <StatsTable channel=channel.clone() kind summary />
                    <button data-testid=format!("export-csv-{channel}") on:click=save_csv>
                        "Download CSV (" {items} " items)"
                    </button>
                </aside>
            </div>
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
            ("bid_events", |s| {
                Some(s.orders.of_side(Side::Buy).to_string())
            }),
            ("ask_events", |s| {
                Some(s.orders.of_side(Side::Sell).to_string())
            }),
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
