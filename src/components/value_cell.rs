//! A table cell showing a number for people, its exact value in `data-value` and its title.

use leptos::prelude::*;

/// A value formatted by `read`; empty while there is none.
#[component]
pub fn ValueCell(
    testid: String,
    value: Signal<Option<f64>>,
    read: impl Fn(f64) -> String + Send + Sync + 'static,
) -> impl IntoView {
    let exact = move || value.get().map(|v| v.to_string());
    view! {
        <td data-testid=testid data-value=exact title=exact>
            {move || value.get().map(&read).unwrap_or_default()}
        </td>
    }
}
