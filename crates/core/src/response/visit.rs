//! The single pass over a response body: serde visitors that read every shape (envelope, proxy, bare, typed
//! items) without building a `serde_json::Value` tree, and push items straight into [`Columns`].
//!
//! Every visitor here accepts every JSON type (a value of an unexpected type becomes `Bad`, `None` or `Other`),
//! so the only errors serde_json can return are syntax errors and the end of input: a body that is complete
//! JSON is always read to the end, and the shape is judged afterwards, in `super`.
//!
//! Numbers are asked for with `deserialize_any` because a field may hold a number, a string or DynamoDB's
//! typed `{"N": ".."}`. With serde_json's `arbitrary_precision` (on when the server is in the same build) a
//! non-integer number then arrives as a one-entry map `{"$serde_json::private::Number": "<digits>"}`, which is
//! read exactly like a typed number.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

use crate::columns::{Columns, EventKind, OrderIds, Side, Tick};

/// The key serde_json (`arbitrary_precision`) gives a number it keeps as text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Visitor methods for the scalar JSON types a visitor does not read (but strings, which each visitor
/// handles): answer `$value`.
macro_rules! scalars {
    ($value:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i128<E>(self, _: i128) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u128<E>(self, _: u128) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bytes<E>(self, _: &[u8]) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// Drains a map's entries after the ones that were read.
fn drain<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Reads a one-entry map `{"N": v}` / `{"S": v}` / serde_json's private number map with `seed` applied to `v`;
/// answers `bad` for any other map.
fn typed<'de, A, S>(mut map: A, seed: S, bad: S::Value) -> Result<S::Value, A::Error>
where
    A: MapAccess<'de>,
    S: DeserializeSeed<'de>,
{
    let Some(is_tag) = map.next_key_seed(TagSeed)? else {
        return Ok(bad);
    };
    if !is_tag {
        map.next_value::<IgnoredAny>()?;
        drain(map)?;
        return Ok(bad);
    }
    let value = map.next_value_seed(seed)?;
    if map.next_key::<IgnoredAny>()?.is_some() {
        map.next_value::<IgnoredAny>()?;
        drain(map)?;
        return Ok(bad);
    }
    Ok(value)
}

/// A map key: is it a DynamoDB type tag (or serde_json's number token)?
struct TagSeed;

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map key")
    }
    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(matches!(key, "N" | "S" | NUMBER_TOKEN))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<bool, E> {
        Ok(false)
    }
}

/// A numeric attribute's value as found: a number, or text parsed only if the attribute is used.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) enum Raw<'de> {
    #[default]
    Missing,
    Int(i64),
    Float(f64),
    Text(&'de str),
    Bad,
}

impl Raw<'_> {
    pub(super) fn is_present(self) -> bool {
        self != Raw::Missing
    }

    fn is_number(self) -> bool {
        matches!(self, Raw::Int(_) | Raw::Float(_))
    }

    pub(super) fn int(self) -> Option<i64> {
        match self {
            Raw::Int(v) => Some(v),
            Raw::Float(v) => float_to_int(v),
            Raw::Text(s) => int_from_text(s),
            Raw::Missing | Raw::Bad => None,
        }
    }

    pub(super) fn float(self) -> Option<f64> {
        match self {
            Raw::Int(v) => Some(v as f64),
            Raw::Float(v) => Some(v).filter(|v| v.is_finite()),
            Raw::Text(s) => float_from_text(s),
            Raw::Missing | Raw::Bad => None,
        }
    }
}

fn float_to_int(v: f64) -> Option<i64> {
    // 2^63 is exact as an f64; every integral f64 below it in magnitude fits an i64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v)).then_some(v as i64)
}

/// `"226151003"`, and integral decimal forms such as `"1.5E+3"`.
fn int_from_text(s: &str) -> Option<i64> {
    s.parse()
        .ok()
        .or_else(|| float_from_text(s).and_then(float_to_int))
}

/// Decimal text (`"41000.5"`, `"1.4E-7"`); not `"inf"` or `"NaN"`, which Rust's parser would take.
fn float_from_text(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Raw<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Raw<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RawSeed {
    type Value = Raw<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw<'de>, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw<'de>, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw<'de>, E> {
        Ok(Raw::Float(v))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Raw<'de>, E> {
        Ok(Raw::Text(s))
    }
    /// Text that does not live as long as the body (it had escapes, or is serde_json's number text): parse now.
    fn visit_str<E>(self, s: &str) -> Result<Raw<'de>, E> {
        Ok(match s.parse::<i64>() {
            Ok(v) => Raw::Int(v),
            Err(_) => float_from_text(s).map_or(Raw::Bad, Raw::Float),
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw<'de>, A::Error> {
        typed(map, RawSeed, Raw::Bad)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Raw<'de>, E> {
        Ok(Raw::Bad)
    }
    fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Bad)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Raw<'de>, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Raw::Bad)
    }
}

/// An item's `event`: `Bad` when present but not a known event name.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Event {
    #[default]
    Missing,
    Known(EventKind),
    Bad,
}

struct EventSeed;

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = Event;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Event, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventSeed {
    type Value = Event;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event name")
    }
    fn visit_str<E>(self, s: &str) -> Result<Event, E> {
        Ok(EventKind::from_name(s).map_or(Event::Bad, Event::Known))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Event, A::Error> {
        typed(map, EventSeed, Event::Bad)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Event, E> {
        Ok(Event::Bad)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Event, E> {
        Ok(Event::Bad)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Event, E> {
        Ok(Event::Bad)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Event, E> {
        Ok(Event::Bad)
    }
    fn visit_unit<E>(self) -> Result<Event, E> {
        Ok(Event::Bad)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Event, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Event::Bad)
    }
}

/// The item attributes a tick is made of.
#[derive(Debug, Clone, Copy)]
enum Field {
    Id,
    IdStr,
    NMicrotimestamp,
    Microtimestamp,
    Price,
    PriceStr,
    Amount,
    AmountStr,
    Type,
    OrderType,
    BuyOrderId,
    SellOrderId,
    Event,
    Other,
}

struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute name")
    }
    fn visit_str<E>(self, key: &str) -> Result<Field, E> {
        Ok(match key {
            "id" => Field::Id,
            "id_str" => Field::IdStr,
            "nmicrotimestamp" => Field::NMicrotimestamp,
            "microtimestamp" => Field::Microtimestamp,
            "price" => Field::Price,
            "price_str" => Field::PriceStr,
            "amount" => Field::Amount,
            "amount_str" => Field::AmountStr,
            "type" => Field::Type,
            "order_type" => Field::OrderType,
            "buy_order_id" => Field::BuyOrderId,
            "sell_order_id" => Field::SellOrderId,
            "event" => Field::Event,
            _ => Field::Other,
        })
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Field, E> {
        Ok(Field::Other)
    }
}

/// One item's attributes as found, on the stack.
#[derive(Debug, Default)]
struct ItemFields<'de> {
    id: Raw<'de>,
    id_str: Raw<'de>,
    nmicrotimestamp: Raw<'de>,
    microtimestamp: Raw<'de>,
    price: Raw<'de>,
    price_str: Raw<'de>,
    amount: Raw<'de>,
    amount_str: Raw<'de>,
    trade_type: Raw<'de>,
    order_type: Raw<'de>,
    buy_order_id: Raw<'de>,
    sell_order_id: Raw<'de>,
    event: Event,
}

impl ItemFields<'_> {
    /// A trade's order ids, when it has both.
    fn order_ids(&self) -> Option<OrderIds> {
        Some([self.buy_order_id.int()?, self.sell_order_id.int()?])
    }

    /// The tick, or `None` for an item of unknown shape.
    fn tick(&self) -> Option<Tick> {
        let event = match self.event {
            Event::Known(kind) => kind,
            Event::Missing if self.trade_type.is_present() && !self.order_type.is_present() => {
                EventKind::Trade
            }
            // An order item without `event` could be any of three events: better skipped than guessed.
            Event::Missing | Event::Bad => return None,
        };
        let (first, second) = if event == EventKind::Trade {
            (self.trade_type, self.order_type)
        } else {
            (self.order_type, self.trade_type)
        };
        let side = match if first.is_present() { first } else { second }.int()? {
            0 => Side::Buy,
            1 => Side::Sell,
            _ => return None,
        };
        Some(Tick {
            ts: either(self.nmicrotimestamp, self.microtimestamp, Raw::int)?,
            id: either(self.id, self.id_str, Raw::int)?,
            price: either(self.price, self.price_str, Raw::float)?,
            amount: either(self.amount, self.amount_str, Raw::float)?,
            side,
            event,
        })
    }
}

fn either<'de, T>(
    primary: Raw<'de>,
    fallback: Raw<'de>,
    read: impl Fn(Raw<'de>) -> Option<T>,
) -> Option<T> {
    read(primary).or_else(|| read(fallback))
}

/// One item: its tick and, for a trade that has them, its order ids.
type Item = (Tick, Option<OrderIds>);

/// One element of `Items`: `Some(item)`, or `None` when it is not an item of a known shape.
struct ItemSeed;

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Option<Item>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Item>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Option<Item>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an item")
    }
    scalars!(None);
    fn visit_str<E>(self, _: &str) -> Result<Option<Item>, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<Item>, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Item>, A::Error> {
        let mut f = ItemFields::default();
        while let Some(field) = map.next_key_seed(FieldSeed)? {
            let slot = match field {
                Field::Id => &mut f.id,
                Field::NMicrotimestamp => &mut f.nmicrotimestamp,
                Field::Microtimestamp => &mut f.microtimestamp,
                Field::Price => &mut f.price,
                Field::Amount => &mut f.amount,
                Field::Type => &mut f.trade_type,
                Field::OrderType => &mut f.order_type,
                Field::BuyOrderId => &mut f.buy_order_id,
                Field::SellOrderId => &mut f.sell_order_id,
                // A fallback is not even looked at once its primary attribute came as a number.
                Field::IdStr if !f.id.is_number() => &mut f.id_str,
                Field::PriceStr if !f.price.is_number() => &mut f.price_str,
                Field::AmountStr if !f.amount.is_number() => &mut f.amount_str,
                Field::Event => {
                    f.event = map.next_value_seed(EventSeed)?;
                    continue;
                }
                Field::IdStr | Field::PriceStr | Field::AmountStr | Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(RawSeed)?;
        }
        Ok(f.tick().map(|tick| {
            let ids = (tick.event == EventKind::Trade)
                .then(|| f.order_ids())
                .flatten();
            (tick, ids)
        }))
    }
}

/// A page's items, in columns, and how many were skipped.
#[derive(Debug, Default)]
pub(super) struct Items {
    pub columns: Columns,
    pub skipped: usize,
}

/// `Items`: pushes each tick into `items`; answers whether the value was an array at all.
struct ItemsSeed<'a>(&'a mut Items);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of items")
    }
    scalars!(false);
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        drain(map).map(|()| false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let items = self.0;
        while let Some(item) = seq.next_element_seed(ItemSeed)? {
            match item {
                Some((tick, Some(ids))) => items.columns.push_with_order_ids(tick, ids),
                Some((tick, None)) => items.columns.push(tick),
                None => items.skipped += 1,
            }
        }
        Ok(true)
    }
}

/// A JSON object's attributes that tell a page, an envelope and an error apart.
#[derive(Debug, Default)]
pub(super) struct Doc<'de> {
    pub status_code: Raw<'de>,
    pub body: Option<Body<'de>>,
    pub is_base64_encoded: bool,
    /// `Some` only when `Items` was an array.
    pub items: Option<Items>,
    pub last_evaluated_key: Option<Value>,
    /// `message` (API Gateway, tickscope-server) or `Message` (API Gateway's IAM denials).
    pub message: Option<Value>,
    pub error_message: Option<Value>,
    pub error_type: Option<Value>,
}

/// Any JSON value, read as far as the shapes of a response need.
#[derive(Debug)]
pub(super) enum Body<'de> {
    Object(Box<Doc<'de>>),
    /// A JSON string: a proxy integration's `body`, itself JSON text.
    Text(Cow<'de, str>),
    Other,
}

enum DocKey {
    StatusCode,
    Body,
    IsBase64Encoded,
    Items,
    LastEvaluatedKey,
    Message,
    ErrorMessage,
    ErrorType,
    Other,
}

struct DocKeySeed;

impl<'de> DeserializeSeed<'de> for DocKeySeed {
    type Value = DocKey;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DocKey, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for DocKeySeed {
    type Value = DocKey;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<DocKey, E> {
        Ok(match key {
            "statusCode" => DocKey::StatusCode,
            "body" => DocKey::Body,
            "isBase64Encoded" => DocKey::IsBase64Encoded,
            "Items" => DocKey::Items,
            "LastEvaluatedKey" => DocKey::LastEvaluatedKey,
            "message" | "Message" => DocKey::Message,
            "errorMessage" => DocKey::ErrorMessage,
            "errorType" => DocKey::ErrorType,
            _ => DocKey::Other,
        })
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<DocKey, E> {
        Ok(DocKey::Other)
    }
}

/// Reads any JSON value into a [`Body`]. `capacity` is how many items to make room for when an `Items`
/// array turns up (a guess from the body's length).
pub(super) struct BodySeed {
    pub capacity: usize,
}

impl<'de> DeserializeSeed<'de> for BodySeed {
    type Value = Body<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Body<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BodySeed {
    type Value = Body<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a response")
    }
    scalars!(Body::Other);
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Body<'de>, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Body::Other)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Body<'de>, E> {
        Ok(Body::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Body<'de>, E> {
        Ok(Body::Text(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Body<'de>, E> {
        Ok(Body::Text(Cow::Owned(s)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body<'de>, A::Error> {
        let mut doc = Doc::default();
        while let Some(key) = map.next_key_seed(DocKeySeed)? {
            match key {
                DocKey::StatusCode => doc.status_code = map.next_value_seed(RawSeed)?,
                DocKey::Body => {
                    doc.body = Some(map.next_value_seed(BodySeed {
                        capacity: self.capacity,
                    })?)
                }
                DocKey::IsBase64Encoded => {
                    doc.is_base64_encoded = map.next_value::<Value>()? == Value::Bool(true)
                }
                DocKey::Items => {
                    // A repeated `Items` key (last wins in JSON) appends: no item is lost either way.
                    let had_items = doc.items.is_some();
                    let mut items = doc.items.take().unwrap_or_else(|| Items {
                        columns: Columns::with_capacity(self.capacity),
                        skipped: 0,
                    });
                    if map.next_value_seed(ItemsSeed(&mut items))? || had_items {
                        doc.items = Some(items);
                    }
                }
                DocKey::LastEvaluatedKey => doc.last_evaluated_key = Some(map.next_value()?),
                DocKey::Message => doc.message = Some(map.next_value()?),
                DocKey::ErrorMessage => doc.error_message = Some(map.next_value()?),
                DocKey::ErrorType => doc.error_type = Some(map.next_value()?),
                DocKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Body::Object(Box::new(doc)))
    }
}
