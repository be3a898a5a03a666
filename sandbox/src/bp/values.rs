//! Reading request bodies (numbers or text, as Brightpearl accepts both) and writing values the
//! way its responses do (decimals as text with a fixed number of places).

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

use super::error::{ApiError, ApiResult};

/// The largest amount, quantity or rate accepted: the product of two stays far from the
/// decimal type's limit (about 7.9e28), so arithmetic on request values cannot overflow.
pub const MAX_DECIMAL: Decimal =
    Decimal::from_parts(1_000_000_000_000u64 as u32, (1_000_000_000_000u64 >> 32) as u32, 0, false, 0);

/// A decimal sent as a JSON number or as text (`5`, `"5.0000"`, `100.0`), at most
/// [`MAX_DECIMAL`] either way.
pub fn decimal(value: &Value) -> Option<Decimal> {
    read_decimal(value).filter(|number| number.abs() <= MAX_DECIMAL)
}

fn read_decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(number) => {
            Decimal::from_str(&number.to_string()).or_else(|_| Decimal::from_scientific(&number.to_string())).ok()
        }
        Value::String(text) => Decimal::from_str(text.trim()).ok(),
        _ => None,
    }
}

/// `value` rounded half away from zero to `places` and written with exactly that many places.
pub fn fixed(value: Decimal, places: u32) -> String {
    let mut rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    rounded.to_string()
}

/// An integer sent as a number or as numeric text.
pub fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The text at `pointer`, if it is text.
pub fn text_at<'a>(body: &'a Value, pointer: &str) -> Option<&'a str> {
    body.pointer(pointer).and_then(Value::as_str)
}

/// The integer at `pointer`, if it is one (number or numeric text).
pub fn int_at(body: &Value, pointer: &str) -> Option<i64> {
    body.pointer(pointer).and_then(int)
}

/// The decimal at `pointer` or a 400 naming the field.
pub fn required_decimal(body: &Value, pointer: &str, field: &str) -> ApiResult<Decimal> {
    body.pointer(pointer).and_then(decimal).ok_or_else(|| ApiError::bad_body(format!("{field} must be a number")))
}

/// A JSON number holding exactly the decimal's text (`10.0000`), for fields the API sends as numbers.
pub fn number(value: Decimal) -> Value {
    serde_json::from_str(&value.to_string()).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_text_read_alike() {
        assert_eq!(decimal(&json!(100)), Some(Decimal::from(100)));
        assert_eq!(decimal(&json!("9.0909")), Decimal::from_str("9.0909").ok());
        assert_eq!(decimal(&json!(100.0)), Decimal::from_str("100.0").ok());
        assert_eq!(decimal(&json!(true)), None);
        assert_eq!(MAX_DECIMAL, Decimal::from(1_000_000_000_000i64));
        assert_eq!(decimal(&json!(1e13)), None, "beyond the largest amount");
        assert_eq!(decimal(&json!("-1000000000000")), Some(-MAX_DECIMAL));
        assert_eq!(fixed(Decimal::from_str("9.09085").unwrap(), 4), "9.0909");
        assert_eq!(fixed(Decimal::from(13), 2), "13.00");
        assert_eq!(fixed(Decimal::from_str("-0.005").unwrap(), 2), "-0.01");
    }
}
