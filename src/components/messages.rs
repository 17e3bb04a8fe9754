//! Everything the user should know went wrong, as text (never HTML: messages may quote a link or an API).

use leptos::prelude::*;

#[component]
pub fn Messages(messages: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <Show when=move || !messages.with(Vec::is_empty)>
            <div class="error" role="alert" data-testid="error-message">
                <For each=move || messages.get() key=|m| m.clone() let(message)>
                    <p>{message}</p>
                </For>
            </div>
        </Show>
    }
}
