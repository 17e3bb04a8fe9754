//! An orders channel's order book at one instant (under the pointer over a time chart, else the pinned one, the
//! link's `at`, else the end of the range): best bid, best ask
//! and spread, and the depth chart, rebuilt from the loaded events by `tickscope_core::book`'s rule. Orders
//! placed before the range and not touched in it are unknown, and the panel says so.

use std::time::Duration;

use leptos::prelude::*;
use tickscope_core::book::BookReplay;
use tickscope_core::format::grouped;

use super::channel_panel::PanelContext;
use super::chart_box::ChartBox;
use super::value_cell::ValueCell;
use crate::charts::depth::depth_options;
use crate::charts::instance::Chart;
use crate::charts::pointer::Pointer;
use crate::charts::redraw::{DrawInputs, Throttled, throttled_redraw};
use crate::time::show_time;

/// What the book is drawn from: the panel's inputs (the data's version among them) and the instant.
#[derive(Clone, Copy, Debug, PartialEq)]
struct BookInputs {
    draw: DrawInputs,
    at: Option<i64>,
}

impl Throttled for BookInputs {
    fn deferred(&self) -> bool {
        self.draw.deferred
    }

    fn loading(&self) -> bool {
        self.draw.loading
    }
}

/// The book's top at the instant shown.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Top {
    at: i64,
    /// The start of the loaded range: the book knows the orders of the events since.
    since: i64,
    /// The events loaded when it was rebuilt (while loading, fewer than there will be).
    events: usize,
    bid: Option<f64>,
    ask: Option<f64>,
    spread: Option<f64>,
}

/// Events a slice of taking checkpoints ahead replays: a few ms of the main thread.
const PREPARE_SLICE: usize = 32_768;

/// Takes the replay's checkpoints over the whole load, a slice per task, so that the first move to a late instant
/// is as quick as any (a cold move replays every event before it: 40 ms for 331,070). Once at a time; a slice
/// after a change of the data starts over (`BookReplay::prepare`).
fn prepare_ahead(
    context: PanelContext,
    replay: StoredValue<BookReplay>,
    preparing: StoredValue<bool>,
) {
    if preparing.get_value() {
        return;
    }
    preparing.set_value(true);
    fn slice(context: PanelContext, replay: StoredValue<BookReplay>, preparing: StoredValue<bool>) {
        let done = context
            .with_chunks(|chunks, _| replay.try_update_value(|r| r.prepare(chunks, PREPARE_SLICE)))
            .flatten()
            // The panel is gone.
            .unwrap_or(true);
        if done {
            preparing.try_set_value(false);
        } else {
            set_timeout(move || slice(context, replay, preparing), Duration::ZERO);
        }
    }
    set_timeout(move || slice(context, replay, preparing), Duration::ZERO);
}

#[component]
pub fn BookView(
    context: PanelContext,
    /// The panel's replay of the channel's events, shared with its book over time.
    replay: StoredValue<BookReplay>,
) -> impl IntoView {
    let PanelContext {
        data, form, inputs, ..
    } = context;
    let (name, decimals) =
        data.with_value(|d| (d.channel().name().to_owned(), d.channel().price_decimals()));
    let depth = Chart::new(format!("chart-depth-{name}"), None);
    let preparing = StoredValue::new(false);
    let top = RwSignal::new(None::<Top>);
    let pointer = expect_context::<Pointer>();
    let book_inputs = Memo::new(move |_| BookInputs {
        draw: inputs.get(),
        at: pointer.instant(),
    });
    throttled_redraw(book_inputs, move |i| {
        let drawn = context.with_chunks(|chunks, (since, end)| {
            let at = i.at.unwrap_or(end);
            replay.try_update_value(|r| {
                let book = r.seek(chunks, at);
                let top = Top {
                    at,
                    since,
                    events: chunks.iter().map(|c| c.len()).sum(),
                    bid: book.best_bid(),
                    ask: book.best_ask(),
                    spread: book.spread(),
                };
                (top, depth_options(book))
            })
        });
        if let Some((shown, option)) = drawn.flatten() {
            top.set(Some(shown));
            depth.draw(&option);
        }
        if !i.draw.loading {
            prepare_ahead(context, replay, preparing);
        }
    });
    let value = move |pick: fn(&Top) -> Option<f64>| {
        Signal::derive(move || top.get().as_ref().and_then(pick))
    };
    let price = move |v: f64| grouped(v, decimals);
    let heading = move || {
        top.get()
            .map(|t| format!("Book at {}", show_time(t.at, form.tz.get())))
            .unwrap_or_default()
    };
    let note = move || {
        top.get()
            .map(|t| {
                format!(
                    "Rebuilt from the events loaded since {}: orders placed before then and not changed since are \
                     not in it.",
                    show_time(t.since, form.tz.get())
                )
            })
            .unwrap_or_default()
    };
    let unpin_id = format!("book-unpin-{name}");
    view! {
        <ChartBox chart=depth text="The amount bid and asked at the instant, cumulated from the best price; the best bid, best ask and spread are in the table below.".to_owned() />
        <div class="book">
            <table class="stats">
                <thead>
                    <tr>
                        <th></th>
                        <th data-testid=format!("book-at-{name}") data-value=move || top.get().map(|t| t.at.to_string())
                            data-events=move || top.get().map(|t| t.events.to_string())>
                            {heading}
                            <Show when=move || pointer.pinned.get().is_some()>
                                " "
                                <button class="unpin" data-testid=unpin_id.clone()
                                    title="Show the book at the end of the range again"
                                    on:click=move |_| pointer.pinned.set(None)>"Unpin"</button>
                            </Show>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <tr><th>"Best bid"</th><ValueCell testid=format!("book-bid-{name}") value=value(|t| t.bid) read=price /></tr>
                    <tr><th>"Best ask"</th><ValueCell testid=format!("book-ask-{name}") value=value(|t| t.ask) read=price /></tr>
                    <tr><th>"Spread"</th><ValueCell testid=format!("book-spread-{name}") value=value(|t| t.spread) read=price /></tr>
                </tbody>
            </table>
            <p class="muted book-note" data-testid=format!("book-note-{name}")>{note}</p>
        </div>
    }
}
