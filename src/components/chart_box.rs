//! A chart's box on the page: its container (the chart's id is its test id), its text alternative and its PNG
//! export.

use leptos::prelude::*;

use crate::charts::instance::Chart;
use crate::download;

#[component]
pub fn ChartBox(
    chart: Chart,
    /// The chart's text alternative: what it shows, in words (`aria-label` on the chart, which is an image).
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let id = chart.id();
    let name = format!("{id}.png");
    let save_png = move |_| {
        if let Some(url) = chart.png() {
            let _ = download::save_url(&url, &name);
        }
    };
    view! {
        <figure class="chart-box">
            <div class="chart" id=id.clone() data-testid=id.clone() role="img" aria-label=move || text.get()></div>
            <button class="png" data-testid=format!("export-png-{id}") on:click=save_png>"PNG"</button>
        </figure>
    }
}
