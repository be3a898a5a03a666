//! Exact fixed-point decimals as integers: a value `v` at `places` decimals means `v / 10^places`.
//! Brightpearl sends money as text with a fixed number of places (`"9.0909"`, `"0.91"`); these are
//! built from integers only, never through a float.

pub const fn pow10(places: u32) -> i128 {
    10i128.pow(places)
}

/// `n / d` rounded half away from zero (`d` > 0).
pub fn div_round(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n.abs() / d;
    let r = n.abs() % d;
    let q = if 2 * r >= d { q + 1 } else { q };
    if n < 0 {
        -q
    } else {
        q
    }
}

/// `v` scaled by `10^places` as text with exactly `places` decimals: `fixed(90909, 4)` is `"9.0909"`.
pub fn fixed(v: i128, places: u32) -> String {
    let p = pow10(places);
    let sign = if v < 0 { "-" } else { "" };
    let (int, frac) = (v.abs() / p, v.abs() % p);
    if places == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = places as usize)
    }
}

/// Reads `"9.0909"` at `places` decimals as `90909`; `None` when the text has more places, or is not
/// a plain decimal.
pub fn parse_fixed(s: &str, places: u32) -> Option<i128> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() || frac.len() > places as usize || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i128 = int.parse().ok()?;
    let frac_value: i128 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
    let v = int * pow10(places) + frac_value * pow10(places - frac.len() as u32);
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(14, 10), 1);
        assert_eq!(div_round(-15, 10), -2);
        assert_eq!(div_round(909_090_000, 100_000_000), 9);
    }

    #[test]
    fn formats_and_parses() {
        assert_eq!(fixed(90909, 4), "9.0909");
        assert_eq!(fixed(91, 2), "0.91");
        assert_eq!(fixed(0, 2), "0.00");
        assert_eq!(fixed(-5, 2), "-0.05");
        assert_eq!(fixed(1_000_000, 6), "1.000000");
        assert_eq!(parse_fixed("9.0909", 4), Some(90909));
        assert_eq!(parse_fixed("9.09", 4), Some(90900));
        assert_eq!(parse_fixed("12", 2), Some(1200));
        assert_eq!(parse_fixed("9.09091", 4), None);
        assert_eq!(parse_fixed("1e3", 2), None);
    }
}
