//! Numbers as DynamoDB stores and returns them.
//!
//! DynamoDB keeps a number as a decimal of up to 38 significant digits, drops trailing fractional zeros, and
//! stores it as one exponent byte plus one byte per base-100 digit. The original Lambda hands numbers to JSON as
//! Python `Decimal`s, so `41000.50` comes back as `41000.5`, `41000.00` as `41000` and `0.00000014` as `1.4E-7`.

use std::fmt;

/// DynamoDB's limit on significant digits.
const MAX_DIGITS: usize = 38;
/// DynamoDB's magnitude range: 1E-130 to 9.99…E+125 (powers of ten of the leading digit).
const MIN_LEAD_EXP: i64 = -130;
const MAX_LEAD_EXP: i64 = 125;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Syntax,
    TooManyDigits,
    OutOfRange,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Syntax => "not a decimal number",
            Self::TooManyDigits => "more than 38 significant digits",
            Self::OutOfRange => "outside DynamoDB's range 1E-130 to 9.99E+125",
        })
    }
}

impl std::error::Error for NumberError {}

/// A decimal as `coefficient × 10^exponent`, the coefficient without leading zeros ("" for zero).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    coefficient: String,
    exponent: i64,
}

impl Decimal {
    /// Parses JSON/DynamoDB number text: `-12.50`, `1.4E-7`, `41000`, `+3`, `.5`.
    fn parse(text: &str) -> Result<Self, NumberError> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exp_part) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part)
        {
            return Err(NumberError::Syntax);
        }
        let exp_shift: i64 = match exp_part {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || digits.len() > 6 || !all_digits(digits) {
                    return Err(NumberError::Syntax);
                }
                e.parse().map_err(|_| NumberError::Syntax)?
            }
        };
        let mut coefficient: String = int_part.chars().chain(frac_part.chars()).collect();
        let leading = coefficient.len() - coefficient.trim_start_matches('0').len();
        coefficient.drain(..leading);
        let exponent = exp_shift - frac_part.len() as i64;
        Ok(Self {
            negative: negative && !coefficient.is_empty(),
            coefficient,
            exponent,
        })
    }

    /// DynamoDB's stored form: trailing fractional zeros dropped, no positive exponent.
    fn normalized(mut self) -> Result<Self, NumberError> {
        if self.coefficient.is_empty() {
            return Ok(Self {
                negative: false,
                coefficient: String::new(),
                exponent: 0,
            });
        }
        while self.exponent < 0 && self.coefficient.ends_with('0') {
            self.coefficient.pop();
            self.exponent += 1;
        }
        let significant = self.coefficient.trim_end_matches('0').len();
        if significant > MAX_DIGITS {
            return Err(NumberError::TooManyDigits);
        }
        let lead = self.exponent + self.coefficient.len() as i64 - 1;
        if !(MIN_LEAD_EXP..=MAX_LEAD_EXP).contains(&lead) {
            return Err(NumberError::OutOfRange);
        }
        if self.exponent > 0 {
            self.coefficient
                .extend(std::iter::repeat_n('0', self.exponent as usize));
            self.exponent = 0;
        }
        Ok(self)
    }

    /// Python's `str(Decimal)`: plain notation unless the exponent is positive or the number is below 1E-6.
    fn to_python_string(&self) -> String {
        if self.coefficient.is_empty() {
            return "0".to_owned();
        }
        let sign = if self.negative { "-" } else { "" };
        let digits = self.coefficient.as_str();
        let adjusted = self.exponent + digits.len() as i64 - 1;
        if self.exponent <= 0 && adjusted >= -6 {
            let point = digits.len() as i64 + self.exponent;
            if self.exponent == 0 {
                format!("{sign}{digits}")
            } else if point > 0 {
                let (int, frac) = digits.split_at(point as usize);
                format!("{sign}{int}.{frac}")
            } else {
                format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
            }
        } else {
            let (first, rest) = digits.split_at(1);
            let dot = if rest.is_empty() { "" } else { "." };
            let exp_sign = if adjusted >= 0 { "+" } else { "" };
            format!("{sign}{first}{dot}{rest}E{exp_sign}{adjusted}")
        }
    }

    /// Bytes DynamoDB counts for this number: one exponent byte plus one byte per base-100 digit spanned.
    fn stored_size(&self) -> usize {
        let significant = self.coefficient.trim_end_matches('0');
        if significant.is_empty() {
            return 1;
        }
        let trail = self.exponent + (self.coefficient.len() - significant.len()) as i64;
        let lead = trail + significant.len() as i64 - 1;
        (1 + lead.div_euclid(2) - trail.div_euclid(2) + 1) as usize
    }
}

/// A number in DynamoDB's output form, with the size DynamoDB counts for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoNumber {
    pub text: String,
    pub size: usize,
}

impl DynamoNumber {
    pub fn parse(text: &str) -> Result<Self, NumberError> {
        let decimal = Decimal::parse(text)?.normalized()?;
        Ok(Self {
            text: decimal.to_python_string(),
            size: decimal.stored_size(),
        })
    }

    /// An integer, without going through text parsing (ids and timestamps).
    pub fn from_i64(value: i64) -> Self {
        if value == 0 {
            return Self {
                text: "0".to_owned(),
                size: 1,
            };
        }
        // Counted arithmetically: ids and timestamps are most of an item's numbers.
        let mut magnitude = value.unsigned_abs();
        let mut trail = 0i64;
        while magnitude.is_multiple_of(10) {
            magnitude /= 10;
            trail += 1;
        }
        let lead = trail + magnitude.ilog10() as i64;
        Self {
            text: value.to_string(),
            size: (1 + lead.div_euclid(2) - trail.div_euclid(2) + 1) as usize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(s: &str) -> String {
        DynamoNumber::parse(s).unwrap().text
    }

    #[test]
    fn output_matches_dynamodb_through_python_decimal() {
        assert_eq!(text("41000.50"), "41000.5");
        assert_eq!(text("41000.00"), "41000");
        assert_eq!(text("41000"), "41000");
        assert_eq!(text("4.1e4"), "41000");
        assert_eq!(text("0.00140000"), "0.0014");
        assert_eq!(text("0.0000014"), "0.0000014");
        assert_eq!(text("0.00000014"), "1.4E-7");
        assert_eq!(text("1E-7"), "1E-7");
        assert_eq!(text("-2.50"), "-2.5");
        assert_eq!(text("-0.0"), "0");
        assert_eq!(text("000123"), "123");
        assert_eq!(text(".5"), "0.5");
        assert_eq!(text("1647830700123456"), "1647830700123456");
    }

    #[test]
    fn bad_numbers_are_rejected() {
        for bad in [
            "", "-", ".", "1.2.3", "1e", "e5", "0x10", "1,5", "NaN", "inf", " 1", "1e+",
        ] {
            assert_eq!(
                DynamoNumber::parse(bad),
                Err(NumberError::Syntax),
                "{bad:?}"
            );
        }
        assert_eq!(
            DynamoNumber::parse(&"1".repeat(39)),
            Err(NumberError::TooManyDigits)
        );
        assert_eq!(DynamoNumber::parse("1e126"), Err(NumberError::OutOfRange));
        assert_eq!(DynamoNumber::parse("1e-131"), Err(NumberError::OutOfRange));
        assert!(DynamoNumber::parse(&format!("{}000", "1".repeat(38))).is_ok());
    }

    #[test]
    fn sizes_count_base_100_digits_plus_an_exponent_byte() {
        let size = |s: &str| DynamoNumber::parse(s).unwrap().size;
        assert_eq!(size("0"), 1);
        assert_eq!(size("1"), 2);
        assert_eq!(size("10"), 2); // "10" is one base-100 digit
        assert_eq!(size("100"), 2); // 1 × 100^1
        assert_eq!(size("41000"), 3); // 4|10|00 → 04, 10
        assert_eq!(size("41000.5"), 5); // 04|10|00.50
        assert_eq!(size("0.0014"), 2); // .00|14
        assert_eq!(size("1647830700123456"), 9);
        assert_eq!(DynamoNumber::from_i64(1647830700123456).size, 9);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = DynamoNumber::parse(&s);
        }

        #[test]
        fn output_is_a_fixed_point_and_keeps_the_value(int in 0u64..10_000_000, frac in 0u32..100_000_000, neg: bool) {
            let input = format!("{}{int}.{frac:08}", if neg { "-" } else { "" });
            let once = DynamoNumber::parse(&input).unwrap();
            let twice = DynamoNumber::parse(&once.text).unwrap();
            prop_assert_eq!(&once, &twice);
            let a: f64 = input.parse().unwrap();
            let b: f64 = once.text.parse().unwrap();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn integers_print_plainly(v: i64) {
            let n = DynamoNumber::from_i64(v);
            prop_assert_eq!(&n.text, &v.to_string());
            prop_assert_eq!(n, DynamoNumber::parse(&v.to_string()).unwrap());
        }
    }
}
