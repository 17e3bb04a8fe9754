//! A page response, in any shape an API Gateway + Lambda setup returns, turned into columns.
//!
//! One pass of serde over the body's text (see [`visit`]) reads every shape: the original non-proxy envelope
//! `{"statusCode":200,"body":{"Items":[..],..}}`, a proxy response whose `body` is JSON text, a bare
//! `{"Items":[..]}`, items and keys in DynamoDB's typed form, numbers as numbers or as text. Items go straight
//! into [`Columns`]: nothing is allocated per item, and no `serde_json::Value` tree is built but for the small
//! `LastEvaluatedKey` and error messages. The shape is judged after the pass, from what it found.

#[cfg(test)]
mod tests;
mod visit;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::columns::Columns;
use crate::cursor::PageKey;
use visit::{Body, BodySeed, Doc, Raw};

/// One page's items, in the order they came, with the key to resume after.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageBatch {
    pub items: Columns,
    /// Items of unknown shape, skipped and counted.
    pub skipped: usize,
    pub last_key: Option<PageKey>,
}

/// Why a body is not a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// The API answered with an error (`{"message": ..}`, a Lambda `{"errorMessage": ..}`, a non-2xx
    /// `statusCode` in the envelope): show it to the user; asking again will not help.
    Api(String),
    /// The body is not complete JSON or not a page at all (a truncated or mangled answer): worth a retry.
    Incomplete(String),
}

/// Reads one page response body.
///
/// Items of unknown shape (no usable timestamp, id, price, amount, side or event) are skipped and counted in
/// [`PageBatch::skipped`]; unknown attributes are ignored. A Lambda error (`errorMessage`, which the original
/// API returns with HTTP 200), an API Gateway `{"message": ..}` and an envelope whose `statusCode` is not 2xx
/// are [`PageError::Api`]; a body that is not complete JSON, or JSON that is neither a page nor an error, is
/// [`PageError::Incomplete`].
///
/// Fastest from one `&str` made once from the response's bytes (`std::str::from_utf8`): see
/// `shared/notes/toolchain.md`, "Parsing a page in wasm".
pub fn parse_page(body: &str) -> Result<PageBatch, PageError> {
    parse_text(body, 0)
}

/// How many times a body may be JSON text inside JSON text (a proxy `body`, maybe base64): more is no API's.
const MAX_TEXT_NESTING: u8 = 3;

/// Bytes of body per item, on the low side (an order item of the original API is ~320 bytes of JSON, a trade
/// ~340), to guess the columns' capacity from the body's length: one allocation per column for real pages.
const BYTES_PER_ITEM_GUESS: usize = 256;

fn parse_text(text: &str, nesting: u8) -> Result<PageBatch, PageError> {
    if text.trim_ascii().is_empty() {
        return Err(PageError::Incomplete("the body is empty".into()));
    }
    let seed = BodySeed {
        capacity: text.len() / BYTES_PER_ITEM_GUESS,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = seed
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value))
        .map_err(|err| not_json(text, &err))?;
    read_value(value, nesting)
}

fn not_json(text: &str, err: &serde_json::Error) -> PageError {
    PageError::Incomplete(if err.is_eof() {
        format!("the body ends before its JSON does ({err}): truncated?")
    } else {
        format!(
            "the body is not JSON ({err}); it starts with {:?}",
            prefix(text, 60)
        )
    })
}

fn read_value(value: Body, nesting: u8) -> Result<PageBatch, PageError> {
    match value {
        Body::Object(doc) => read_doc(*doc, nesting),
        Body::Text(text) if nesting < MAX_TEXT_NESTING => parse_text(&text, nesting + 1),
        Body::Text(_) => Err(PageError::Incomplete(
            "JSON text nested in JSON text too deep".into(),
        )),
        Body::Other => Err(neither()),
    }
}

fn neither() -> PageError {
    PageError::Incomplete("the body is JSON but neither a page nor an error".into())
}

fn read_doc(doc: Doc, nesting: u8) -> Result<PageBatch, PageError> {
    if let Some(message) = lambda_error(&doc) {
        return Err(PageError::Api(message));
    }
    match doc.status_code {
        Raw::Missing => {}
        raw => match raw.int() {
            Some(200..=299) => {}
            Some(code) => return Err(PageError::Api(failure_message(code, doc, nesting))),
            None => {
                return Err(PageError::Incomplete(
                    "the envelope's statusCode is not a number".into(),
                ));
            }
        },
    }
    if let Some(items) = doc.items {
        let last_key = match doc.last_evaluated_key {
            None | Some(Value::Null) => None,
            Some(Value::Object(key)) => Some(PageKey::from_json_object(&key).map_err(|err| {
                PageError::Incomplete(format!("the page's LastEvaluatedKey is unusable: {err}"))
            })?),
            Some(_) => {
                return Err(PageError::Incomplete(
                    "the page's LastEvaluatedKey is not an object".into(),
                ));
            }
        };
        return Ok(PageBatch {
            items: items.columns,
            skipped: items.skipped,
            last_key,
        });
    }
    if let Some(body) = doc.body {
        return read_body(body, doc.is_base64_encoded, nesting);
    }
    match doc.message.as_ref().and_then(text) {
        Some(message) => Err(PageError::Api(message)),
        None => Err(neither()),
    }
}

/// A proxy integration's `body`, maybe base64 (`isBase64Encoded`).
fn read_body(body: Body, base64: bool, nesting: u8) -> Result<PageBatch, PageError> {
    match body {
        Body::Text(encoded) if base64 && nesting < MAX_TEXT_NESTING => {
            let bytes = STANDARD.decode(encoded.trim_ascii()).map_err(|_| {
                PageError::Incomplete("the body is marked base64 but is not base64".into())
            })?;
            let text = String::from_utf8(bytes)
                .map_err(|_| PageError::Incomplete("the base64 body is not UTF-8 text".into()))?;
            parse_text(&text, nesting + 1)
        }
        body => read_value(body, nesting),
    }
}

/// `errorType: errorMessage` of a Lambda error.
fn lambda_error(doc: &Doc) -> Option<String> {
    let message = doc.error_message.as_ref().and_then(text)?;
    Some(match doc.error_type.as_ref().and_then(text) {
        Some(kind) if !kind.is_empty() => format!("{kind}: {message}"),
        _ => message,
    })
}

/// What an envelope with a failing `statusCode` says: its body's error message, else its body's text if that
/// is not JSON (`Internal Server Error`), else the status alone.
fn failure_message(code: i64, doc: Doc, nesting: u8) -> String {
    let from_body = match doc.body {
        Some(Body::Object(inner)) => {
            lambda_error(&inner).or_else(|| inner.message.as_ref().and_then(text))
        }
        Some(Body::Text(body)) => match parse_text(&body, nesting.saturating_add(1)) {
            Err(PageError::Api(message)) => Some(message),
            _ if serde_json::from_str::<serde::de::IgnoredAny>(&body).is_err()
                && !body.trim().is_empty() =>
            {
                Some(format!("HTTP {code}: {}", prefix(body.trim(), 300)))
            }
            _ => None,
        },
        _ => None,
    };
    from_body
        .or_else(|| doc.message.as_ref().and_then(text))
        .unwrap_or_else(|| format!("HTTP {code}"))
}

/// A message attribute's text: a string as it is, other JSON compact, `null` as nothing.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The first `max` bytes of `s`, cut on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
