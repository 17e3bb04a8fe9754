//! The key of the last item of a page (DynamoDB's `LastEvaluatedKey` of the GSI query) and the `cursor` token
//! that carries it back: base64url, without padding, of the key's compact JSON.

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};
use std::fmt;

use crate::item::push_json_string;

/// The four key attributes of an item in the GSI `channel-nmicrotimestamp-index` of table `bitstamp-live`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub channel: String,
    pub nmicrotimestamp: i64,
    pub id: i64,
    pub microtimestamp: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorError {
    NotBase64,
    NotJsonObject,
    /// A key attribute is missing or has the wrong type; names the attribute.
    BadAttribute(&'static str),
}

impl fmt::Display for CursorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotBase64 => f.write_str("it is not base64url"),
            Self::NotJsonObject => f.write_str("it does not hold a JSON object"),
            Self::BadAttribute(name) => write!(
                f,
                "its key attribute `{name}` is missing or of the wrong type"
            ),
        }
    }
}

impl std::error::Error for CursorError {}

impl PageKey {
    /// Compact JSON, as `LastEvaluatedKey` appears in a response body.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(120);
        out.push_str("{\"channel\":");
        push_json_string(&mut out, &self.channel);
        out.push_str(&format!(
            ",\"nmicrotimestamp\":{},\"id\":{},\"microtimestamp\":",
            self.nmicrotimestamp, self.id
        ));
        push_json_string(&mut out, &self.microtimestamp);
        out.push('}');
        out
    }

    pub fn to_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.to_json())
    }

    /// Decodes a cursor. Accepts padding, any key order, extra attributes, numbers given as strings and
    /// DynamoDB's typed form (`{"id":{"N":"123"}}`), since clients re-serialize the key in their own ways.
    pub fn from_cursor(token: &str) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .or_else(|_| URL_SAFE.decode(token))
            .map_err(|_| CursorError::NotBase64)?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|_| CursorError::NotJsonObject)?;
        let object = value.as_object().ok_or(CursorError::NotJsonObject)?;
        Self::from_json_object(object)
    }

    /// Reads a `LastEvaluatedKey` object, in plain or DynamoDB-typed form.
    pub fn from_json_object(object: &Map<String, Value>) -> Result<Self, CursorError> {
        let attr = |name: &'static str| {
            object
                .get(name)
                .map(untyped)
                .ok_or(CursorError::BadAttribute(name))
        };
        let text = |name: &'static str| -> Result<String, CursorError> {
            match attr(name)? {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(CursorError::BadAttribute(name)),
            }
        };
        let integer = |name: &'static str| -> Result<i64, CursorError> {
            match attr(name)? {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            }
            .ok_or(CursorError::BadAttribute(name))
        };
        let channel = match attr("channel")? {
            Value::String(s) => s.clone(),
            _ => return Err(CursorError::BadAttribute("channel")),
        };
        Ok(Self {
            channel,
            nmicrotimestamp: integer("nmicrotimestamp")?,
            id: integer("id")?,
            microtimestamp: text("microtimestamp")?,
        })
    }
}

/// `{"N": "123"}` → `"123"`, `{"S": "x"}` → `"x"`; anything else unchanged.
fn untyped(value: &Value) -> &Value {
    match value.as_object() {
        Some(typed) if typed.len() == 1 => {
            typed.get("N").or_else(|| typed.get("S")).unwrap_or(value)
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> PageKey {
        PageKey {
            channel: "live_trades_btcusd".into(),
            nmicrotimestamp: 1647830700123456,
            id: 226151003,
            microtimestamp: "1647830700123456".into(),
        }
    }

    #[test]
    fn json_has_the_gsi_key_attributes() {
        assert_eq!(
            key().to_json(),
            r#"{"channel":"live_trades_btcusd","nmicrotimestamp":1647830700123456,"id":226151003,"microtimestamp":"1647830700123456"}"#
        );
        assert!(!key().to_cursor().contains(['=', '+', '/']));
    }

    #[test]
    fn cursors_from_other_serializers_decode() {
        let reordered = r#"{"id":226151003,"microtimestamp":"1647830700123456","nmicrotimestamp":1647830700123456,"channel":"live_trades_btcusd"}"#;
        let typed = r#"{"channel":{"S":"live_trades_btcusd"},"nmicrotimestamp":{"N":"1647830700123456"},"id":{"N":"226151003"},"microtimestamp":{"S":"1647830700123456"}}"#;
        for json in [reordered, typed] {
            assert_eq!(
                PageKey::from_cursor(&URL_SAFE_NO_PAD.encode(json)),
                Ok(key())
            );
            assert_eq!(PageKey::from_cursor(&URL_SAFE.encode(json)), Ok(key()));
        }
    }

    #[test]
    fn bad_cursors_say_what_is_wrong() {
        assert_eq!(PageKey::from_cursor("!!"), Err(CursorError::NotBase64));
        assert_eq!(
            PageKey::from_cursor(&URL_SAFE_NO_PAD.encode("[1]")),
            Err(CursorError::NotJsonObject)
        );
        let no_id = r#"{"channel":"live_trades_btcusd","nmicrotimestamp":1,"microtimestamp":"1"}"#;
        assert_eq!(
            PageKey::from_cursor(&URL_SAFE_NO_PAD.encode(no_id)),
            Err(CursorError::BadAttribute("id"))
        );
        let float_ts = r#"{"channel":"c","nmicrotimestamp":1.5,"id":1,"microtimestamp":"1"}"#;
        assert_eq!(
            PageKey::from_cursor(&URL_SAFE_NO_PAD.encode(float_ts)),
            Err(CursorError::BadAttribute("nmicrotimestamp"))
        );
    }

    proptest! {
        #[test]
        fn any_key_round_trips(channel in "\\PC{0,30}", ts: i64, id: i64, micro in "\\PC{1,20}") {
            let k = PageKey { channel, nmicrotimestamp: ts, id, microtimestamp: micro };
            prop_assert_eq!(PageKey::from_cursor(&k.to_cursor()), Ok(k.clone()));
            let v: Value = serde_json::from_str(&k.to_json()).unwrap();
            prop_assert_eq!(PageKey::from_json_object(v.as_object().unwrap()), Ok(k));
        }

        #[test]
        fn any_token_decodes_or_errs_without_panic(token in "\\PC{0,200}") {
            let _ = PageKey::from_cursor(&token);
        }
    }
}
