//! A trades channel's measurement, read out above its price chart: from the price at one instant to the price at
//! another, by how much and in how long, on how much volume in how many trades (core `aggregate::measure`). Each
//! number's exact value is in its `data-value`.

use leptos::prelude::*;
use tickscope_core::aggregate::{Measure, measure};
use tickscope_core::format::{count, grouped};

use super::channel_panel::PanelContext;
use crate::charts::measure::Measuring;
use crate::time::{clock_ms, short_span, show_time, zone_name};

/// `+` before a rise: a change reads as one.
fn signed(text: String, value: f64) -> String {
    if value > 0.0 && !text.starts_with('-') {
        format!("+{text}")
    } else {
        text
    }
}

#[component]
pub fn MeasureView(context: PanelContext) -> impl IntoView {
    let PanelContext { data, form, .. } = context;
    let (name, decimals, (base, quote)) = data.with_value(|d| {
        let c = d.channel();
        (c.name().to_owned(), c.price_decimals(), c.currencies())
    });
    let preview = use_context::<Measuring>().map(|m| m.preview);
    let dragging = move || preview.is_some_and(|p| p.with(Option::is_some));
    let span = move || preview.and_then(|p| p.get()).or(form.measure.get());
    // `None`: nothing is measured; `Some(None)`: no trade is loaded by the later instant.
    let measured = Memo::new(move |_| {
        let (a, b) = span()?;
        Some(
            data.try_with_value(|d| d.read_chunks(|chunks, _| measure(chunks, a, b)))
                .flatten(),
        )
    });
    let container = format!("measure-{name}");
    let id = move |what: &str| format!("measure-{what}-{name}");
    let clear = id("clear");
    let shown = move |m: &Measure| {
        let tz = form.tz.get();
        let change = signed(grouped(m.change, decimals), m.change);
        let percent = m.percent.map(|p| signed(grouped(p, 3), p));
        let (volume, trades) = m.between.map_or((0.0, 0), |t| (t.volume, t.count));
        // No trade is loaded by the first instant: the change is from the first one after it.
        let first_loaded = (m.start.ts > m.from).then(|| {
            format!(
                " (from the first loaded trade, at {})",
                clock_ms(m.start.ts, tz)
            )
        });
        let span_title = format!(
            "{} to {}; the prices of the trades at {} and {}",
            show_time(m.from, tz),
            show_time(m.to, tz),
            clock_ms(m.start.ts, tz),
            clock_ms(m.end.ts, tz)
        );
        view! {
            <span title=span_title>
                {format!("{} → {} ({}): ", clock_ms(m.from, tz), clock_ms(m.to, tz), zone_name(m.from, tz))}
            </span>
            <b data-testid=id("change") data-value=m.change.to_string()>{format!("{change} {quote}")}</b>
            <span data-testid=id("percent") data-value=m.percent.map(|p| p.to_string())>
                {percent.map(|p| format!(" ({p} %)"))}
            </span>
            " in "
            <span data-testid=id("duration") data-value=(m.to - m.from).to_string()>{short_span(m.to - m.from)}</span>
            ", "
            <span data-testid=id("volume") data-value=volume.to_string()>{format!("{} {base}", grouped(volume, 4))}</span>
            " in "
            <span data-testid=id("trades") data-value=trades.to_string()>
                {format!("{} trade{}", count(trades), if trades == 1 { "" } else { "s" })}
            </span>
            <span class="muted">{first_loaded}</span>
        }
        .into_any()
    };
    // Copyable, for the view that re-renders it.
    let shown = StoredValue::new(shown);
    // The line is always there, a hint until something is measured: the charts under it do not move when a drag
    // begins.
    let hint = || view! { <span class="muted">"Shift-drag across the prices (or turn on Measure and drag) to measure between two instants"</span> };
    view! {
        <p class="measure">
            <Show when=move || measured.with(Option::is_some) fallback=hint>
                <span data-testid=container.clone() data-dragging=move || dragging().to_string()
                    data-from=move || span().map(|m| m.0.to_string())
                    data-to=move || span().map(|m| m.1.to_string())>
                    // First: when the line wraps, the button stays where it was.
                    <button class="clear" data-testid=clear.clone() title="Clear the measurement (Esc)"
                        aria-label="Clear the measurement" on:click=move |_| form.measure.set(None)>"×"</button>
                    " Measured "
                    {move || match measured.get().flatten() {
                        Some(m) => shown.with_value(|shown| shown(&m)),
                        None => "no trade is loaded by the later instant".into_any(),
                    }}
                </span>
            </Show>
        </p>
    }
}
