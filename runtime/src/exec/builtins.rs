//! The built-in functions at run time. An absent argument gives an absent result, except where a
//! function is about absence itself (`present`) or takes a collection (an absent one is empty).

use std::borrow::Cow;

use rust_decimal::{Decimal, RoundingStrategy};

use super::eval::{as_decimal, hard, Eval, Machine};
use super::Fault;
use crate::ir::{Builtin, Expr, SourceType};
use crate::value::{parse_decimal, Date, DateTime, Value};

impl<'a> Machine<'a> {
    pub(crate) fn builtin(&mut self, function: Builtin, args: &'a [Expr]) -> Eval<'a> {
        match function {
            Builtin::Present => return Ok(Value::Bool(!self.eval(&args[0])?.is_absent())),
            Builtin::Sum | Builtin::Count | Builtin::Min | Builtin::Max | Builtin::First | Builtin::Join => {
                return self.aggregate(function, args);
            }
            _ => {}
        }
        // No function takes more than three arguments (checked at load): no vector per call.
        let mut held = [Value::Absent, Value::Absent, Value::Absent];
        for (value, arg) in held.iter_mut().zip(args) {
            *value = self.eval(arg)?;
        }
        let values = &held[..args.len().min(held.len())];
        if values.iter().any(Value::is_absent) {
            return Ok(Value::Absent);
        }
        let text = |i: usize| -> Cow<'_, str> {
            match &values[i] {
                Value::Str(s) => Cow::Borrowed(s.as_ref()),
                other => Cow::Owned(other.to_text().unwrap_or_default()),
            }
        };
        let count = |i: usize| -> usize {
            match &values[i] {
                Value::Int(n) => (*n).clamp(0, u32::MAX as i64) as usize,
                _ => 0,
            }
        };
        Ok(match function {
            Builtin::Text => match values[0].to_text() {
                Some(t) => Value::Str(Cow::Owned(t)),
                None => return Err(hard("this value has no text form".into())),
            },
            Builtin::ToDecimal => match parse_decimal(text(0).trim()) {
                Some(d) => Value::Dec(d),
                None => return Err(Fault::Soft(format!("{:?} is not a decimal", text(0)))),
            },
            Builtin::ToInt => match text(0).trim().parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => return Err(Fault::Soft(format!("{:?} is not an integer", text(0)))),
            },
            Builtin::Round => {
                let d = as_decimal(&values[0]).ok_or_else(|| hard("round() of a value that is not a number".into()))?;
                Value::Dec(d.round_dp_with_strategy(count(1) as u32, RoundingStrategy::MidpointAwayFromZero))
            }
            Builtin::Truncate => {
                let n = count(1);
                let s = text(0);
                // No more characters than bytes: a short text is kept without counting.
                if s.len() <= n {
                    return Ok(values[0].clone());
                }
                match s.char_indices().nth(n) {
                    Some((cut, _)) => Value::Str(Cow::Owned(s[..cut].to_string())),
                    None => values[0].clone(),
                }
            }
            Builtin::Upper => Value::Str(Cow::Owned(text(0).to_uppercase())),
            Builtin::Lower => Value::Str(Cow::Owned(text(0).to_lowercase())),
            Builtin::Trim => Value::Str(Cow::Owned(text(0).trim().to_string())),
            Builtin::PadLeft => {
                let (s, n, fill) = (text(0), count(1), text(2));
                let missing = n.saturating_sub(s.chars().count());
                Value::Str(Cow::Owned(format!("{}{s}", fill.repeat(missing))))
            }
            Builtin::Replace => {
                let from = text(1);
                if from.is_empty() {
                    values[0].clone()
                } else {
                    Value::Str(Cow::Owned(text(0).replace(from.as_ref(), text(2).as_ref())))
                }
            }
            Builtin::Date => match &values[0] {
                Value::DateTime(dt) => Value::Date(dt.date),
                Value::Date(d) => Value::Date(*d),
                _ => {
                    let s = text(0);
                    match Date::parse(s.trim()).or_else(|| DateTime::parse(s.trim()).map(|dt| dt.date)) {
                        Some(d) => Value::Date(d),
                        None => return Err(Fault::Soft(format!("{s:?} is not a date"))),
                    }
                }
            },
            Builtin::Length => Value::Int(text(0).chars().count() as i64),
            Builtin::Abs => match &values[0] {
                Value::Int(n) => Value::Int(n.checked_abs().ok_or_else(|| hard("integer overflow".into()))?),
                Value::Dec(d) => Value::Dec(d.abs()),
                _ => return Err(hard("abs() of a value that is not a number".into())),
            },
            _ => unreachable!("handled above"),
        })
    }

    fn aggregate(&mut self, function: Builtin, args: &'a [Expr]) -> Eval<'a> {
        if let (Builtin::Sum, Expr::Comprehension { item, key, source, element, filter, value }) = (function, &args[0]) {
            let mut total = Total::default();
            self.each_of(*item, *key, source, *element, filter.as_deref(), value, |v| {
                total.add(&v);
                Ok(())
            })?;
            return total.value();
        }
        let items: Vec<Value<'a>> = self.iterate_source(&args[0], SourceType::Json)?.iter().map(|(_, v)| v.clone()).collect();
        Ok(match function {
            Builtin::Count => Value::Int(items.len() as i64),
            Builtin::First => items.into_iter().next().unwrap_or(Value::Absent),
            Builtin::Sum => {
                let mut total = Total::default();
                items.iter().for_each(|item| total.add(item));
                return total.value();
            }
            Builtin::Min | Builtin::Max => {
                let mut best: Option<Value<'a>> = None;
                for item in items {
                    best = match best {
                        None => Some(item),
                        Some(b) => {
                            let better = match item.compare(&b) {
                                Some(std::cmp::Ordering::Less) => function == Builtin::Min,
                                Some(std::cmp::Ordering::Greater) => function == Builtin::Max,
                                _ => false,
                            };
                            Some(if better { item } else { b })
                        }
                    };
                }
                best.unwrap_or(Value::Absent)
            }
            Builtin::Join => {
                let separator = self.eval(&args[1])?;
                let Some(separator) = separator.to_text() else { return Ok(Value::Absent) };
                let parts: Vec<String> = items.iter().filter_map(Value::to_text).collect();
                Value::Str(Cow::Owned(parts.join(&separator)))
            }
            _ => unreachable!("not an aggregation"),
        })
    }
}

/// A running `sum()`: whole numbers add up as integers while every value is one, and as decimals
/// in any case, so the values need not be kept. The first value that is not a number, or the first
/// overflow of the decimal total, is the sum's failure; an integer total that overflows fails only
/// if every value is an integer.
struct Total {
    int: Option<i64>,
    all_ints: bool,
    dec: Result<Decimal, &'static str>,
}

impl Default for Total {
    fn default() -> Self {
        Total { int: Some(0), all_ints: true, dec: Ok(Decimal::ZERO) }
    }
}

impl Total {
    fn add(&mut self, item: &Value) {
        match item {
            Value::Int(n) => self.int = self.int.and_then(|total| total.checked_add(*n)),
            _ => self.all_ints = false,
        }
        if let Ok(total) = self.dec {
            self.dec = match as_decimal(item) {
                Some(d) => total.checked_add(d).ok_or("sum overflows"),
                None => Err("sum() over values that are not numbers"),
            };
        }
    }

    fn value<'a>(self) -> Eval<'a> {
        match (self.all_ints, self.int, self.dec) {
            (true, Some(total), _) => Ok(Value::Int(total)),
            (true, None, _) => Err(hard("sum overflows".into())),
            (false, _, Ok(total)) => Ok(Value::Dec(total)),
            (false, _, Err(message)) => Err(hard(message.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(items: &[Value]) -> Result<String, String> {
        let mut total = Total::default();
        items.iter().for_each(|item| total.add(item));
        match total.value() {
            Ok(Value::Int(n)) => Ok(format!("int {n}")),
            Ok(Value::Dec(d)) => Ok(format!("dec {d}")),
            Ok(other) => Ok(format!("{other:?}")),
            Err(fault) => Err(fault.into_failure(None).message),
        }
    }

    #[test]
    fn running_sums_keep_integers_and_fail_as_a_list_would() {
        let dec = |s: &str| Value::Dec(s.parse().unwrap());
        assert_eq!(sum(&[]), Ok("int 0".into()));
        assert_eq!(sum(&[Value::Int(2), Value::Int(3)]), Ok("int 5".into()));
        assert_eq!(sum(&[Value::Int(2), dec("0.50"), Value::Int(1)]), Ok("dec 3.50".into()));
        assert_eq!(sum(&[Value::Int(i64::MAX), Value::Int(1)]), Err("sum overflows".into()));
        // Integers that overflow i64 still add up once a decimal joins them.
        assert_eq!(sum(&[Value::Int(i64::MAX), Value::Int(1), dec("0.5")]), Ok("dec 9223372036854775808.5".into()));
        let not_numbers = Err("sum() over values that are not numbers".to_string());
        assert_eq!(sum(&[Value::Int(1), Value::Absent, Value::Int(2)]), not_numbers);
        assert_eq!(sum(&[dec("1"), Value::Str("2".into())]), not_numbers);
        let max = Value::Dec(Decimal::MAX);
        assert_eq!(sum(&[max.clone(), max, Value::Str("x".into())]), Err("sum overflows".into()), "the first failure in order");
    }
}
