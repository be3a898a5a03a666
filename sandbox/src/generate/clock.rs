//! Calendar arithmetic on integers (Howard Hinnant's days-from-civil), and Brightpearl's date-time
//! text: `2020-03-31T15:02:44.000-06:00`, always with the account's offset (or `Z`).

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A UTC offset as Brightpearl writes it: `Z`, or `±HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// Minutes east of UTC.
    pub minutes: i32,
    /// Written `Z` rather than `+00:00`.
    pub zulu: bool,
}

impl Offset {
    pub const fn hours(h: i32) -> Self {
        Offset { minutes: h * 60, zulu: false }
    }

    pub const fn minutes(m: i32) -> Self {
        Offset { minutes: m, zulu: false }
    }

    pub const Z: Offset = Offset { minutes: 0, zulu: true };
}

pub const DAY: i64 = 86_400;

/// An instant (seconds since the epoch, UTC) with milliseconds, as local text at `offset`.
#[cfg(test)]
pub fn datetime(utc_secs: i64, millis: u32, offset: Offset) -> String {
    struct Text(i64, u32, Offset);
    impl std::fmt::Display for Text {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write_datetime(f, self.0, self.1, self.2)
        }
    }
    Text(utc_secs, millis, offset).to_string()
}

/// Writes [`datetime`]'s text without allocating.
pub fn write_datetime(f: &mut impl std::fmt::Write, utc_secs: i64, millis: u32, offset: Offset) -> std::fmt::Result {
    let local = utc_secs + i64::from(offset.minutes) * 60;
    let (days, secs) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{millis:03}")?;
    if offset.zulu {
        f.write_char('Z')
    } else {
        let sign = if offset.minutes < 0 { '-' } else { '+' };
        let abs = offset.minutes.abs();
        write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
    }
}

/// The local calendar day (days since the epoch) of an instant at `offset`.
pub fn local_day(utc_secs: i64, offset: Offset) -> i64 {
    (utc_secs + i64::from(offset.minutes) * 60).div_euclid(DAY)
}

/// Local midnight of a local day, as an instant.
pub fn local_midnight(day: i64, offset: Offset) -> i64 {
    day * DAY - i64::from(offset.minutes) * 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2020, 3, 31), (2024, 12, 31), (2100, 3, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn formats_like_brightpearl() {
        // 2020-03-31T21:02:44Z is 15:02:44 in a -06:00 account.
        let t = days_from_civil(2020, 3, 31) * DAY + 21 * 3600 + 2 * 60 + 44;
        assert_eq!(datetime(t, 0, Offset::hours(-6)), "2020-03-31T15:02:44.000-06:00");
        assert_eq!(datetime(t, 970, Offset::Z), "2020-03-31T21:02:44.970Z");
        assert_eq!(datetime(t, 0, Offset::hours(1)), "2020-03-31T22:02:44.000+01:00");
        assert_eq!(datetime(t, 0, Offset::minutes(330)), "2020-04-01T02:32:44.000+05:30");
        // A date entered as UTC midnight shows as 18:00 the day before in a -06:00 account.
        let midnight = days_from_civil(2020, 4, 30) * DAY;
        assert_eq!(datetime(midnight, 0, Offset::hours(-6)), "2020-04-29T18:00:00.000-06:00");
        assert_eq!(datetime(local_midnight(local_day(t, Offset::hours(-6)), Offset::hours(-6)), 0, Offset::hours(-6)), "2020-03-31T00:00:00.000-06:00");
    }
}
