//! One channel's panel: its charts (a trades or an orders pair), its statistics, its CSV export, and a trades
//! channel's time and sales. The panel holds a handle to its own channel's data; what it draws comes from one
//! memo of the draw inputs, and its statistics from their own, so a panel out of sight still shows current
//! numbers.

use leptos::prelude::*;
use tickscope_core::chart_text::chart_texts;
use tickscope_core::{ChannelKind, Columns, Shade, ZoomFrame, items_csv};

use super::live_badge::LiveBadge;
use super::orders_charts::OrdersCharts;
use super::stats_table::{PanelStats, StatsTable};
use super::tape_view::TapeView;
use super::trades_charts::TradesCharts;
use crate::charts::Look;
use crate::charts::redraw::DrawInputs;
use crate::download;
use crate::form::Form;
use crate::gaps::Gaps;
use crate::loader::{ChannelData, Status, TimeAxis};
use crate::visibility::use_visible;

/// What a panel's parts share: its data, the form, the gaps, and the memo of what its charts draw.
#[derive(Clone, Copy)]
pub struct PanelContext {
    pub data: StoredValue<ChannelData, LocalStorage>,
    pub form: Form,
    pub gaps: Gaps,
    pub inputs: Memo<DrawInputs>,
    pub axis: TimeAxis,
    /// The text alternatives of the panel's two time charts (`tickscope_core::chart_text`).
    pub texts: Memo<[String; 2]>,
}

impl PanelContext {
    /// The charts' time axis: the load's whole range.
    pub fn range(&self) -> Option<(i64, i64)> {
        self.axis.range()
    }

    /// Reads the channel's chunks and its loaded range; `None` once the panel is gone (a throttled draw or an
    /// idle task may come after).
    pub fn with_chunks<T>(&self, f: impl FnOnce(&[&Columns], (i64, i64)) -> T) -> Option<T> {
        self.data.try_with_value(|d| d.with_chunks(f))
    }

    /// Reads the channel's chunks and the frame that `zoom` makes of the charts' range; `None` once the panel is
    /// gone.
    pub fn with_frame<T>(
        &self,
        zoom: Option<(i64, i64)>,
        f: impl FnOnce(&[&Columns], &ZoomFrame) -> T,
    ) -> Option<T> {
        self.with_chunks(|chunks, range| {
            let (from, to) = self.axis.range().unwrap_or(range);
            f(chunks, &ZoomFrame::new(from, to, zoom))
        })
    }

    /// The channel's gaps over `frame`'s range, as its charts shade them.
    pub fn gap_shades(&self, frame: &ZoomFrame) -> Vec<Shade> {
        self.data
            .try_with_value(|d| self.gaps.shades_of(d.channel(), frame.from, frame.to))
            .unwrap_or_default()
    }
}

#[component]
pub fn ChannelPanel(data: ChannelData, form: Form, status: Signal<Status>) -> impl IntoView {
    let channel = data.channel().clone();
    let version = data.version();
    let badge_data = data.clone();
    let data = StoredValue::new_local(data);
    // While pages arrive, a panel out of sight waits: drawing heatmaps nobody sees took a third of the main
    // thread in a load (bench/run.mjs). It draws when it comes into sight, and every panel draws when the load ends.
    let section = NodeRef::<leptos::html::Section>::new();
    let visible = use_visible(section);
    let gaps = expect_context::<Gaps>();
    let inputs = draw_inputs(
        form,
        gaps,
        status,
        move || version.get(),
        move || !visible.get() && status.get() == Status::Loading,
    );
    let stats = PanelStats::memo(data, form.zoom);
    let texts_of = channel.clone();
    let context = PanelContext {
        data,
        form,
        gaps,
        inputs,
        axis: expect_context::<TimeAxis>(),
        texts: Memo::new(move |_| chart_texts(&texts_of, &stats.get().visible)),
    };
    let items = Memo::new(move |_| data.with_value(|d| d.read(|load| load.items())));

    let (title, charts, tape) = match channel.kind() {
        ChannelKind::Trades => (
            format!("{} trades", channel.pair_label()),
            view! { <TradesCharts context /> }.into_any(),
            Some(view! { <TapeView context /> }),
        ),
        ChannelKind::Orders => (
            format!("{} orders", channel.pair_label()),
            view! { <OrdersCharts context /> }.into_any(),
            None,
        ),
    };
    let save_csv = move |_| {
        let (bytes, name) = data.with_value(|d| {
            d.with_chunks(|chunks, (from, to)| {
                (
                    items_csv(d.channel(), chunks),
                    format!("{}-{from}-{to}.csv", d.channel()),
                )
            })
        });
        if let Err(e) = download::save_bytes(&bytes, &name, "text/csv") {
            web_sys::console::error_1(&e);
        }
    };
    let name = channel.name().to_owned();
    view! {
        <section class="panel channel-panel" node_ref=section>
            <h2>{title} " " <span class="muted">{name.clone()}</span> <LiveBadge data=badge_data status /></h2>
            <div class="panel-body">
                <div class="charts">{charts}</div>
                <aside class="side">
                    <StatsTable channel tz=form.tz.into() stats=stats.into() />
                    <button data-testid=format!("export-csv-{name}") on:click=save_csv>
                        "Download CSV (" {move || tickscope_core::format::count(items.get() as u64)} " items)"
                    </button>
                    {tape}
                </aside>
            </div>
        </section>
    }
}

/// The memo of everything a chart of this data draws from: the look, the zoom, the data's and the gaps' versions,
/// whether it waits (`deferred`), and whether pages are arriving.
pub fn draw_inputs(
    form: Form,
    gaps: Gaps,
    status: Signal<Status>,
    version: impl Fn() -> u64 + Send + Sync + 'static,
    deferred: impl Fn() -> bool + Send + Sync + 'static,
) -> Memo<DrawInputs> {
    Memo::new(move |_| DrawInputs {
        look: Look {
            tz: form.tz.get(),
            view: form.view.get(),
            iv: form.iv.get(),
        },
        zoom: form.zoom.get(),
        version: version(),
        gaps: gaps.version(),
        deferred: deferred(),
        loading: status.get() == Status::Loading,
    })
}
