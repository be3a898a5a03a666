//! Instants as the API writes and reads them: ISO 8601 with milliseconds at the account's offset
//! (`2022-01-19T18:00:00.000-06:00`); inputs may be a date (UTC midnight) or a full date-time.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::generate::clock::{civil_from_days, days_from_civil, write_datetime, Offset};

/// The account's display offset: a US account, as in the recordings.
pub const ACCOUNT_OFFSET: Offset = Offset::hours(-6);

/// Milliseconds since the epoch, now.
pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// An instant as the account shows it.
pub fn format(millis: i64) -> String {
    let mut text = String::with_capacity(29);
    let _ = write_datetime(&mut text, millis.div_euclid(1000), millis.rem_euclid(1000) as u32, ACCOUNT_OFFSET);
    text
}

/// The current time as the account shows it.
pub fn now() -> String {
    format(now_millis())
}

/// The same instant in UTC with `Z`, as webhooks and events carry it.
pub fn format_utc(millis: i64) -> String {
    let mut text = String::with_capacity(24);
    let _ = write_datetime(&mut text, millis.div_euclid(1000), millis.rem_euclid(1000) as u32, Offset::Z);
    text
}

/// Reads `YYYY-MM-DD` (UTC midnight) or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]` (no offset:
/// UTC) to milliseconds since the epoch.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: i64 = number(parts.next()?, 4)?;
    let month: u32 = number(parts.next()?, 2)?;
    let day: u32 = number(parts.next()?, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Reject 2022-02-31 and the like: the day must survive the round trip.
    if civil_from_days(days) != (year, month, day) {
        return None;
    }
    let mut millis = days * 86_400_000;
    if let Some(time) = time {
        let split = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
        let (clock, zone) = time.split_at(split);
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut fields = hms.split(':');
        let hours: i64 = number(fields.next()?, 2)?;
        let minutes: i64 = number(fields.next()?, 2)?;
        let seconds: i64 = fields.next().map_or(Some(0), |s| number(s, 2))?;
        if fields.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
            return None;
        }
        let fraction_ms = if fraction.is_empty() {
            0
        } else {
            if !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let padded: String = fraction.chars().chain("000".chars()).take(3).collect();
            padded.parse::<i64>().ok()?
        };
        millis += ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction_ms;
        millis -= offset_minutes(zone)? * 60_000;
    }
    Some(millis)
}

fn offset_minutes(zone: &str) -> Option<i64> {
    match zone {
        "" | "Z" | "z" => Some(0),
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            // Four ASCII digits, checked before slicing: any other text may not split at byte 2.
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hours: i64 = number(&digits[..2], 2)?;
            let minutes: i64 = number(&digits[2..], 2)?;
            Some(sign * (hours * 60 + minutes))
        }
    }
}

fn number<T: std::str::FromStr>(text: &str, width: usize) -> Option<T> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_utc_midnight_shown_at_the_account_offset() {
        let millis = parse("2022-01-20").unwrap();
        assert_eq!(format(millis), "2022-01-19T18:00:00.000-06:00");
        assert_eq!(parse("2022-01-19T18:00:00.000-06:00"), Some(millis));
        assert_eq!(parse("2022-01-20T00:00:00Z"), Some(millis));
        assert_eq!(format_utc(millis), "2022-01-20T00:00:00.000Z");
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in ["", "2022-13-01", "2022-02-31", "20-01-01", "2022-01-01T25:00", "2022-01-01T10:00+1", "BAD"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
