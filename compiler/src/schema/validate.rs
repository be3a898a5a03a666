//! Checks a JSON value against a schema type: is this record what the schema says Brightpearl sends?
//!
//! Used by the tests that hold every real Brightpearl sample against its schema, and by anything that
//! needs to tell a malformed record from a valid one before mapping it.

use serde_json::Value;

use super::model::*;
use super::{Registry, SchemaError};

/// One way a value breaks its schema, at a path such as `$.orderRows.1.quantity.magnitude`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every violation of `ty` by `value`. Fails only when a schema itself cannot be loaded.
pub fn validate(registry: &Registry, ty: &Type, value: &Value) -> Result<Vec<Violation>, SchemaError> {
    let mut checker = Checker { registry, violations: Vec::new() };
    checker.value(ty, None, value, &mut "$".to_string())?;
    Ok(checker.violations)
}

struct Checker<'a> {
    registry: &'a Registry,
    violations: Vec<Violation>,
}

impl Checker<'_> {
    fn report(&mut self, path: &str, message: String) {
        self.violations.push(Violation { path: path.to_string(), message });
    }

    /// Checks `value` against `ty`; `field` carries the facts (length, values) of the field it fills.
    fn value(&mut self, ty: &Type, field: Option<&Field>, value: &Value, path: &mut String) -> Result<(), SchemaError> {
        match (ty, value) {
            (Type::Json, _) => {}
            (Type::String, Value::String(s)) => {
                if let Some(Length::Max(max)) = field.and_then(|f| f.length) {
                    let len = s.chars().count();
                    if len > max as usize {
                        self.report(path, format!("text of {len} characters is longer than {max}"));
                    }
                }
                self.in_value_set(field, Literal::Str(s.clone()), path);
            }
            (Type::DecimalText, Value::String(s)) => {
                if !is_decimal(s) {
                    self.report(path, format!("\"{s}\" is not a decimal"));
                }
            }
            (Type::Decimal, Value::Number(n)) => {
                if !is_decimal(n.as_str()) && !is_exponent_decimal(n.as_str()) {
                    self.report(path, format!("{n} is not a decimal"));
                }
            }
            (Type::Int(width), Value::Number(n)) => match n.as_str().parse::<i64>() {
                Ok(v) => {
                    let (lo, hi) = width.range();
                    if v < lo || v > hi {
                        self.report(path, format!("{v} is out of range for {ty}"));
                    }
                    self.in_value_set(field, Literal::Int(v), path);
                }
                Err(_) => self.report(path, format!("{n} is not an integer")),
            },
            (Type::Boolean, Value::Bool(_)) => {}
            (Type::Date, Value::String(s)) => {
                if !is_date(s) {
                    self.report(path, format!("\"{s}\" is not a date (YYYY-MM-DD)"));
                }
            }
            (Type::DateTime, Value::String(s)) => {
                if !is_datetime(s) {
                    self.report(path, format!("\"{s}\" is not a date-time with an offset"));
                }
            }
            (Type::List(element), Value::Array(items)) => {
                if let Some(min) = field.and_then(|f| f.min_items) {
                    if items.len() < min as usize {
                        self.report(path, format!("{} entries; at least {min} required", items.len()));
                    }
                }
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.value(element, None, item, path)?;
                    path.truncate(len);
                }
            }
            (Type::Keyed(element) | Type::Map(element), Value::Object(entries)) => {
                for (key, item) in entries {
                    if matches!(ty, Type::Keyed(_)) && !is_id(key) {
                        self.report(path, format!("key \"{key}\" is not an id; this object is keyed by ids"));
                    }
                    let len = path.len();
                    path.push('.');
                    path.push_str(key);
                    self.value(element, None, item, path)?;
                    path.truncate(len);
                }
            }
            (Type::Record(record), Value::Object(_)) => self.record(record, value, path)?,
            (Type::Named(name), _) => {
                let def = self.registry.get(name)?;
                self.value(&Type::Record(def.record.clone()), field, value, path)?;
            }
            (_, other) => {
                let wanted = match ty {
                    Type::Record(r) => format!("an object ({})", r.name),
                    Type::Keyed(_) => "an object keyed by ids".to_string(),
                    Type::Map(_) => "an object".to_string(),
                    Type::List(_) => "an array".to_string(),
                    other => other.to_string(),
                };
                self.report(path, format!("expected {wanted}, found {}", describe(other)));
            }
        }
        Ok(())
    }

    fn record(&mut self, record: &Record, value: &Value, path: &mut String) -> Result<(), SchemaError> {
        let Value::Object(object) = value else { unreachable!("only objects reach record()") };
        for field in &record.fields {
            let len = path.len();
            path.push('.');
            path.push_str(&field.name);
            match (object.get(&field.name), field.presence) {
                (None, Presence::Required) => self.report(path, "required field is missing".into()),
                (None, _) => {}
                (Some(Value::Null), Presence::Nullable) => {}
                (Some(Value::Null), _) => self.report(path, "is null; this field is absent rather than null".into()),
                (Some(v), _) => self.value(&field.ty, Some(field), v, path)?,
            }
            path.truncate(len);
        }
        if !record.open {
            for key in object.keys().filter(|k| record.field(k).is_none()) {
                let known = record.fields.iter().map(|f| f.name.as_str());
                let hint = crate::suggest::closest(key, known).map(|s| format!(" (did you mean `{s}`?)"));
                self.report(path, format!("unknown field `{key}` in {}{}", record.name, hint.unwrap_or_default()));
            }
        }
        Ok(())
    }

    fn in_value_set(&mut self, field: Option<&Field>, value: Literal, path: &str) {
        if let Some(values) = field.and_then(|f| f.values.as_ref()) {
            if !values.contains(&value) {
                let allowed: Vec<String> = values.0.iter().map(|(v, _)| v.to_string()).collect();
                self.report(path, format!("{value} is not one of {}", allowed.join(", ")));
            }
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a string".into(),
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// `-12.5000`, `3`, `.5` is not accepted: the digits before the point are required.
pub fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    !int.is_empty() && !frac.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_exponent_decimal(s: &str) -> bool {
    match s.split_once(['e', 'E']) {
        Some((mantissa, exp)) => is_decimal(mantissa) && exp.trim_start_matches(['+', '-']).parse::<u32>().is_ok(),
        None => false,
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD` with a real month and day.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`: Brightpearl always sends the offset.
pub fn is_datetime(s: &str) -> bool {
    let Some((date, time)) = s.split_once('T') else { return false };
    if !is_date(date) {
        return false;
    }
    let (clock, offset) = match time.strip_suffix('Z') {
        Some(clock) => (clock, None),
        None => match time.rfind(['+', '-']) {
            Some(i) => (&time[..i], Some(&time[i + 1..])),
            None => return false,
        },
    };
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let hms: Vec<&str> = hms.split(':').collect();
    let clock_ok = matches!(hms[..], [h, m, s] if digits(h, 2) && digits(m, 2) && digits(s, 2)
        && h < "24" && m < "60" && s < "60")
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit());
    let offset_ok = match offset {
        None => true,
        Some(o) => matches!(o.split_once(':'), Some((h, m)) if digits(h, 2) && digits(m, 2)),
    };
    clock_ok && offset_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_dates_and_datetimes() {
        for ok in ["0", "-1.5", "9.0909", "100"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", ".5", "5.", "1,5", "1e3", "--1", "abc"] {
            assert!(!is_decimal(bad), "{bad}");
        }
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2020-13-01") && !is_date("2020-1-01"));
        for ok in ["2020-03-31T15:02:44.000-06:00", "2011-07-28T19:10:45.555Z", "2022-01-20T00:00:00+01:00"] {
            assert!(is_datetime(ok), "{ok}");
        }
        for bad in ["2020-03-31", "2020-03-31T15:02:44", "2020-03-31T25:00:00Z", "2020-03-31T15:02:44.000-0600"] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }
}
