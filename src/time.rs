//! Times for people, in the chosen time zone: the inputs' ISO 8601 text, readable times for tables and tooltips,
//! and the browser's offset (the only part the core cannot know).

use tickscope_core::{
    TimeSpec, TzMode, format_clock, format_iso, format_iso_with_offset, format_offset, format_utc,
    format_with_offset,
};

/// The browser's clock, µs since the Unix epoch.
pub fn now_us() -> i64 {
    (js_sys::Date::now() * 1000.0) as i64
}

/// A time as the inputs show it: ISO 8601 in UTC or with the browser's offset at that instant.
pub fn time_text(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => format_iso(us),
        TzMode::Local => format_iso_with_offset(us, local_offset_minutes(us)),
    }
}

/// A range's end as the inputs show it: an instant by [`time_text`], a time before now as written (`now-15m`).
pub fn spec_text(spec: TimeSpec, tz: TzMode) -> String {
    match spec {
        TimeSpec::At(us) => time_text(us, tz),
        relative => relative.to_string(),
    }
}

/// A time for reading: `2022-03-21 02:45:00 UTC`, or in the browser's time zone with its offset.
pub fn show_time(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => format_utc(us),
        TzMode::Local => format_with_offset(us, local_offset_minutes(us)),
    }
}

/// The time of day of [`show_time`], with its zone: `04:13:48.002 UTC`.
pub fn clock(us: i64, tz: TzMode) -> String {
    let text = show_time(us, tz);
    text.split_once(' ')
        .map_or(text.clone(), |(_, time)| time.to_owned())
}

/// A time of day to the millisecond in the chosen zone, without naming it (a column of them says it once):
/// `04:13:48.002`.
pub fn clock_ms(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => format_clock(us, 0),
        TzMode::Local => format_clock(us, local_offset_minutes(us)),
    }
}

/// The zone of [`clock_ms`]'s times, for a column's heading: `UTC`, or the browser's offset at `us`.
pub fn zone_name(us: i64, tz: TzMode) -> String {
    match tz {
        TzMode::Utc => "UTC".to_owned(),
        TzMode::Local => format!("UTC{}", format_offset(local_offset_minutes(us))),
    }
}

/// A span for reading: `3 min 20 s`, `2 h 5 min`, `12 s`.
pub fn span(us: i64) -> String {
    let s = us.max(0) / 1_000_000;
    match (s / 3600, s % 3600 / 60, s % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// A span that may be under a second (a gap): `350 ms`, else as [`span`] says (`2 min 5 s`).
pub fn short_span(us: i64) -> String {
    if us < 1_000_000 {
        format!("{} ms", us.max(0) / 1000)
    } else {
        span(us)
    }
}

/// Local time minus UTC at `us`, in minutes (east positive).
fn local_offset_minutes(us: i64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((us / 1000) as f64));
    -(date.get_timezone_offset() as i32)
}
