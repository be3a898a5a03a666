//! `round(a / b, places)` half away from zero, of the exact quotient.
//!
//! `rust_decimal`'s division stops at 28 significant digits, rounding there; rounding that result again to
//! 5 places can then land on the wrong side of a tie (10000000000000000000 / 2000000000000000000000001 is
//! 0.0000049999999999999999999999975..., which rounds to 0.00000, but the 28-digit quotient is exactly
//! 0.000005 and rounds to 0.00001). The language makes `/` exact ("unbounded places") and `round` round
//! half away from zero, so this computes the rounded quotient from the integers: in `u128` when they fit
//! (every realistic price and quantity), else with a small big-integer fallback.

use rust_decimal::Decimal;

/// `a + b` exactly, or `None` when the sum needs more than a decimal holds. (`rust_decimal` rounds such a
/// sum to fewer places instead: 7922816251426433759354395033.5 + 0.05 gives 7922816251426433759354395034.)
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    // rust_decimal gives up places only to fit 96 bits (or hands back the other operand of a zero).
    if sum.scale() >= a.scale().max(b.scale()) || a.is_zero() || b.is_zero() {
        return Some(sum);
    }
    // Places were dropped: keep the sum only if they were zeros.
    let scale = a.scale().max(b.scale());
    let aligned = |d: Decimal| d.mantissa().checked_mul(pow10(scale - d.scale())? as i128);
    let exact = aligned(a)?.checked_add(aligned(b)?)?;
    to_decimal(exact.unsigned_abs(), scale, exact < 0)
}

/// `round(a / b, places)` exactly; `None` when `b` is 0 or the result cannot be held in a decimal
/// (96-bit mantissa).
pub fn round_div(a: Decimal, b: Decimal, places: u32) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    let negative = !a.is_zero() && (a.is_sign_negative() != b.is_sign_negative());
    let (na, sa) = (a.mantissa().unsigned_abs(), a.scale() as i32);
    let (nb, sb) = (b.mantissa().unsigned_abs(), b.scale() as i32);
    // |a / b| * 10^places = na * 10^(sb + places - sa) / nb.
    let e = sb + places as i32 - sa;
    let rounded = match small(na, nb, e) {
        Some(r) => r,
        None => big(na, nb, e)?,
    };
    to_decimal(rounded, places, negative)
}

/// floor((2n + d) / 2d), the quotient n / d rounded half up (half away from zero for magnitudes), in u128.
fn small(na: u128, nb: u128, e: i32) -> Option<u128> {
    let (n, d) = if e >= 0 { (na.checked_mul(pow10(e as u32)?)?, nb) } else { (na, nb.checked_mul(pow10((-e) as u32)?)?) };
    let twice_n = n.checked_mul(2)?.checked_add(d)?;
    let twice_d = d.checked_mul(2)?;
    Some(twice_n / twice_d)
}

fn pow10(e: u32) -> Option<u128> {
    10u128.checked_pow(e)
}

fn big(na: u128, nb: u128, e: i32) -> Option<u128> {
    let (mut n, mut d) = (Big::from(na), Big::from(nb));
    if e >= 0 {
        n.mul_pow10(e as u32);
    } else {
        d.mul_pow10((-e) as u32);
    }
    // (2n + d) / 2d
    n.mul_small(2);
    n.add(&d);
    d.mul_small(2);
    n.div(&d).to_u128()
}

/// A magnitude at `places` decimals as a decimal: trailing zeros dropped while it does not fit 96 bits.
fn to_decimal(mut m: u128, mut places: u32, negative: bool) -> Option<Decimal> {
    const MAX: u128 = (1 << 96) - 1;
    while m > MAX && places > 0 && m % 10 == 0 {
        m /= 10;
        places -= 1;
    }
    if m > MAX {
        return None;
    }
    let signed = if negative { -(m as i128) } else { m as i128 };
    Some(Decimal::from_i128_with_scale(signed, places))
}

/// An unsigned integer of any size: little-endian 32-bit limbs. Only what `big` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from(v: u128) -> Big {
        let mut limbs = Vec::new();
        let mut v = v;
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_small(&mut self, k: u32) {
        let mut carry: u64 = 0;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(k) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut e: u32) {
        while e >= 9 {
            self.mul_small(1_000_000_000);
            e -= 9;
        }
        self.mul_small(10u32.pow(e));
    }

    fn add(&mut self, other: &Big) {
        let mut carry: u64 = 0;
        for i in 0..self.0.len().max(other.0.len()) {
            if i == self.0.len() {
                self.0.push(0);
            }
            let v = u64::from(self.0[i]) + u64::from(*other.0.get(i).unwrap_or(&0)) + carry;
            self.0[i] = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn bits(&self) -> usize {
        match self.0.last() {
            Some(top) => self.0.len() * 32 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|limb| limb >> (i % 32) & 1 == 1)
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.trim();
        b.trim();
        a.0.len().cmp(&b.0.len()).then_with(|| a.0.iter().rev().cmp(b.0.iter().rev()))
    }

    fn sub(&mut self, other: &Big) {
        let mut borrow: i64 = 0;
        for i in 0..self.0.len() {
            let v = i64::from(self.0[i]) - i64::from(*other.0.get(i).unwrap_or(&0)) - borrow;
            self.0[i] = v.rem_euclid(1 << 32) as u32;
            borrow = i64::from(v < 0);
        }
        self.trim();
    }

    fn shl1_or(&mut self, bit: bool) {
        let mut carry = u32::from(bit);
        for limb in &mut self.0 {
            let next = *limb >> 31;
            *limb = (*limb << 1) | carry;
            carry = next;
        }
        if carry > 0 {
            self.0.push(carry);
        }
    }

    /// floor(self / d), d > 0: binary long division.
    fn div(&self, d: &Big) -> Big {
        let mut quotient = Big(vec![0; self.0.len()]);
        let mut remainder = Big(Vec::new());
        for i in (0..self.bits()).rev() {
            remainder.shl1_or(self.bit(i));
            if remainder.cmp(d).is_ge() {
                remainder.sub(d);
                quotient.0[i / 32] |= 1 << (i % 32);
            }
        }
        quotient.trim();
        quotient
    }

    fn to_u128(&self) -> Option<u128> {
        let mut t = self.clone();
        t.trim();
        if t.0.len() > 4 {
            return None;
        }
        Some(t.0.iter().rev().fold(0u128, |acc, &limb| (acc << 32) | u128::from(limb)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn show(x: Option<Decimal>) -> String {
        x.map(|x| if x.is_zero() { "0".into() } else { x.normalize().to_string() }).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn rounds_the_exact_quotient_half_away_from_zero() {
        for (a, b, want) in [
            ("64.9500", "1.0000", "64.95"),
            ("15.0000", "2.0000", "7.5"),
            ("10", "3", "3.33333"),
            ("20", "3", "6.66667"),
            ("-20", "3", "-6.66667"),
            ("0.0001", "20.0000", "0.00001"),
            ("-0.0001", "20", "-0.00001"),
            ("0.0001", "-20", "-0.00001"),
            ("0.0001", "8", "0.00001"),
            ("0.00001", "3", "0"),
            ("-0.00001", "3", "0"),
            ("0", "7", "0"),
            ("1.00001", "2", "0.50001"),
            // The 28-digit quotient of rust_decimal is the tie 0.000005; the exact one is just below it.
            ("10000000000000000000", "2000000000000000000000001", "0"),
            ("-10000000000000000000", "2000000000000000000000001", "0"),
            ("10000000000000000001", "2000000000000000000000000", "0.00001"),
            ("79228162514264337593543950335", "0.00001", "none"),
            ("79228162514264337593543950335", "1", "79228162514264337593543950335"),
            ("7922816251426433759354395033.5", "1", "7922816251426433759354395033.5"),
            ("1", "0.0000000000000000000000000003", "none"),
        ] {
            assert_eq!(show(round_div(d(a), d(b), 5)), want, "{a} / {b}");
        }
        assert_eq!(round_div(d("1"), d("0.000"), 5), None);
    }

    #[test]
    fn sums_are_exact_or_nothing() {
        assert_eq!(show(add(d("64.9500"), d("15.0000"))), "79.95");
        assert_eq!(show(add(d("-0.05"), d("0.05"))), "0");
        assert_eq!(add(d("7922816251426433759354395033.5"), d("0.05")), None);
        assert_eq!(add(d("79228162514264337593543950335"), d("1")), None);
        assert_eq!(show(add(d("79228162514264337593543950334"), d("1"))), "79228162514264337593543950335");
        assert_eq!(show(add(d("0.0000"), d("0.00"))), "0");
        assert_eq!(show(add(d("7.50"), d("0"))), "7.5");
        assert_eq!(show(add(d("7922816251426433759354395033.5"), d("0.50"))), "7922816251426433759354395034");
    }

    #[test]
    fn the_big_path_agrees_with_the_small_one() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let na = u128::from(x >> (x % 40));
            let nb = u128::from((x.rotate_left(17) >> (x % 50)).max(1));
            let e = (x % 23) as i32 - 10;
            if let Some(s) = small(na, nb, e) {
                assert_eq!(big(na, nb, e), Some(s), "{na} {nb} {e}");
            }
        }
    }

    #[test]
    fn agrees_with_rust_decimal_away_from_ties() {
        // Where the 28-digit quotient is far from a tie, the two roundings are the same.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = Decimal::new((x as i64) >> (x % 50), (x % 7) as u32);
            let b = Decimal::new(((x.rotate_left(23) as i64) >> (20 + x % 30)) | 1, (x % 5) as u32);
            let q = a.checked_div(b).unwrap();
            let r = q.round_dp_with_strategy(5, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(round_div(a, b, 5), Some(r), "{a} / {b}");
        }
    }
}
