//! Run-time values: exact decimals, dates in their own offset, text borrowed from the input where it
//! can be, records and collections left as the input's JSON until a field is read.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use crate::doc::NodeRef;

#[derive(Debug, Clone)]
pub enum Value<'a> {
    Absent,
    Str(Cow<'a, str>),
    Int(i64),
    Dec(Decimal),
    Bool(bool),
    Date(Date),
    DateTime(DateTime),
    /// A record, a collection or a `json` value of the input, read lazily.
    Json(NodeRef<'a>),
    List(Arc<Vec<Value<'a>>>),
}

impl Value<'_> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }

    /// Equality as the language defines it: numbers by value (2 == 2.00), an absent value equals
    /// only another absent value.
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Absent, Value::Absent) => true,
            (Value::Absent, _) | (_, Value::Absent) => false,
            _ => self.compare(other) == Some(Ordering::Equal),
        }
    }

    /// Ordering of two values of one kind; `None` when they cannot be compared.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => Some(a.as_ref().cmp(b.as_ref())),
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Dec(a), Value::Dec(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Dec(b)) => Some(Decimal::from(*a).cmp(b)),
            (Value::Dec(a), Value::Int(b)) => Some(a.cmp(&Decimal::from(*b))),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.instant().cmp(&b.instant())),
            _ => None,
        }
    }

    /// The text form `text(x)` gives.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Str(s) => s.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Dec(d) => format_decimal(d),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.to_string(),
            Value::DateTime(d) => d.to_string(),
            _ => return None,
        })
    }
}

/// A decimal from its text: `12.5000`, `-3`, `1E+2`. Never through a binary float.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    plain_decimal(text).or_else(|| general_decimal(text))
}

/// The common case in one pass: an optional `-`, at most 18 digits with at least one before and one
/// after a point, and not `-0` (whose sign only the general parser keeps). The value is its digits as
/// an integer and their places, exactly.
pub(crate) fn plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 || !digits[0].is_ascii_digit() {
        return None;
    }
    let (mut mantissa, mut point) = (0u64, None);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + (b - b'0') as u64,
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let places = match point {
        Some(at) if at + 1 == digits.len() => return None,
        Some(at) => digits.len() - at - 1,
        None if digits.len() > 18 => return None,
        None => 0,
    };
    if mantissa == 0 && negative {
        return None;
    }
    Some(Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, negative, places as u32))
}

/// Any decimal [`parse_decimal`] takes that [`plain_decimal`] does not: an exponent, `-0`, more digits.
pub(crate) fn general_decimal(text: &str) -> Option<Decimal> {
    if text.bytes().any(|b| b == b'e' || b == b'E') {
        return Decimal::from_scientific(text).ok();
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) if !frac.is_empty() => (int, frac),
        Some(_) => return None,
        None => (digits, ""),
    };
    let plain = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// The canonical text of a decimal: no exponent, no trailing zeros after the point, no `-0`.
pub fn format_decimal(d: &Decimal) -> String {
    let mut text = String::new();
    write_decimal(d, &mut text);
    text
}

/// [`format_decimal`], appended to `out`.
pub fn write_decimal(d: &Decimal, out: &mut String) {
    if d.is_zero() {
        out.push('0');
        return;
    }
    // Trailing zeros of the fraction are not written (what `normalize` would remove).
    let (mut wide, mut scale) = (d.mantissa().unsigned_abs(), d.scale());
    while wide > u64::MAX as u128 && scale > 0 && wide % 10 == 0 {
        wide /= 10;
        scale -= 1;
    }
    let mut text = DecimalText { bytes: [0; 48], at: 48, written: 0, scale };
    if wide <= u64::MAX as u128 {
        let mut narrow = wide as u64;
        while text.scale > 0 && narrow % 10 == 0 {
            narrow /= 10;
            text.scale -= 1;
        }
        text.digits_of(narrow);
    } else {
        // Above 2^64 (at most 29 digits): the digits over it one at a time in 128 bits, then the rest.
        while wide > u64::MAX as u128 {
            text.digit((wide % 10) as u8);
            wide /= 10;
        }
        text.digits_of(wide as u64);
    }
    text.finish(d.is_sign_negative(), out);
}

/// A decimal's text written from its last digit back: the point goes in once `scale` digits are down.
struct DecimalText {
    bytes: [u8; 48],
    at: usize,
    written: u32,
    scale: u32,
}

impl DecimalText {
    fn put(&mut self, byte: u8) {
        self.at -= 1;
        self.bytes[self.at] = byte;
    }

    fn digit(&mut self, digit: u8) {
        self.put(b'0' + digit);
        self.written += 1;
        if self.written == self.scale {
            self.put(b'.');
        }
    }

    fn digits_of(&mut self, mut rest: u64) {
        while rest > 0 || self.written < self.scale {
            self.digit((rest % 10) as u8);
            rest /= 10;
        }
    }

    fn finish(mut self, negative: bool, out: &mut String) {
        if self.scale > 0 && self.written == self.scale {
            self.put(b'0');
        }
        if negative {
            self.put(b'-');
        }
        out.push_str(std::str::from_utf8(&self.bytes[self.at..]).unwrap_or_default());
    }
}

/// Decimal places of a value as written after normalising (`1.50` has 1).
pub fn places(d: &Decimal) -> u32 {
    d.normalize().scale()
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `YYYY-MM-DD`, a real day.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |s: &str| s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
        let (year, month, day) = (num(&text[0..4])?, num(&text[5..7])?, num(&text[8..10])?);
        let date = Date { year: year as i32, month: month as u8, day: day as u8 };
        ((1..=12).contains(&month) && day >= 1 && day as u8 <= days_in_month(date.year, date.month)).then_some(date)
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days(&self) -> i64 {
        let (y, m, d) = (self.year as i64 - i64::from(self.month <= 2), self.month as i64, self.day as i64);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1]
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A moment with the offset it was written in: `date()` takes the calendar date in that offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub date: Date,
    /// Seconds since local midnight.
    pub seconds: u32,
    pub millis: u32,
    /// Minutes east of UTC.
    pub offset: i32,
}

impl DateTime {
    /// `YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM)`.
    pub fn parse(text: &str) -> Option<DateTime> {
        let (date, time) = text.split_once('T')?;
        let date = Date::parse(date)?;
        let (clock, offset) = if let Some(clock) = time.strip_suffix('Z') {
            (clock, 0)
        } else {
            let at = time.rfind(['+', '-'])?;
            let (h, m) = time[at + 1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let minutes = h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?;
            (&time[..at], if &time[at..at + 1] == "-" { -minutes } else { minutes })
        };
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut parts = hms.split(':');
        let (Some(h), Some(m), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        let two = |x: &str| (x.len() == 2 && x.bytes().all(|c| c.is_ascii_digit())).then(|| x.parse::<u32>().ok()).flatten();
        let (h, m, s) = (two(h)?, two(m)?, two(s)?);
        if h > 23 || m > 59 || s > 59 || !fraction.bytes().all(|c| c.is_ascii_digit()) || (clock.contains('.') && fraction.is_empty()) {
            return None;
        }
        // The first three digits of the fraction, as milliseconds.
        let millis = fraction.bytes().chain(std::iter::repeat(b'0')).take(3).fold(0, |ms, c| ms * 10 + (c - b'0') as u32);
        Some(DateTime { date, seconds: h * 3600 + m * 60 + s, millis, offset })
    }

    /// Milliseconds since the epoch, for comparing moments written in different offsets.
    pub fn instant(&self) -> i64 {
        (self.date.days() * 86_400 + self.seconds as i64 - self.offset as i64 * 60) * 1000 + self.millis as i64
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.seconds / 3600, self.seconds / 60 % 60, self.seconds % 60);
        let sign = if self.offset < 0 { '-' } else { '+' };
        let off = self.offset.abs();
        write!(f, "{}T{h:02}:{m:02}:{s:02}.{:03}{sign}{:02}:{:02}", self.date, self.millis, off / 60, off % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_and_plain() {
        let d = parse_decimal("9.0909").unwrap();
        assert_eq!(format_decimal(&d), "9.0909");
        assert_eq!(format_decimal(&parse_decimal("10.0000").unwrap()), "10");
        assert_eq!(format_decimal(&parse_decimal("-0.000").unwrap()), "0");
        assert_eq!(format_decimal(&parse_decimal("1E+3").unwrap()), "1000");
        assert_eq!(format_decimal(&parse_decimal("0.1").unwrap().checked_add(parse_decimal("0.2").unwrap()).unwrap()), "0.3");
        for bad in ["", "1.", ".5", "1,5", "abc", "--1", "1.2.3"] {
            assert!(parse_decimal(bad).is_none(), "{bad}");
        }
        assert_eq!(places(&parse_decimal("1.50").unwrap()), 1);
        for text in ["0.05", "-0.5", "12", "-1200", "79228162514264337593543950335", "-0.0000000000000000000000000001", "1844674407370955161.6"] {
            let d = parse_decimal(text).unwrap();
            assert_eq!(format_decimal(&d), d.normalize().to_string(), "{text}");
        }
        for text in ["0", "-0", "-0.00", "007.50", "123456789012345678", "1234567890123456789", "-99999999999999999.9", "0.000000000000000001"] {
            let (fast, exact) = (parse_decimal(text).unwrap(), Decimal::from_str_exact(text).unwrap());
            assert_eq!((fast, fast.scale(), fast.is_sign_negative()), (exact, exact.scale(), exact.is_sign_negative()), "{text}");
        }
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mantissa = ((state as i64 as i128) * ((state >> 32) as i128)) >> (state % 64);
            let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, (state % 29) as u32) else { continue };
            let expected = if d.is_zero() { "0".to_string() } else { d.normalize().to_string() };
            assert_eq!(format_decimal(&d), expected, "{mantissa} {}", d.scale());
        }
    }

    #[test]
    fn dates_keep_their_own_offset() {
        let late = DateTime::parse("2020-03-31T23:30:00.000-06:00").unwrap();
        assert_eq!(late.date.to_string(), "2020-03-31", "the calendar date where it was written");
        let utc = DateTime::parse("2020-04-01T05:30:00Z").unwrap();
        assert_eq!(late.instant(), utc.instant(), "the same moment");
        assert_eq!(late.to_string(), "2020-03-31T23:30:00.000-06:00");
        assert_eq!(DateTime::parse("2011-07-28T19:10:45.5Z").unwrap().millis, 500);
        assert!(DateTime::parse("2020-03-31T15:02:44").is_none());
        assert!(DateTime::parse("2020-02-30T00:00:00Z").is_none());
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().days(), 11_017);
        assert!(Date::parse("2023-02-29").is_none() && Date::parse("2024-02-29").is_some());
    }
}
