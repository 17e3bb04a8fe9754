//! The dashboard's whole view in the URL query string, so that a link reproduces it:
//!
//! | key    | value                                                                 | default          |
//! |--------|-----------------------------------------------------------------------|------------------|
//! | `api`  | base URL of the API, `http://` or `https://`                          | none (app's own) |
//! | `ch`   | comma-separated channel names, e.g. `live_trades_btcusd,live_orders_ethusd` | none       |
//! | `from` | ISO 8601 (`2022-03-21T02:45:00Z`, `…00.123456Z`), integer µs, `now` or `now-<N><s/m/h/d>` | none |
//! | `to`   | same as `from`; `from <= to`                                          | none             |
//! | `follow` | `1`: keep asking for new items once the range's end is reached       | `0`              |
//! | `tz`   | `utc` or `local`: how times are shown                                 | `utc`            |
//! | `k`    | parallel segments per channel, 1..=16                                 | planned from the data |
//! | `inflight` | requests in flight, 1..=128                                       | by the API's protocol |
//! | `cache` | `0`: neither read nor keep loaded items in the browser's cache       | `1`              |
//! | `iv`   | the charts' interval: `1s` `5s` `15s` `1m` `5m` `15m` `1h`            | auto             |
//! | `view` | how prices are drawn: `candles` or `line`                             | `candles`        |
//! | `zoom` | the charts' visible window, `<from>,<to>` (each as `from` and `to`)   | the whole range  |
//! | `at`   | the order book's instant (as `from`), inside the range                | the range's end  |
//! | `measure` | a measurement between two instants of the price charts, `<from>,<to>`, inside the range | none |
//!
//! Any other key is kept as it is and written back, so that keys added later survive
//! a round trip through a version that does not know them. Parsing never fails: a bad value is replaced by its
//! default and a warning says what was wrong and what is used instead.

use std::collections::BTreeMap;

use crate::aggregate::Interval;
use crate::channel::Channel;

mod time;
mod time_spec;

use time::{US_PER_DAY, civil_from_days, parse_iso};
pub use time::{
    format_clock, format_iso, format_iso_with_offset, format_offset, format_utc, format_with_offset,
};
pub use time_spec::TimeSpec;

pub const MAX_K: u8 = 16;
/// The most requests in flight a link may ask for.
pub const MAX_IN_FLIGHT: u8 = 128;

/// How times are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TzMode {
    #[default]
    Utc,
    /// The browser's time zone (the caller supplies the offset; see [`format_with_offset`]).
    Local,
}

impl TzMode {
    pub fn name(self) -> &'static str {
        match self {
            Self::Utc => "utc",
            Self::Local => "local",
        }
    }
}

/// How a trades channel's prices are drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PriceView {
    /// OHLC candles per interval, with the VWAP line.
    #[default]
    Candles,
    /// The close per interval as a line, with the VWAP line.
    Line,
}

impl PriceView {
    pub const ALL: [PriceView; 2] = [Self::Candles, Self::Line];

    pub fn name(self) -> &'static str {
        match self {
            Self::Candles => "candles",
            Self::Line => "line",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// Everything the URL says about the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// Base URL of the API (`http(s)://...`); `None`: the app's default.
    pub api: Option<String>,
    /// The channels, no repeats, in the URL's order.
    pub channels: Vec<Channel>,
    /// Inclusive range: instants (µs since the Unix epoch, non-negative) or times before now; `None`: the app's
    /// default.
    pub from: Option<TimeSpec>,
    pub to: Option<TimeSpec>,
    /// Once the load reaches now, keep asking for what is newer.
    pub follow: bool,
    pub tz: TzMode,
    /// Parallel segments per channel, 1..=16, as the user fixed them; `None`: planned from the data (see
    /// `first_round`).
    pub k: Option<u8>,
    /// Requests in flight, 1..=128; `None`: by the API's protocol (48 over HTTP/2, 6 over HTTP/1.1).
    pub inflight: Option<u8>,
    /// Read what the browser's cache holds of the range, and keep what is loaded there.
    pub cache: bool,
    /// The charts' interval; `None`: chosen from the visible window.
    pub iv: Option<Interval>,
    pub view: PriceView,
    /// The charts' visible window, µs, `from < to`; `None`: the whole range.
    pub zoom: Option<(i64, i64)>,
    /// The instant the order book is shown at (µs, pinned by a click on a time chart); `None`: the range's end.
    pub at: Option<i64>,
    /// The instants a measurement of the price charts is between, µs, `from < to`; `None`: no measurement.
    pub measure: Option<(i64, i64)>,
    /// Keys this version does not know, with their values, written back unchanged.
    pub extra: BTreeMap<String, String>,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            api: None,
            channels: Vec::new(),
            from: None,
            to: None,
            follow: false,
            tz: TzMode::Utc,
            k: None,
            inflight: None,
            cache: true,
            iv: None,
            view: PriceView::Candles,
            zoom: None,
            at: None,
            measure: None,
            extra: BTreeMap::new(),
        }
    }
}

impl ViewState {
    /// Reads a query string (with or without the leading `?`). Never fails: bad values become defaults, each
    /// with a warning. An empty value (`from=`) means the default, without a warning.
    pub fn parse(query: &str) -> (Self, Vec<String>) {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut state = Self::default();
        let mut warnings = Vec::new();
        let mut given: Vec<String> = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key.is_empty() {
                continue;
            }
            if given.iter().any(|k| *k == key) {
                warnings.push(format!(
                    "`{}` is given more than once; using the first value",
                    clip(&key)
                ));
                continue;
            }
            given.push(key.to_string());
            let raw = value;
            let value = raw.trim();
            match key.as_ref() {
                "api" | "ch" | "from" | "to" | "follow" | "tz" | "k" | "inflight" | "cache" | "iv"
                | "view" | "zoom" | "at" | "measure"
                    if value.is_empty() => {}
                "api" => match check_api(value) {
                    Ok(()) => state.api = Some(value.to_owned()),
                    Err(why) => warnings.push(format!(
                        "`api` {:?} {why}; using the default API",
                        clip(value)
                    )),
                },
                "ch" => state.channels = parse_channels(value, &mut warnings),
                "from" => state.from = parse_time_param("from", value, "start", &mut warnings),
                "to" => state.to = parse_time_param("to", value, "end", &mut warnings),
                "follow" => match parse_switch(value) {
                    Some(on) => state.follow = on,
                    None => warnings.push(format!(
                        "`follow` {:?} is not `1` or `0`; not following",
                        clip(value)
                    )),
                },
                "cache" => match parse_switch(value) {
                    Some(on) => state.cache = on,
                    None => warnings.push(format!(
                        "`cache` {:?} is not `1` or `0`; using the cache",
                        clip(value)
                    )),
                },
                "tz" => match value.to_ascii_lowercase().as_str() {
                    "utc" => state.tz = TzMode::Utc,
                    "local" => state.tz = TzMode::Local,
                    _ => warnings.push(format!(
                        "`tz` {:?} is not `utc` or `local`; using utc",
                        clip(value)
                    )),
                },
                "k" => match parse_count(value, MAX_K) {
                    Some(k) => state.k = Some(k),
                    None => warnings.push(format!(
                        "`k` {:?} is not a number of parallel segments from 1 to {MAX_K}; planning from the data",
                        clip(value)
                    )),
                },
                "inflight" => match parse_count(value, MAX_IN_FLIGHT) {
                    Some(n) => state.inflight = Some(n),
                    None => warnings.push(format!(
                        "`inflight` {:?} is not a number of requests from 1 to {MAX_IN_FLIGHT}; as the API's protocol allows",
                        clip(value)
                    )),
                },
                "iv" => match Interval::parse(value) {
                    Some(iv) => state.iv = Some(iv),
                    None => warnings.push(format!(
                        "`iv` {:?} is not an interval (1s, 5s, 15s, 1m, 5m, 15m, 1h); using auto",
                        clip(value)
                    )),
                },
                "view" => match PriceView::parse(&value.to_ascii_lowercase()) {
                    Some(view) => state.view = view,
                    None => warnings.push(format!(
                        "`view` {:?} is not `candles` or `line`; using candles",
                        clip(value)
                    )),
                },
                "zoom" => state.zoom = parse_window("zoom", value, "showing the whole range", &mut warnings),
                "measure" => {
                    state.measure = parse_window("measure", value, "measuring nothing", &mut warnings)
                }
                "at" => match parse_time(value) {
                    Ok(at) if at >= 0 => state.at = Some(at),
                    Ok(_) => warnings.push(format!(
                        "`at` {:?} is before 1970; showing the book at the range's end",
                        clip(value)
                    )),
                    Err(why) => warnings.push(format!(
                        "`at` {:?} {why}; showing the book at the range's end",
                        clip(value)
                    )),
                },
                // Kept verbatim (untrimmed), to be written back as it came.
                _ => {
                    state.extra.insert(key.into_owned(), raw.into_owned());
                }
            }
        }
        if let (Some(from), Some(to)) = (state.from, state.to)
            && starts_after_end(from, to)
        {
            warnings.push(format!(
                "`from` ({}) is after `to` ({}); using the default range",
                write_spec(from),
                write_spec(to)
            ));
            state.from = None;
            state.to = None;
        }
        let range = state.instants();
        if let (Some((zoom_from, zoom_to)), Some((from, to))) = (state.zoom, range)
            && (zoom_to < from || zoom_from > to)
        {
            warnings.push(format!(
                "`zoom` ({} to {}) is outside the range; showing the whole range",
                format_iso(zoom_from),
                format_iso(zoom_to)
            ));
            state.zoom = None;
        }
        let inside = |t: i64| range.is_none_or(|(from, to)| (from..=to).contains(&t));
        if let Some(at) = state.at
            && !inside(at)
        {
            warnings.push(format!(
                "`at` ({}) is outside the range; showing the book at the range's end",
                format_iso(at)
            ));
            state.at = None;
        }
        if let Some((m0, m1)) = state.measure
            && !(inside(m0) && inside(m1))
        {
            warnings.push(format!(
                "`measure` ({} to {}) is not inside the range; measuring nothing",
                format_iso(m0),
                format_iso(m1)
            ));
            state.measure = None;
        }
        (state, warnings)
    }

    /// The range as instants, when both ends are (a relative one is resolved only when used).
    fn instants(&self) -> Option<(i64, i64)> {
        match (self.from?, self.to?) {
            (TimeSpec::At(from), TimeSpec::At(to)) => Some((from, to)),
            _ => None,
        }
    }

    /// The query string (without `?`) that [`ViewState::parse`] reads back as this state. Defaults are left
    /// out; times are written as ISO 8601 UTC, exact to the µs (integer µs outside the years 0000..=9999).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(api) = &self.api {
            pairs.push(("api", api.clone()));
        }
        if !self.channels.is_empty() {
            let names: Vec<&str> = self.channels.iter().map(Channel::name).collect();
            pairs.push(("ch", names.join(",")));
        }
        if let Some(from) = self.from {
            pairs.push(("from", write_spec(from)));
        }
        if let Some(to) = self.to {
            pairs.push(("to", write_spec(to)));
        }
        if self.follow {
            pairs.push(("follow", "1".to_owned()));
        }
        if self.tz != TzMode::Utc {
            pairs.push(("tz", self.tz.name().to_owned()));
        }
        if let Some(k) = self.k {
            pairs.push(("k", k.to_string()));
        }
        if let Some(n) = self.inflight {
            pairs.push(("inflight", n.to_string()));
        }
        if !self.cache {
            pairs.push(("cache", "0".to_owned()));
        }
        if let Some(iv) = self.iv {
            pairs.push(("iv", iv.name().to_owned()));
        }
        if self.view != PriceView::Candles {
            pairs.push(("view", self.view.name().to_owned()));
        }
        if let Some(window) = self.zoom {
            pairs.push(("zoom", write_window(window)));
        }
        if let Some(at) = self.at {
            pairs.push(("at", write_time(at)));
        }
        if let Some(window) = self.measure {
            pairs.push(("measure", write_window(window)));
        }
        for (key, value) in &self.extra {
            pairs.push((key, value.clone()));
        }
        let mut out = String::new();
        for (key, value) in pairs {
            if !out.is_empty() {
                out.push('&');
            }
            encode_into(&mut out, key);
            out.push('=');
            encode_into(&mut out, &value);
        }
        out
    }
}

/// A switch's value: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`, any case.
fn parse_switch(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A whole number from 1 to `max`, digits only (no sign, no spaces).
fn parse_count(value: &str, max: u8) -> Option<u8> {
    let n = value.parse::<u8>().ok()?;
    (value.bytes().all(|b| b.is_ascii_digit()) && (1..=max).contains(&n)).then_some(n)
}

/// `Err(why)` unless `value` looks like an absolute http(s) base URL.
fn check_api(value: &str) -> Result<(), &'static str> {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &value[8..]
    } else if lower.starts_with("http://") {
        &value[7..]
    } else {
        return Err("is not an http:// or https:// URL");
    };
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err("has no host");
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains spaces or control characters");
    }
    if value.contains(['?', '#']) {
        return Err("must be a base URL, without `?` or `#`");
    }
    Ok(())
}

fn parse_channels(value: &str, warnings: &mut Vec<String>) -> Vec<Channel> {
    let mut channels: Vec<Channel> = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Channel::parse(name) {
            Err(_) => warnings.push(format!(
                "`ch`: {:?} is not a channel name (expected live_trades_<pair> or live_orders_<pair>, e.g. \
                 live_trades_btcusd); leaving it out",
                clip(name)
            )),
            Ok(channel) if channels.contains(&channel) => {
                warnings.push(format!("`ch`: {name} is listed twice; showing it once"));
            }
            Ok(channel) => channels.push(channel),
        }
    }
    channels
}

/// `<from>,<to>`, each as `from` and `to` are written, `from < to`: the value of `key`. When it is not, a warning
/// says why and that the dashboard goes on `instead`.
fn parse_window(
    key: &str,
    value: &str,
    instead: &str,
    warnings: &mut Vec<String>,
) -> Option<(i64, i64)> {
    let window = value
        .split_once(',')
        .ok_or_else(|| "is not `<from>,<to>`".to_owned())
        .and_then(|(from, to)| Ok((parse_time(from.trim())?, parse_time(to.trim())?)));
    match window {
        Ok((from, to)) if 0 <= from && from < to => Some((from, to)),
        Ok(_) => {
            warnings.push(format!(
                "`{key}` {:?} does not start before it ends; {instead}",
                clip(value)
            ));
            None
        }
        Err(why) => {
            warnings.push(format!("`{key}` {:?} {why}; {instead}", clip(value)));
            None
        }
    }
}

/// A time as links and the form take it: integer µs (digits only) or ISO 8601. The error says what is wrong
/// with it, as a predicate ("is not a time: ..."), for the caller to prefix with what it is.
pub fn parse_time(value: &str) -> Result<i64, String> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value
            .parse::<i64>()
            .map_err(|_| "is too large for microseconds since 1970".to_owned())
    } else {
        parse_iso(value).map_err(|e| format!("is not a time: {e}"))
    }
}

/// Whether `from` is after `to` whatever the clock reads (an instant and a relative time are compared when used).
fn starts_after_end(from: TimeSpec, to: TimeSpec) -> bool {
    match (from, to) {
        (TimeSpec::At(from), TimeSpec::At(to)) => from > to,
        (from, to) => from.back_us().zip(to.back_us()).is_some_and(|(f, t)| f < t),
    }
}

/// Integer µs (digits only), ISO 8601 (non-negative) or a time before now.
fn parse_time_param(
    key: &str,
    value: &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<TimeSpec> {
    match TimeSpec::parse(value) {
        Ok(TimeSpec::At(us)) if us < 0 => {
            warnings.push(format!(
                "`{key}` {:?} is before 1970; using the default range {what}",
                clip(value)
            ));
            None
        }
        Ok(spec) => Some(spec),
        Err(why) => {
            warnings.push(format!(
                "`{key}` {:?} {why}; using the default range {what}",
                clip(value)
            ));
            None
        }
    }
}

/// A relative time as written (`now-15m`), an instant by [`write_time`].
fn write_spec(spec: TimeSpec) -> String {
    match spec {
        TimeSpec::At(us) => write_time(us),
        relative => relative.to_string(),
    }
}

/// ISO 8601 when `parse_iso` can read it back, else integer µs.
fn write_time(us: i64) -> String {
    let year = civil_from_days(us.div_euclid(US_PER_DAY)).0;
    if (1970..=9999).contains(&year) {
        format_iso(us)
    } else {
        us.to_string()
    }
}

/// A window as [`parse_window`] reads it.
fn write_window((from, to): (i64, i64)) -> String {
    format!("{},{}", write_time(from), write_time(to))
}

/// Percent-encodes all but unreserved characters and `:` `,` `/` `@`, which are legal in a query and keep
/// times, channel lists and URLs readable.
fn encode_into(out: &mut String, text: &str) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:,/@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Echo at most 64 characters of user input in a warning.
fn clip(value: &str) -> String {
    match value.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests;
