//! Reading only what a mapping reads: a record is parsed through the program's projection, and every
//! field it never reads is skipped by the JSON scanner without building a value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value as Json};

use crate::ir::Projection;

/// serde_json hands a number to a generic visitor as a one-entry map under this key when it keeps
/// numbers as text (`arbitrary_precision`, which this workspace uses so that money never meets f64).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Parses one record, keeping the parts of `projection`. A record inside a Brightpearl envelope
/// (`{"response": ...}`) is kept whole, for the envelope's reader to unwrap.
pub fn parse(text: &str, projection: &Projection) -> serde_json::Result<Json> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Seed { projection, root: true }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct Seed<'p> {
    projection: &'p Projection,
    root: bool,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Json;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        if self.projection.all {
            Json::deserialize(deserializer)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Number::from_f64(v).map(Json::Number).ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        if self.root {
            // A line holding an array of records: each is a record.
            while let Some(item) = seq.next_element_seed(Seed { projection: self.projection, root: true })? {
                items.push(item);
            }
            return Ok(Json::Array(items));
        }
        match self.projection.fields.get("*") {
            Some(entry) => {
                while let Some(item) = seq.next_element_seed(Seed { projection: entry, root: false })? {
                    items.push(item);
                }
            }
            // An array where the mapping reads a record's fields: kept whole, so that the record's
            // failure quotes it as it is.
            None if !self.projection.fields.is_empty() => {
                while let Some(item) = seq.next_element::<Json>()? {
                    items.push(item);
                }
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Map::new();
        let every = self.projection.fields.get("*");
        let mut first = true;
        while let Some(key) = map.next_key_seed(Key)? {
            if first && key == NUMBER_TOKEN {
                let text: String = map.next_value()?;
                return text.parse::<Number>().map(Json::Number).map_err(de::Error::custom);
            }
            first = false;
            if self.root && key == "response" && !self.projection.fields.contains_key("response") {
                object.insert(key.into_owned(), map.next_value::<Json>()?);
                continue;
            }
            match self.projection.fields.get(key.as_ref()).or(every) {
                Some(projection) => {
                    let value = map.next_value_seed(Seed { projection, root: false })?;
                    object.insert(key.into_owned(), value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Json::Object(object))
    }
}

/// A map key, borrowed from the input when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_is_read_and_skips_the_rest() {
        let p = Projection::kept_whole(&["id", "rows.*.net", "party.name"]);
        let text = r#"{"id": 12345678901234567890, "skip": {"deep": [1, 2, {"x": "y"}]}, "rows": {"9": {"net": "1.50", "other": 1}, "10": {"net": 2.25}},
                     "party": {"name": "A \"B\"", "phone": "1"}, "n": 1e400}"#;
        let value = parse(text, &p).unwrap();
        assert_eq!(value.to_string(), r#"{"id":12345678901234567890,"rows":{"9":{"net":"1.50"},"10":{"net":2.25}},"party":{"name":"A \"B\""}}"#);
    }

    #[test]
    fn numbers_keep_their_text_and_envelopes_stay_whole() {
        let p = Projection::kept_whole(&["a"]);
        assert_eq!(parse(r#"{"a": 0.1000}"#, &p).unwrap()["a"].to_string(), "0.1000");
        let envelope = parse(r#"{"response": [{"a": 1, "b": 2}]}"#, &p).unwrap();
        assert_eq!(envelope["response"][0]["b"], 2);
        let mut nested = Projection::default();
        nested.at(&["a".to_string(), "b".to_string()]);
        // A number where the projection expects an object is kept as the number it is.
        assert_eq!(parse(r#"{"a": 12.50}"#, &nested).unwrap()["a"].to_string(), "12.50");
        assert!(parse(r#"{"a": 1} trailing"#, &p).is_err());
        // An array of records on one line is records, each projected.
        assert_eq!(parse(r#"[{"a": 1, "b": 2}, {"a": 3}]"#, &p).unwrap().to_string(), r#"[{"a":1},{"a":3}]"#);
        assert!(parse(r#"{"a": [1, 2"#, &p).is_err());
    }
}
