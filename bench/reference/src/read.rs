//! Reading a field as its schema type: what the mapping gets, or the message the record fails with.
//!
//! The messages are maprun's (`` required field `x` is missing ``, `` `x` is null ``,
//! `` `x`: 12 is not text ``), so the two can be compared line for line.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::input::{Leaf, Rec};

/// Why a read failed: the message.
pub type ReadError = String;

fn missing(name: &str) -> ReadError {
    format!("required field `{name}` is missing")
}

fn null(name: &str) -> ReadError {
    format!("`{name}` is null")
}

fn wrong(name: &str, found: &Value, what: &str) -> ReadError {
    format!("`{name}`: {} is not {what}", describe(found))
}

/// A value as JSON text, cut to 40 characters.
pub fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(37).collect::<String>())
    } else {
        text
    }
}

impl Leaf<'_> {
    fn to_value(&self) -> Value {
        match self {
            Leaf::Missing | Leaf::Null => Value::Null,
            Leaf::Bool(b) => Value::Bool(*b),
            Leaf::Num(text) => text.parse::<serde_json::Number>().map(Value::Number).unwrap_or(Value::Null),
            Leaf::Str(s) => Value::String(s.to_string()),
            Leaf::Other(v) => (**v).clone(),
        }
    }
}

/// A required text field.
pub fn text<'x>(leaf: &'x Leaf, name: &str) -> Result<&'x str, ReadError> {
    match leaf {
        Leaf::Str(s) => Ok(s),
        Leaf::Missing => Err(missing(name)),
        Leaf::Null => Err(null(name)),
        other => Err(wrong(name, &other.to_value(), "text")),
    }
}

/// An optional text field: absent is `None`; null is still wrong (only `nullable` fields may be null).
pub fn optional_text<'x>(leaf: &'x Leaf, name: &str) -> Result<Option<&'x str>, ReadError> {
    match leaf {
        Leaf::Missing => Ok(None),
        other => text(other, name).map(Some),
    }
}

/// A required text field with a closed set of values.
pub fn text_in<'x>(leaf: &'x Leaf, name: &str, values: &[&str]) -> Result<&'x str, ReadError> {
    let s = text(leaf, name)?;
    if values.contains(&s) {
        Ok(s)
    } else {
        Err(format!("`{name}`: {} is not one of {}", describe(&Value::String(s.to_string())), values.join(", ")))
    }
}

/// A required text field of at most `max` characters.
pub fn text_of<'x>(leaf: &'x Leaf, name: &str, max: usize) -> Result<&'x str, ReadError> {
    let s = text(leaf, name)?;
    let count = s.chars().count();
    if count <= max {
        Ok(s)
    } else {
        Err(format!("`{name}`: {} is {count} characters, longer than {max}", describe(&Value::String(s.to_string()))))
    }
}

/// A required `int64` field.
pub fn int(leaf: &Leaf, name: &str) -> Result<i64, ReadError> {
    match leaf {
        Leaf::Num(text) => text.parse::<i64>().map_err(|_| wrong(name, &leaf.to_value(), "an integer")),
        Leaf::Missing => Err(missing(name)),
        Leaf::Null => Err(null(name)),
        other => Err(wrong(name, &other.to_value(), "an integer")),
    }
}

/// A required `decimal_text` field: an exact decimal written as text (`"12.5000"`), never through f64.
pub fn decimal_text(leaf: &Leaf, name: &str) -> Result<Decimal, ReadError> {
    match leaf {
        Leaf::Str(s) => parse_decimal(s).ok_or_else(|| wrong(name, &leaf.to_value(), "a decimal")),
        Leaf::Missing => Err(missing(name)),
        Leaf::Null => Err(null(name)),
        other => Err(wrong(name, &other.to_value(), "a decimal in text")),
    }
}

/// A required `datetime` field, reduced to what the mapping uses: its calendar date in its own offset,
/// as `YYYY-MM-DD` (the first ten characters of a valid date-time).
pub fn datetime_date<'x>(leaf: &'x Leaf, name: &str) -> Result<&'x str, ReadError> {
    match leaf {
        Leaf::Str(s) if is_datetime(s) => Ok(&s[..10]),
        Leaf::Str(_) => Err(wrong(name, &leaf.to_value(), "a date-time with an offset")),
        Leaf::Missing => Err(missing(name)),
        Leaf::Null => Err(null(name)),
        other => Err(wrong(name, &other.to_value(), "a date-time")),
    }
}

/// A required record.
pub fn record<'x, T>(rec: &'x Rec<T>, name: &str) -> Result<&'x T, ReadError> {
    match rec {
        Rec::Obj(t) => Ok(t),
        Rec::Missing => Err(missing(name)),
        Rec::Null => Err(null(name)),
        Rec::Other(v) => Err(wrong(name, v, "an object")),
    }
}

/// An optional record: absent is `None`, null is wrong.
pub fn optional_record<'x, T>(rec: &'x Rec<T>, name: &str) -> Result<Option<&'x T>, ReadError> {
    match rec {
        Rec::Missing => Ok(None),
        other => record(other, name).map(Some),
    }
}

/// `decimal_text` as the schema defines it: `-?digits(.digits)?`, exact, at most 28 significant digits.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((_, "")) => return None,
        Some((int, frac)) => (int, frac),
        None => (digits, ""),
    };
    let plain = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    // Up to 18 digits (every price and quantity Brightpearl sends) fit an i64 mantissa. Longer ones go
    // through rust_decimal's exact parser, which refuses what 96 bits and 28 places cannot hold.
    if int.len() + frac.len() <= 18 {
        let mut m: i64 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m * 10 + i64::from(b - b'0');
        }
        if s.starts_with('-') {
            m = -m;
        }
        return Some(Decimal::new(m, frac.len() as u32));
    }
    Decimal::from_str_exact(s).ok()
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

/// `YYYY-MM-DDTHH:MM:SS[.digits](Z|±HH:MM)`, as the schema defines `datetime` (Brightpearl always sends
/// the offset).
pub fn is_datetime(s: &str) -> bool {
    let Some((date, time)) = s.split_once('T') else { return false };
    if !is_date(date) {
        return false;
    }
    let clock = match time.strip_suffix('Z') {
        Some(clock) => clock,
        None => {
            let Some(at) = time.rfind(['+', '-']) else { return false };
            let offset = &time.as_bytes()[at + 1..];
            if !(offset.len() == 5 && offset[2] == b':' && two_digits(&offset[0..2]) && two_digits(&offset[3..5])) {
                return false;
            }
            &time[..at]
        }
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (clock, None),
    };
    let h = hms.as_bytes();
    if !(h.len() == 8 && h[2] == b':' && h[5] == b':' && two_digits(&h[0..2]) && two_digits(&h[3..5]) && two_digits(&h[6..8])) {
        return false;
    }
    if &h[0..2] > b"23".as_slice() || &h[3..5] > b"59".as_slice() || &h[6..8] > b"59".as_slice() {
        return false;
    }
    match fraction {
        None => true,
        Some(f) => !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn two_digits(b: &[u8]) -> bool {
    b.len() == 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        for (text, want) in [("64.9500", "64.9500"), ("-0.05", "-0.05"), ("7", "7"), ("0.0000", "0.0000"), ("123456789012345678.5", "123456789012345678.5")] {
            assert_eq!(parse_decimal(text).unwrap().to_string(), want, "{text}");
            assert_eq!(parse_decimal(text), Decimal::from_str_exact(text).ok(), "{text}");
        }
        for bad in ["", "1.", ".5", "1,5", "abc", "--1", "1.2.3", "+1", " 1", "1E+2", "1e2", "-", "0.00000000000000000000000000001"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn datetimes_as_the_schema_writes_them() {
        for good in ["2026-11-20T21:40:12.000-08:00", "2020-03-31T23:30:00Z", "2024-02-29T00:00:00+05:30", "2020-01-01T00:00:00.5Z", "2020-01-01T00:00:00+99:99"] {
            assert!(is_datetime(good), "{good}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "2020-03-31T24:00:00Z",
            "2020-03-31T15:02:44",
            "2020-03-31T15:02:44.Z",
            "2020-03-31 15:02:44Z",
            "2020-3-31T15:02:44Z",
            "2020-03-31T15:02:44+0100",
            "2020-03-31T15:02:60Z",
            "2020-03-31T15:02Z",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(text(&Leaf::Missing, "productName").unwrap_err(), "required field `productName` is missing");
        assert_eq!(text(&Leaf::Null, "productName").unwrap_err(), "`productName` is null");
        assert_eq!(text(&Leaf::Num("12".into()), "productName").unwrap_err(), "`productName`: 12 is not text");
        assert_eq!(int(&Leaf::Num("1.0".into()), "id").unwrap_err(), "`id`: 1.0 is not an integer");
        assert_eq!(decimal_text(&Leaf::Str("x".into()), "value").unwrap_err(), "`value`: \"x\" is not a decimal");
        let long = Leaf::Str("a".repeat(50).into());
        assert_eq!(int(&long, "id").unwrap_err(), format!("`id`: \"{}... is not an integer", "a".repeat(36)));
    }
}
