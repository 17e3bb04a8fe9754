//! The volume profile in words, its text alternative: the point of control and the value area, with their exact
//! bucket indices and the buckets' edges in data attributes.

use leptos::prelude::*;
use tickscope_core::aggregate::Profile;
use tickscope_core::format::significant;

use crate::charts::profile::bucket_prices;

fn describe(p: &Profile, decimals: usize, unit: &str) -> Option<String> {
    let (poc, area) = (p.poc?, p.value_area?);
    let all: f64 = (0..p.volume.len()).map(|i| p.total(i)).sum();
    Some(format!(
        "Volume profile of the visible window: most traded at {} ({} of {} {unit}); 70 % of the volume between {}.",
        bucket_prices(p, (poc, poc), decimals),
        significant(p.total(poc)),
        significant(all),
        bucket_prices(p, area, decimals),
    ))
}

#[component]
pub fn ProfileSummary(
    name: String,
    summary: RwSignal<Option<Profile>>,
    decimals: usize,
    /// The traded currency: what the volume is counted in.
    unit: String,
) -> impl IntoView {
    let attr = move |pick: fn(&Profile) -> Option<String>| {
        move || summary.with(|p| p.as_ref().and_then(pick))
    };
    view! {
        <p class="muted chart-summary" data-testid=format!("profile-summary-{name}")
            data-low=attr(|p| Some(p.low.to_string())) data-step=attr(|p| Some(p.step.to_string()))
            data-poc=attr(|p| p.poc.map(|i| i.to_string()))
            data-value-area=attr(|p| p.value_area.map(|(lo, hi)| format!("{lo},{hi}")))>
            {move || summary.with(|p| p.as_ref().and_then(|p| describe(p, decimals, &unit)))}
        </p>
    }
}
