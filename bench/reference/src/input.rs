//! The part of a Brightpearl order this mapping reads, as typed structs borrowing from the input line.
//!
//! Every field the mapping reads is kept *as found* (a [`Leaf`] or a [`Rec`]): absent, null, text, a
//! number with its text, or something else. Whether it is what the schema says is decided where the
//! mapping reads it, in the order the mapping reads it, so a record fails at the same field and with the
//! same message as under `maprun`. Fields the mapping never reads are skipped by serde without building
//! anything.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// serde_json (with `arbitrary_precision`, as in this workspace: numbers keep their text) hands a number
/// to a generic visitor as a one-entry map under this key.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A scalar field as found in the input.
#[derive(Debug, Default, Clone, PartialEq)]
pub enum Leaf<'a> {
    #[default]
    Missing,
    Null,
    Bool(bool),
    /// A number, with the text it was written as.
    Num(Cow<'a, str>),
    Str(Cow<'a, str>),
    /// An array or an object (boxed: it is rare, and a small leaf is cheap to move).
    Other(Box<Value>),
}

/// A record field as found in the input: the record, or whatever stood in its place.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Rec<T> {
    #[default]
    Missing,
    Null,
    Obj(T),
    /// Not an object: the value, for the failure message.
    Other(Box<Value>),
}

/// Whether a key was there at all (for `response`, which makes a line an envelope).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seen(pub bool);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order<'a> {
    #[serde(default, borrow)]
    pub id: Leaf<'a>,
    #[serde(default, borrow)]
    pub order_type_code: Leaf<'a>,
    #[serde(default, borrow)]
    pub placed_on: Leaf<'a>,
    #[serde(default, borrow)]
    pub currency: Rec<Currency<'a>>,
    #[serde(default, borrow)]
    pub assignment: Rec<Assignment<'a>>,
    #[serde(default, borrow)]
    pub parties: Rec<Parties<'a>>,
    #[serde(default, borrow)]
    pub order_rows: Rec<Rows<'a>>,
    /// A Brightpearl envelope (`{"response": ...}`) rather than an order.
    #[serde(default)]
    pub response: Seen,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Currency<'a> {
    #[serde(default, borrow)]
    pub order_currency_code: Leaf<'a>,
}

#[derive(Debug, Deserialize)]
pub struct Assignment<'a> {
    #[serde(default, borrow)]
    pub current: Rec<Current<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Current<'a> {
    #[serde(default, borrow)]
    pub channel_id: Leaf<'a>,
}

#[derive(Debug, Deserialize)]
pub struct Parties<'a> {
    #[serde(default, borrow)]
    pub customer: Rec<Party<'a>>,
    #[serde(default, borrow)]
    pub delivery: Rec<Party<'a>>,
}

/// A customer or a delivery address.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party<'a> {
    #[serde(default, borrow)]
    pub contact_id: Leaf<'a>,
    #[serde(default, borrow)]
    pub address_full_name: Leaf<'a>,
    #[serde(default, borrow)]
    pub company_name: Leaf<'a>,
    #[serde(default, borrow)]
    pub address_line1: Leaf<'a>,
    #[serde(default, borrow)]
    pub address_line2: Leaf<'a>,
    #[serde(default, borrow)]
    pub address_line3: Leaf<'a>,
    #[serde(default, borrow)]
    pub address_line4: Leaf<'a>,
    #[serde(default, borrow)]
    pub postal_code: Leaf<'a>,
    #[serde(default, borrow)]
    pub country: Leaf<'a>,
}

/// `orderRows`: rows keyed by row id, in the order they came, with the order to walk them in.
#[derive(Debug, Default)]
pub struct Rows<'a> {
    pub entries: Vec<(Cow<'a, str>, Rec<Row<'a>>)>,
    /// Indices into `entries` in ascending numeric id order; `None` when some key is not an id.
    pub order: Option<Vec<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row<'a> {
    #[serde(default, borrow)]
    pub nominal_code: Leaf<'a>,
    #[serde(default, borrow)]
    pub product_sku: Leaf<'a>,
    #[serde(default, borrow)]
    pub product_name: Leaf<'a>,
    #[serde(default, borrow)]
    pub quantity: Rec<Quantity<'a>>,
    #[serde(default, borrow)]
    pub row_value: Rec<RowValue<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct Quantity<'a> {
    #[serde(default, borrow)]
    pub magnitude: Leaf<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowValue<'a> {
    #[serde(default, borrow)]
    pub tax_code: Leaf<'a>,
    #[serde(default, borrow)]
    pub row_net: Rec<Money<'a>>,
    #[serde(default, borrow)]
    pub row_tax: Rec<Money<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct Money<'a> {
    #[serde(default, borrow)]
    pub value: Leaf<'a>,
}

/// Parses one line as an order (or as whatever stands in its place).
pub fn parse_line(text: &str) -> serde_json::Result<Rec<Order<'_>>> {
    serde_json::from_str(text)
}

// ---------------------------------------------------------------------------------------------------
// Deserialization of the lenient wrappers.

impl<'de: 'a, 'a> Deserialize<'de> for Leaf<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LeafVisitor)
    }
}

struct LeafVisitor;

impl<'de> Visitor<'de> for LeafVisitor {
    type Value = Leaf<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Leaf::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Leaf::Num(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Leaf::Num(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Leaf::Num(Cow::Owned(v.to_string())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Leaf::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Leaf::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Leaf::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Leaf::Other(Box::new(Value::deserialize(SeqAccessDeserializer::new(seq))?)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(first) = map.next_key_seed(KeySeed)? else { return Ok(Leaf::Other(Box::new(Value::Object(Map::new())))) };
        if first == NUMBER_TOKEN {
            let text: String = map.next_value()?;
            return Ok(Leaf::Num(Cow::Owned(text)));
        }
        Ok(Leaf::Other(Box::new(Value::Object(rest_of_object(first, map)?))))
    }
}

/// An object whose first key has been read: the rest of it, later duplicates replacing earlier ones as
/// serde_json's own `Value` does.
fn rest_of_object<'de, A: MapAccess<'de>>(first: Cow<'de, str>, mut map: A) -> Result<Map<String, Value>, A::Error> {
    let mut object = Map::new();
    object.insert(first.into_owned(), map.next_value::<Value>()?);
    while let Some((k, v)) = map.next_entry::<String, Value>()? {
        object.insert(k, v);
    }
    Ok(object)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Rec<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RecVisitor(std::marker::PhantomData))
    }
}

struct RecVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for RecVisitor<T> {
    type Value = Rec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Rec::Other(Box::new(Value::Bool(v))))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Rec::Other(Box::new(Value::from(v))))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Rec::Other(Box::new(Value::from(v))))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Rec::Other(Box::new(Value::from(v))))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Rec::Other(Box::new(Value::String(v.to_string()))))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Rec::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Rec::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Rec::Other(Box::new(Value::deserialize(SeqAccessDeserializer::new(seq))?)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let first = map.next_key_seed(KeySeed)?;
        if first.as_deref() == Some(NUMBER_TOKEN) {
            let text: String = map.next_value()?;
            let number = text.parse::<serde_json::Number>().map_err(de::Error::custom)?;
            return Ok(Rec::Other(Box::new(Value::Number(number))));
        }
        T::deserialize(MapAccessDeserializer::new(Prepend { first, inner: map })).map(Rec::Obj)
    }
}

/// A map whose first key was already read (to tell a number from an object), handed on whole.
struct Prepend<'de, A> {
    first: Option<Cow<'de, str>>,
    inner: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Prepend<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(Cow::Borrowed(key)) => seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some),
            Some(Cow::Owned(key)) => seed.deserialize(key.into_deserializer()).map(Some),
            None => self.inner.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// A map key, borrowed from the input when it holds no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Deserialize<'de> for Seen {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::IgnoredAny::deserialize(deserializer).map(|_| Seen(true))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Rows<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Rows<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("order rows keyed by id")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let row: Rec<Row<'de>> = map.next_value()?;
            entries.push((key, row));
        }
        let order = if entries.iter().all(|(k, _)| is_id(k)) {
            let mut order: Vec<u32> = (0..entries.len() as u32).collect();
            // Ascending numeric id, whatever the number of digits; stable for equal ids ("7", "07").
            order.sort_by(|&a, &b| id_cmp(&entries[a as usize].0, &entries[b as usize].0));
            // The same id twice: JSON keeps the last value, at the first one's place. Rare enough to
            // leave to the slow path, which reads the line through serde_json's `Value` first.
            if order.windows(2).any(|w| entries[w[0] as usize].0 == entries[w[1] as usize].0) || has_duplicate(&entries, &order) {
                return Err(de::Error::custom("the same row id twice"));
            }
            Some(order)
        } else {
            None
        };
        Ok(Rows { entries, order })
    }
}

/// Duplicates that are not neighbours after sorting: equal ids spelt differently in between ("7", "07", "7").
fn has_duplicate(entries: &[(Cow<str>, Rec<Row>)], order: &[u32]) -> bool {
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && id_cmp(&entries[order[start] as usize].0, &entries[order[end] as usize].0).is_eq() {
            end += 1;
        }
        if end - start > 2 {
            let run = &order[start..end];
            for (i, a) in run.iter().enumerate() {
                if run[i + 1..].iter().any(|b| entries[*a as usize].0 == entries[*b as usize].0) {
                    return true;
                }
            }
        }
        start = end;
    }
    false
}

/// A row id: digits only.
pub fn is_id(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit())
}

/// Numeric order of two ids of any length.
pub fn id_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_keep_what_they_found() {
        let line = r#"{"id": 12, "orderTypeCode": null, "placedOn": "a\"b", "currency": 5, "assignment": [1],
                      "parties": {"customer": {"contactId": "x", "companyName": {"a": 1.50}}}, "orderRows": {"10": {}, "9": {}, "010": {}}}"#;
        let Rec::Obj(order) = parse_line(line).unwrap() else { panic!() };
        assert_eq!(order.id, Leaf::Num("12".into()));
        assert_eq!(order.order_type_code, Leaf::Null);
        assert_eq!(order.placed_on, Leaf::Str(Cow::Owned("a\"b".into())));
        assert!(matches!(order.currency, Rec::Other(ref v) if v.to_string() == "5"));
        assert!(matches!(order.assignment, Rec::Other(ref v) if v.is_array()));
        let Rec::Obj(parties) = &order.parties else { panic!() };
        assert!(matches!(parties.delivery, Rec::Missing));
        let Rec::Obj(customer) = &parties.customer else { panic!() };
        assert_eq!(customer.contact_id, Leaf::Str("x".into()));
        let Leaf::Other(v) = &customer.company_name else { panic!() };
        assert_eq!(v.to_string(), r#"{"a":1.50}"#);
        let Rec::Obj(rows) = &order.order_rows else { panic!() };
        let keys: Vec<&str> = rows.order.as_ref().unwrap().iter().map(|&i| rows.entries[i as usize].0.as_ref()).collect();
        assert_eq!(keys, ["9", "10", "010"]);
        assert!(!order.response.0);
    }

    #[test]
    fn duplicates_and_envelopes_are_noticed() {
        assert!(parse_line(r#"{"orderRows": {"1": {}, "2": {}, "1": {}}}"#).is_err());
        assert!(parse_line(r#"{"orderRows": {"1": {}, "01": {}, "1": {}}}"#).is_err());
        assert!(parse_line(r#"{"id": 1, "id": 2}"#).is_err(), "serde refuses a field twice");
        let Rec::Obj(envelope) = parse_line(r#"{"response": [{"id": 1}]}"#).unwrap() else { panic!() };
        assert!(envelope.response.0);
        assert!(matches!(parse_line("[1, 2]").unwrap(), Rec::Other(_)));
    }
}

