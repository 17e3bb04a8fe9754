//! The query string of `GET /bitstamp?channel=&from=&to=[&cursor=][&limit=]`, parsed and checked.

use std::fmt;

use crate::channel::Channel;
use crate::cursor::PageKey;

/// A checked request for one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub channel: Channel,
    /// Inclusive bounds on `nmicrotimestamp`, µs since the Unix epoch.
    pub from: i64,
    pub to: i64,
    /// Resume after this key (exclusive), as DynamoDB's `ExclusiveStartKey`.
    pub after: Option<PageKey>,
    /// At most this many items, as DynamoDB's `Limit`.
    pub limit: Option<u32>,
}

/// What is wrong with a query, said so that the caller can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

const TIME_HINT: &str =
    "expected a microsecond Unix time as a non-negative integer, e.g. 1647830700000000";

impl PageRequest {
    /// Parses a raw (percent-encoded) query string. Unknown parameters are ignored, as API Gateway does;
    /// a parameter given twice is an error rather than a guess.
    pub fn parse(raw_query: &str) -> Result<Self, QueryError> {
        let mut channel = None;
        let mut from = None;
        let mut to = None;
        let mut cursor = None;
        let mut limit = None;
        for (name, value) in form_urlencoded::parse(raw_query.as_bytes()) {
            let slot = match name.as_ref() {
                "channel" => &mut channel,
                "from" => &mut from,
                "to" => &mut to,
                "cursor" => &mut cursor,
                "limit" => &mut limit,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(QueryError(format!(
                    "parameter `{name}` is given more than once; give it once"
                )));
            }
        }

        let channel = channel.ok_or_else(|| {
            QueryError(
                "missing parameter `channel`: expected a channel name such as live_trades_btcusd"
                    .into(),
            )
        })?;
        let channel = Channel::parse(&channel).map_err(|_| {
            QueryError(format!(
                "malformed `channel` {:?}: expected live_trades_<pair> or live_orders_<pair>, e.g. live_trades_btcusd",
                clip(&channel)
            ))
        })?;
        let from = parse_time("from", from)?;
        let to = parse_time("to", to)?;
        if from > to {
            return Err(QueryError(format!(
                "`from` ({from}) is after `to` ({to}): expected from <= to"
            )));
        }
        let limit = limit.map(|v| parse_limit(&v)).transpose()?;
        // An empty cursor is a first page: some clients send `cursor=` before they have one.
        let after = cursor
            .filter(|token| !token.is_empty())
            .map(|token| parse_cursor(&token, channel.name(), from, to))
            .transpose()?;
        Ok(Self {
            channel,
            from,
            to,
            after,
            limit,
        })
    }

    /// The query string for this request, as a client sends it (the inverse of [`PageRequest::parse`]).
    pub fn to_query_string(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("channel", self.channel.name());
        query.append_pair("from", &self.from.to_string());
        query.append_pair("to", &self.to.to_string());
        if let Some(after) = &self.after {
            query.append_pair("cursor", &after.to_cursor());
        }
        if let Some(limit) = self.limit {
            query.append_pair("limit", &limit.to_string());
        }
        query.finish()
    }
}

/// A checked `GET /gaps?channel=&from=&to=`: the gaps of `channel` overlapping `[from, to]`. Its parameters
/// are checked as `/bitstamp`'s are, so a client gets the same messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapsRequest {
    pub channel: Channel,
    pub from: i64,
    pub to: i64,
}

impl GapsRequest {
    pub fn parse(raw_query: &str) -> Result<Self, QueryError> {
        let PageRequest {
            channel, from, to, ..
        } = PageRequest::parse(raw_query)?;
        Ok(Self { channel, from, to })
    }
}

fn parse_time(name: &str, value: Option<String>) -> Result<i64, QueryError> {
    let value =
        value.ok_or_else(|| QueryError(format!("missing parameter `{name}`: {TIME_HINT}")))?;
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QueryError(format!(
            "malformed `{name}` {:?}: {TIME_HINT}",
            clip(&value)
        )));
    }
    value.parse().map_err(|_| {
        QueryError(format!(
            "`{name}` {:?} is too large: {TIME_HINT}",
            clip(&value)
        ))
    })
}

fn parse_limit(value: &str) -> Result<u32, QueryError> {
    match value.parse::<u32>() {
        Ok(n) if n >= 1 && value.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(QueryError(format!(
            "malformed `limit` {:?}: expected a whole number of items from 1 to {}",
            clip(value),
            u32::MAX
        ))),
    }
}

fn parse_cursor(token: &str, channel: &str, from: i64, to: i64) -> Result<PageKey, QueryError> {
    let hint = "pass back the LastEvaluatedKey of the previous page, base64url-encoded, with the same channel, from and to";
    let key = PageKey::from_cursor(token)
        .map_err(|e| QueryError(format!("malformed `cursor`: {e}; {hint}")))?;
    if key.channel != channel {
        return Err(QueryError(format!(
            "`cursor` is for channel {:?}, not {channel:?}; {hint}",
            clip(&key.channel)
        )));
    }
    if !(from..=to).contains(&key.nmicrotimestamp) {
        return Err(QueryError(format!(
            "`cursor` points at {}, outside from..to ({from}..{to}); {hint}",
            key.nmicrotimestamp
        )));
    }
    Ok(key)
}

/// Echo at most 64 characters of user input in an error message.
fn clip(value: &str) -> String {
    match value.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASE: &str = "channel=live_trades_btcusd&from=1647830700000000&to=1647844020000000";

    fn err(q: &str) -> String {
        PageRequest::parse(q).unwrap_err().0
    }

    #[test]
    fn a_plain_query_parses() {
        let r = PageRequest::parse(BASE).unwrap();
        assert_eq!(r.channel.name(), "live_trades_btcusd");
        assert_eq!(r.channel.kind(), crate::ChannelKind::Trades);
        assert_eq!(
            (r.from, r.to, r.after, r.limit),
            (1647830700000000, 1647844020000000, None, None)
        );
        assert_eq!(
            PageRequest::parse(&format!("{BASE}&limit=10&x=y"))
                .unwrap()
                .limit,
            Some(10)
        );
    }

    #[test]
    fn each_error_names_the_parameter() {
        assert!(err("from=1&to=2").contains("missing parameter `channel`"));
        assert!(err("channel=live_trades_btcusd&to=2").contains("missing parameter `from`"));
        assert!(err("channel=live_trades_btcusd&from=1").contains("missing parameter `to`"));
        assert!(err("channel=bogus&from=1&to=2").contains("malformed `channel`"));
        assert!(err("channel=live_trades_btcusd&from=-1&to=2").contains("malformed `from`"));
        assert!(err("channel=live_trades_btcusd&from=1.5&to=2").contains("malformed `from`"));
        assert!(err("channel=live_trades_btcusd&from=1&to=").contains("malformed `to`"));
        assert!(
            err("channel=live_trades_btcusd&from=1&to=99999999999999999999").contains("too large")
        );
        assert!(err("channel=live_trades_btcusd&from=3&to=2").contains("is after `to`"));
        assert!(err(&format!("{BASE}&limit=0")).contains("malformed `limit`"));
        assert!(err(&format!("{BASE}&limit=+5")).contains("malformed `limit`"));
        assert!(err(&format!("{BASE}&cursor=%%%")).contains("malformed `cursor`"));
        assert!(err(&format!("{BASE}&from=1")).contains("more than once"));
    }

    #[test]
    fn cursor_must_match_channel_and_range() {
        let key = PageKey {
            channel: "live_trades_btcusd".parse().unwrap(),
            nmicrotimestamp: 1647830800000000,
            id: 7,
            microtimestamp: "1647830800000000".into(),
        };
        let ok = PageRequest::parse(&format!("{BASE}&cursor={}", key.to_cursor())).unwrap();
        assert_eq!(ok.after, Some(key.clone()));
        let other = PageKey {
            channel: "live_trades_ethusd".parse().unwrap(),
            ..key.clone()
        };
        assert!(err(&format!("{BASE}&cursor={}", other.to_cursor())).contains("is for channel"));
        let outside = PageKey {
            nmicrotimestamp: 1,
            ..key
        };
        assert!(
            err(&format!("{BASE}&cursor={}", outside.to_cursor())).contains("outside from..to")
        );
    }

    #[test]
    fn long_input_is_clipped_in_messages() {
        let long = "x".repeat(10_000);
        assert!(err(&format!("channel={long}&from=1&to=2")).len() < 300);
    }

    proptest! {
        #[test]
        fn any_query_string_parses_or_errs_without_panic(q in "\\PC{0,300}") {
            let _ = PageRequest::parse(&q);
        }

        #[test]
        fn structured_garbage_never_panics(
            channel in "(live_(trades|orders)_[a-z]{2,8}|\\PC{0,12})",
            from in "(\\d{1,20}|\\PC{0,8})",
            to in "(\\d{1,20}|\\PC{0,8})",
            limit in "(\\d{1,12}|\\PC{0,8})",
            cursor in "[A-Za-z0-9_=-]{0,120}",
        ) {
            let q = form_urlencoded::Serializer::new(String::new())
                .append_pair("channel", &channel).append_pair("from", &from).append_pair("to", &to)
                .append_pair("limit", &limit).append_pair("cursor", &cursor).finish();
            if let Ok(r) = PageRequest::parse(&q) {
                prop_assert!(r.from <= r.to);
                prop_assert!(r.limit.unwrap() >= 1);
            }
        }

        #[test]
        fn valid_requests_round_trip(from in 0i64..i64::MAX / 2, len in 0i64..1_000_000_000, id: i64, limit in proptest::option::of(1u32..)) {
            let to = from + len;
            let after = Some(PageKey { channel: "live_orders_ethusd".into(), nmicrotimestamp: to, id, microtimestamp: to.to_string() });
            let r = PageRequest { channel: "live_orders_ethusd".parse().unwrap(), from, to, after, limit };
            prop_assert_eq!(PageRequest::parse(&r.to_query_string()), Ok(r));
        }
    }
}
