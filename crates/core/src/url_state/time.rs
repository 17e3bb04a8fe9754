//! ISO 8601 times ↔ microseconds since the Unix epoch, without a time crate: Howard Hinnant's days-from-civil
//! algorithm (proleptic Gregorian calendar), exact to the microsecond.

use std::fmt;

pub const US_PER_SECOND: i64 = 1_000_000;
pub const US_PER_DAY: i64 = 86_400 * US_PER_SECOND;

/// Why a text is not a time, said so that a user can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError(pub String);

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TimeError {}

pub fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to `year-month-day` (month 1..=12, day 1..=31; not checked).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (month as i64 + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day as i64 - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month 1..=12, day 1..=31).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

const HINT: &str =
    "expected an ISO 8601 UTC time such as 2022-03-21T02:45:00Z or 2022-03-21T02:45:00.123456Z";

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, options: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| options.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn digits(&mut self, n: usize, what: &str) -> Result<u32, TimeError> {
        let run = self
            .bytes
            .get(self.at..self.at + n)
            .filter(|r| r.iter().all(u8::is_ascii_digit));
        let run =
            run.ok_or_else(|| TimeError(format!("expected {n} digits of the {what}; {HINT}")))?;
        self.at += n;
        Ok(run.iter().fold(0, |v, b| v * 10 + u32::from(b - b'0')))
    }

    fn expect(&mut self, byte: u8, after: &str) -> Result<(), TimeError> {
        self.eat(&[byte]).map(|_| ()).ok_or_else(|| {
            TimeError(format!(
                "expected `{}` after the {after}; {HINT}",
                byte as char
            ))
        })
    }
}

fn range_check(value: u32, low: u32, high: u32, what: &str) -> Result<(), TimeError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(TimeError(format!(
            "{what} {value} is out of range {low}..={high}"
        )))
    }
}

/// Parses `YYYY-MM-DD[(T|t| )hh:mm[:ss[.f]](Z|±hh:mm|±hhmm)]` into µs since the Unix epoch.
///
/// A fraction has 1 to 9 digits; digits past the microsecond are truncated. A date alone is midnight UTC; a time
/// without `Z` or an offset is refused (ambiguous), as is a leap second. An offset's `+` may arrive as a space
/// (a `+` left unencoded in a URL query decodes to one).
pub fn parse_iso(text: &str) -> Result<i64, TimeError> {
    let mut s = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = s.digits(4, "year")? as i64;
    s.expect(b'-', "year")?;
    let month = s.digits(2, "month")?;
    s.expect(b'-', "month")?;
    let day = s.digits(2, "day")?;
    range_check(month, 1, 12, "month")?;
    let month_days = days_in_month(year, month);
    if !(1..=month_days).contains(&day) {
        return Err(TimeError(format!(
            "day {day} is out of range: {year:04}-{month:02} has {month_days} days"
        )));
    }
    let days = days_from_civil(year, month, day);
    if s.peek().is_none() {
        return Ok(days * US_PER_DAY);
    }

    s.eat(b"Tt ").ok_or_else(|| {
        TimeError(format!(
            "expected `T` between the date and the time; {HINT}"
        ))
    })?;
    let hour = s.digits(2, "hour")?;
    s.expect(b':', "hour")?;
    let minute = s.digits(2, "minutes")?;
    let mut second = 0;
    let mut micros = 0i64;
    if s.eat(b":").is_some() {
        second = s.digits(2, "seconds")?;
        if s.eat(b".,").is_some() {
            let start = s.at;
            while s.peek().is_some_and(|b| b.is_ascii_digit()) {
                s.at += 1;
            }
            let fraction = &s.bytes[start..s.at];
            if fraction.is_empty() || fraction.len() > 9 {
                return Err(TimeError(format!(
                    "a fraction of a second has 1 to 9 digits; {HINT}"
                )));
            }
            micros = fraction
                .iter()
                .chain(std::iter::repeat(&b'0'))
                .take(6)
                .fold(0, |v, b| v * 10 + i64::from(b - b'0'));
        }
    }
    range_check(hour, 0, 23, "hour")?;
    range_check(minute, 0, 59, "minute")?;
    range_check(second, 0, 59, "second")?;

    let offset_minutes = match s.eat(b"Zz+- ") {
        Some(b'Z' | b'z') => 0,
        Some(sign) => {
            let hours = s.digits(2, "offset's hours")?;
            s.eat(b":");
            let minutes = s.digits(2, "offset's minutes")?;
            range_check(hours, 0, 23, "offset hour")?;
            range_check(minutes, 0, 59, "offset minute")?;
            let total = i64::from(hours * 60 + minutes);
            if sign == b'-' { -total } else { total }
        }
        None => {
            return Err(TimeError(format!(
                "the time has no zone: add `Z` for UTC (or an offset such as +01:00); {HINT}"
            )));
        }
    };
    if s.peek().is_some() {
        return Err(TimeError(format!(
            "unexpected text after the time: {:?}; {HINT}",
            &text[s.at.min(text.len())..]
        )));
    }
    let seconds = i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    Ok(days * US_PER_DAY + seconds * US_PER_SECOND + micros)
}

/// Calendar fields of `us` (UTC): (year, month, day, hour, minute, second, microsecond).
fn fields(us: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let (year, month, day) = civil_from_days(us.div_euclid(US_PER_DAY));
    let in_day = us.rem_euclid(US_PER_DAY);
    let seconds = (in_day / US_PER_SECOND) as u32;
    let micros = (in_day % US_PER_SECOND) as u32;
    (
        year,
        month,
        day,
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        micros,
    )
}

/// `YYYY-MM-DD{sep}hh:mm:ss[.fff|.ffffff]`: no fraction on a whole second, milliseconds when exact, else µs.
fn format_fields(us: i64, separator: char) -> String {
    let (year, month, day, hour, minute, second, micros) = fields(us);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!("{year:+05}")
    };
    let fraction = match micros {
        0 => String::new(),
        m if m % 1000 == 0 => format!(".{:03}", m / 1000),
        m => format!(".{m:06}"),
    };
    format!("{year}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}")
}

/// ISO 8601 UTC, exact: `2022-03-21T02:45:00Z`, `2022-03-21T02:45:00.123Z`, `2022-03-21T02:45:00.123456Z`.
/// [`parse_iso`] reads it back for years 0000..=9999.
pub fn format_iso(us: i64) -> String {
    format!("{}Z", format_fields(us, 'T'))
}

/// For display: `2022-03-21 02:45:00 UTC` (with `.123` or `.123456` when not a whole second).
pub fn format_utc(us: i64) -> String {
    format!("{} UTC", format_fields(us, ' '))
}

/// A time of day to the millisecond, always with its three decimals, for a column of times: `02:45:00.120`.
/// `offset_minutes` as for [`format_with_offset`]; 0 for UTC.
pub fn format_clock(us: i64, offset_minutes: i32) -> String {
    let (_, _, _, hour, minute, second, micros) = fields(local_time(us, offset_minutes));
    format!("{hour:02}:{minute:02}:{second:02}.{:03}", micros / 1000)
}

/// ISO 8601 in a local time, as a time input shows it: `2022-03-21T03:45:00+01:00`; [`parse_iso`] reads it back.
pub fn format_iso_with_offset(us: i64, offset_minutes: i32) -> String {
    format_with_offset(us, offset_minutes)
        .replacen(' ', "T", 1)
        .replacen(' ', "", 1)
}

/// For display in a local time: `2022-03-21 03:45:00 +01:00`. `offset_minutes` is local time minus UTC (east
/// positive), i.e. `-new Date(ms).getTimezoneOffset()` in a browser, taken at the instant shown so that daylight
/// saving time is right.
pub fn format_with_offset(us: i64, offset_minutes: i32) -> String {
    format!(
        "{} {}",
        format_fields(local_time(us, offset_minutes), ' '),
        format_offset(offset_minutes)
    )
}

/// An offset from UTC as ISO 8601 writes it: `+01:00`, `-05:30`, `+00:00`.
pub fn format_offset(offset_minutes: i32) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 60, abs % 60)
}

/// `us` as the wall clock `offset_minutes` east of UTC reads it, for [`fields`].
fn local_time(us: i64, offset_minutes: i32) -> i64 {
    us.saturating_add(i64::from(offset_minutes) * 60 * US_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T: i64 = 1_647_830_700_000_000; // 2022-03-21T02:45:00Z

    #[test]
    fn a_clock_has_milliseconds_always_and_follows_the_offset() {
        assert_eq!(format_clock(T, 0), "02:45:00.000");
        assert_eq!(format_clock(T + 120_999, 0), "02:45:00.120");
        assert_eq!(format_clock(T, 60), "03:45:00.000");
        assert_eq!(format_clock(T, -180), "23:45:00.000");
        assert_eq!(format_clock(-1, 0), "23:59:59.999");
    }

    #[test]
    fn known_instants() {
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_iso("2022-03-21T02:45:00Z"), Ok(T));
        assert_eq!(parse_iso("2022-03-21T02:45:00.123456Z"), Ok(T + 123_456));
        assert_eq!(parse_iso("2022-03-21T02:45:00.1Z"), Ok(T + 100_000));
        assert_eq!(parse_iso("2022-03-21T02:45:00.123456789Z"), Ok(T + 123_456));
        assert_eq!(parse_iso("2022-03-21t02:45:00,5z"), Ok(T + 500_000));
        assert_eq!(parse_iso("2022-03-21 02:45Z"), Ok(T));
        assert_eq!(
            parse_iso("2022-03-21"),
            Ok(T - (2 * 3600 + 45 * 60) * US_PER_SECOND)
        );
        assert_eq!(parse_iso("2022-03-21T03:45:00+01:00"), Ok(T));
        assert_eq!(parse_iso("2022-03-21T03:45:00 0100"), Ok(T));
        assert_eq!(parse_iso("2022-03-20T21:15:00-05:30"), Ok(T));
        assert_eq!(parse_iso("1969-12-31T23:59:59.999999Z"), Ok(-1));
        assert_eq!(
            parse_iso("2100-01-01T00:00:00Z"),
            Ok(4_102_444_800 * US_PER_SECOND)
        );
        assert_eq!(format_iso(T), "2022-03-21T02:45:00Z");
        assert_eq!(format_iso(T + 123_000), "2022-03-21T02:45:00.123Z");
        assert_eq!(format_iso(T + 123_456), "2022-03-21T02:45:00.123456Z");
        assert_eq!(format_iso(T + 1), "2022-03-21T02:45:00.000001Z");
        assert_eq!(format_iso(-1), "1969-12-31T23:59:59.999999Z");
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024) && is_leap_year(2000) && is_leap_year(1600));
        assert!(!is_leap_year(2023) && !is_leap_year(1900) && !is_leap_year(2100));
        assert!(parse_iso("2024-02-29T12:00:00Z").is_ok());
        assert!(parse_iso("2000-02-29").is_ok());
        assert!(
            parse_iso("2023-02-29")
                .unwrap_err()
                .0
                .contains("has 28 days")
        );
        assert!(parse_iso("1900-02-29").is_err());
        assert!(parse_iso("2100-02-29").is_err());
        assert_eq!(
            parse_iso("2024-03-01").unwrap() - parse_iso("2024-02-28").unwrap(),
            2 * US_PER_DAY
        );
        assert_eq!(
            parse_iso("2023-03-01").unwrap() - parse_iso("2023-02-28").unwrap(),
            US_PER_DAY
        );
        assert_eq!(
            format_iso(parse_iso("2024-02-29T23:59:59Z").unwrap() + US_PER_SECOND),
            "2024-03-01T00:00:00Z"
        );
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(civil_from_days(days_from_civil(1600, 2, 29)), (1600, 2, 29));
    }

    #[test]
    fn bad_times_say_what_is_wrong() {
        let err = |s: &str| parse_iso(s).unwrap_err().0;
        assert!(err("").contains("year"));
        assert!(err("22-03-21").contains("year"));
        assert!(err("2022-13-01").contains("month 13"));
        assert!(err("2022-04-31").contains("has 30 days"));
        assert!(err("2022-03-21T24:00:00Z").contains("hour 24"));
        assert!(err("2022-03-21T02:60:00Z").contains("minute 60"));
        assert!(err("2022-03-21T02:45:60Z").contains("second 60"));
        assert!(err("2022-03-21T02:45:00").contains("no zone"));
        assert!(err("2022-03-21T02:45:00.Z").contains("1 to 9 digits"));
        assert!(err("2022-03-21T02:45:00.1234567890Z").contains("1 to 9 digits"));
        assert!(err("2022-03-21T02:45:00Zjunk").contains("after the time"));
        assert!(err("2022-03-21X02:45:00Z").contains("`T`"));
        assert!(err("2022-03-21T02:45:00+25:00").contains("offset hour"));
        assert!(err("２０２２-03-21").contains("year"));
    }

    #[test]
    fn display_formats() {
        assert_eq!(format_utc(T), "2022-03-21 02:45:00 UTC");
        assert_eq!(format_utc(T + 5_000), "2022-03-21 02:45:00.005 UTC");
        assert_eq!(format_with_offset(T, 60), "2022-03-21 03:45:00 +01:00");
        assert_eq!(format_with_offset(T, -330), "2022-03-20 21:15:00 -05:30");
        assert_eq!(
            format_with_offset(T + 7, 0),
            "2022-03-21 02:45:00.000007 +00:00"
        );
        assert_eq!(format_iso_with_offset(T, 60), "2022-03-21T03:45:00+01:00");
        assert_eq!(
            parse_iso(&format_iso_with_offset(T + 250_000, 345)),
            Ok(T + 250_000)
        );
        assert_eq!(parse_iso(&format_iso_with_offset(T + 7, -330)), Ok(T + 7));
        // Extremes do not panic.
        for us in [i64::MIN, i64::MAX] {
            format_iso(us);
            format_with_offset(us, i32::MAX);
            format_with_offset(us, i32::MIN);
        }
    }

    proptest! {
        #[test]
        fn microseconds_round_trip_1970_to_2100(us in 0i64..4_102_444_800_000_000) {
            let text = format_iso(us);
            prop_assert_eq!(parse_iso(&text), Ok(us), "{}", text);
        }

        #[test]
        fn days_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn any_text_parses_or_errs_without_panic(text in "\\PC{0,40}") {
            let _ = parse_iso(&text);
        }

        #[test]
        fn near_valid_text_never_panics(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{0,10})?)?([Zz]|[+ -][0-9]{2}:?[0-9]{2})?)?.?") {
            if let Ok(us) = parse_iso(&text) {
                prop_assert!(us > -63_000_000_000 * US_PER_SECOND && us < 253_500_000_000 * US_PER_SECOND);
            }
        }
    }
}
