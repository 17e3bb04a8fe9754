//! Numbers for people: prices at the market's precision with thousands separators (`41,764.43`), amounts with
//! their unit (`1,050.3754 BTC`), money compact (`$43.48 M`), ratios and rates to three significant digits, counts
//! with separators. The exact value stays beside the text (the dashboard's `data-value`); these are for reading.

/// `value` with `decimals` decimals and a comma between thousands: `41764.4251` at 2 → `41,764.43`.
pub fn grouped(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    // `-0.00` reads as 0: no sign on a value that rounds to zero.
    if value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A count: `331070` → `331,070`.
pub fn count(n: u64) -> String {
    grouped(n as f64, 0)
}

/// A ratio or a rate to three significant digits, grouped: `0.9881281` → `0.988`, `12.3456` → `12.3`,
/// `1234.6` → `1,235`.
pub fn significant(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return grouped(value, 0);
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (2 - magnitude).clamp(0, 12) as usize;
    grouped(value, decimals)
}

/// A value of any chart for reading in its tooltip: six significant digits, grouped, trailing zeros dropped:
/// `0.5199999999999818` → `0.52`, `791.8220088` → `791.822`, `2943.6251` → `2,943.63`, `574` → `574`.
pub fn readable(value: f64) -> String {
    if !value.is_finite() || value == 0.0 {
        return grouped(value, 0);
    }
    let magnitude = value.abs().log10().floor() as i32;
    let text = grouped(value, (5 - magnitude).clamp(0, 12) as usize);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// An amount of money in `quote` (a currency code such as `USD`), compact: `43_480_000.0` → `$43.48 M`.
/// Symbols for the dollar, the euro and the pound; the code after the number otherwise (`12.5 k USDT`).
pub fn compact_money(value: f64, quote: &str) -> String {
    let (scaled, suffix) = compact(value);
    let number = grouped(scaled, 2);
    match quote {
        "USD" => format!("${number}{suffix}"),
        "EUR" => format!("€{number}{suffix}"),
        "GBP" => format!("£{number}{suffix}"),
        _ => format!("{number}{suffix} {quote}"),
    }
}

/// `value` scaled to thousands, millions or billions, with the suffix to say so (` k`, ` M`, ` B`): the smallest
/// scale under which it reads, rounded to cents, below 1,000 (`999,999.5` is `1.00 M`, not `1,000.00 k`).
fn compact(value: f64) -> (f64, &'static str) {
    const SCALES: [(f64, &str); 4] = [(1.0, ""), (1e3, " k"), (1e6, " M"), (1e9, " B")];
    let reads = |s: &&(f64, &str)| ((value / s.0).abs() * 100.0).round() < 100_000.0;
    let (scale, suffix) = SCALES.iter().find(reads).unwrap_or(&SCALES[3]);
    (value / scale, suffix)
}

/// A price: at least `decimals` decimals (the market's), more for a small price, so that five significant digits
/// show (`0.61234` against the dollar, not `0.61`).
pub fn price(value: f64, decimals: usize) -> String {
    let magnitude = if value.is_finite() && value != 0.0 {
        value.abs().log10().floor() as i32
    } else {
        0
    };
    grouped(value, decimals.max((4 - magnitude).clamp(0, 8) as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prices_and_amounts() {
        assert_eq!(grouped(41764.4251, 2), "41,764.43");
        assert_eq!(grouped(999.999, 2), "1,000.00");
        assert_eq!(grouped(1050.3754489200014, 4), "1,050.3754");
        assert_eq!(grouped(-1234567.0, 0), "-1,234,567");
        assert_eq!(grouped(-0.001, 2), "0.00");
        assert_eq!(grouped(12.0, 0), "12");
        assert_eq!(grouped(f64::NAN, 2), "NaN");
    }

    #[test]
    fn counts_ratios_and_money() {
        assert_eq!(count(331_070), "331,070");
        assert_eq!(count(0), "0");
        assert_eq!(significant(0.9881281222343038), "0.988");
        assert_eq!(readable(0.5199999999999818), "0.52");
        assert_eq!(readable(791.8220088499999), "791.822");
        assert_eq!(readable(2943.6251), "2,943.63");
        assert_eq!(readable(574.0), "574");
        assert_eq!(readable(-1.0568311638824657), "-1.05683");
        assert_eq!(readable(1234567.8), "1,234,568");
        assert_eq!(significant(12.3456), "12.3");
        assert_eq!(significant(1234.6), "1,235");
        assert_eq!(significant(0.000123456), "0.000123");
        assert_eq!(significant(0.0), "0");
        assert_eq!(compact_money(43_480_000.0, "USD"), "$43.48 M");
        assert_eq!(compact_money(2_500.0, "EUR"), "€2.50 k");
        assert_eq!(compact_money(12.0, "USDT"), "12.00 USDT");
        assert_eq!(compact_money(3.2e9, "GBP"), "£3.20 B");
        assert_eq!(compact_money(999_999.5, "USD"), "$1.00 M");
        assert_eq!(compact_money(999_994.0, "USD"), "$999.99 k");
        assert_eq!(compact_money(999.999, "USD"), "$1.00 k");
        assert_eq!(price(41764.4251, 2), "41,764.43");
        assert_eq!(price(0.61234, 2), "0.61234");
        assert_eq!(price(2.5, 2), "2.5000");
    }

    proptest! {
        /// Grouping only adds separators: without them the text is Rust's own rounding.
        #[test]
        fn grouping_keeps_the_digits(value in -1e15f64..1e15, decimals in 0usize..9) {
            let text = grouped(value, decimals);
            let plain = format!("{:.*}", decimals, value);
            let plain = plain.strip_prefix("-").filter(|_| !text.starts_with('-')).unwrap_or(&plain);
            prop_assert_eq!(text.replace(',', ""), plain);
            let whole = text.trim_start_matches('-').split('.').next().unwrap();
            prop_assert!(whole.split(',').skip(1).all(|g| g.len() == 3));
        }
    }
}
