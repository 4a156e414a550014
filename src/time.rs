//! The signing time, `X-Amz-Date`, without a date crate.
//!
//! SigV4 needs exactly one format, the ISO 8601 basic form `YYYYMMDDTHHMMSSZ` in UTC; its
//! first eight characters are the credential scope's date. [`AmzDate`] holds those 16 bytes on
//! the stack, checked once, so the signing path only copies them.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, ErrorKind};

const FIELD: &str = "params.amz_date";

/// A validated signing time in the `YYYYMMDDTHHMMSSZ` form, e.g. `20150830T123600Z`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AmzDate {
    text: [u8; 16],
}

impl AmzDate {
    /// Parses and validates `YYYYMMDDTHHMMSSZ`: the month must exist, the day must exist in
    /// that month (leap years included), hours 00-23, minutes and seconds 00-59.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bytes = text.as_bytes();
        let Ok(fixed) = <[u8; 16]>::try_from(bytes) else {
            return Err(malformed());
        };
        let digits_at = |range: std::ops::Range<usize>| -> Option<u32> {
            fixed[range].iter().try_fold(0u32, |value, &byte| {
                byte.is_ascii_digit()
                    .then(|| value * 10 + u32::from(byte - b'0'))
            })
        };
        if fixed[8] != b'T' || fixed[15] != b'Z' {
            return Err(malformed());
        }
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
            digits_at(0..4),
            digits_at(4..6),
            digits_at(6..8),
            digits_at(9..11),
            digits_at(11..13),
            digits_at(13..15),
        ) else {
            return Err(malformed());
        };
        if !(1..=12).contains(&month) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                FIELD,
                format!("month {month:02} does not exist"),
            ));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                FIELD,
                format!("day {day:02} does not exist in {year:04}-{month:02}"),
            ));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(Error::new(
                ErrorKind::InvalidDate,
                FIELD,
                format!("time {hour:02}:{minute:02}:{second:02} does not exist"),
            ));
        }
        Ok(AmzDate { text: fixed })
    }

    /// The current UTC time, to the second.
    pub fn now() -> Self {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Self::from_unix_seconds(seconds)
    }

    /// The UTC time `seconds` after 1970-01-01T00:00:00Z (years past 9999 saturate).
    pub fn from_unix_seconds(seconds: u64) -> Self {
        const LAST: u64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        let seconds = seconds.min(LAST);
        let days = seconds / 86_400;
        let of_day = seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        let mut text = *b"00000000T000000Z";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[4..6], month);
        put_digits(&mut text[6..8], day);
        put_digits(&mut text[9..11], of_day / 3600);
        put_digits(&mut text[11..13], of_day % 3600 / 60);
        put_digits(&mut text[13..15], of_day % 60);
        AmzDate { text }
    }

    /// The full `YYYYMMDDTHHMMSSZ` text.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII digits, 'T' and 'Z' by construction.
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// The `YYYYMMDDTHHMMSSZ` bytes, for sinks: no UTF-8 check on the signing path.
    pub(crate) fn as_bytes(&self) -> &[u8; 16] {
        &self.text
    }

    /// The `YYYYMMDD` date of the credential scope.
    pub fn date(&self) -> &str {
        std::str::from_utf8(&self.text[..8]).unwrap_or("")
    }
}

impl std::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AmzDate").field(&self.as_str()).finish()
    }
}

fn malformed() -> Error {
    Error::new(
        ErrorKind::InvalidDate,
        FIELD,
        "expected the form YYYYMMDDTHHMMSSZ, e.g. 20150830T123600Z",
    )
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn put_digits(out: &mut [u8], mut value: u64) {
    for slot in out.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days` (public-domain algorithm, eras of 400 years).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_date_keeps_its_text_and_scope_date() {
        let date = AmzDate::parse("20150830T123600Z").unwrap();
        assert_eq!(date.as_str(), "20150830T123600Z");
        assert_eq!(date.date(), "20150830");
    }

    #[test]
    fn impossible_dates_are_rejected_as_invalid_date() {
        for text in [
            "20151330T123600Z",
            "20150230T123600Z",
            "20150229T000000Z",
            "21000229T000000Z",
            "20150100T000000Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "20150830T123660Z",
            "20150830 123600Z",
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "",
            "2015083aT123600Z",
        ] {
            let error = AmzDate::parse(text).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidDate,
                "{text} must be rejected"
            );
            assert_eq!(error.field(), "params.amz_date");
        }
    }

    #[test]
    fn leap_days_exist_only_in_leap_years() {
        assert!(AmzDate::parse("20000229T000000Z").is_ok());
        assert!(AmzDate::parse("20240229T235959Z").is_ok());
        assert!(AmzDate::parse("19000229T000000Z").is_err());
    }

    #[test]
    fn unix_seconds_convert_to_the_calendar() {
        assert_eq!(AmzDate::from_unix_seconds(0).as_str(), "19700101T000000Z");
        assert_eq!(
            AmzDate::from_unix_seconds(1_440_938_160).as_str(),
            "20150830T123600Z"
        );
        assert_eq!(
            AmzDate::from_unix_seconds(951_782_400).as_str(),
            "20000229T000000Z"
        );
        assert_eq!(
            AmzDate::from_unix_seconds(u64::MAX).as_str(),
            "99991231T235959Z"
        );
    }

    #[test]
    fn every_day_from_1970_to_2100_round_trips_through_parse() {
        for day in 0..47_482u64 {
            let date = AmzDate::from_unix_seconds(day * 86_400 + 86_399);
            assert_eq!(AmzDate::parse(date.as_str()).unwrap(), date);
        }
    }
}
