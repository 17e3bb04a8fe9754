//! The collector's gaps as the dashboard shows them: `/gaps`' answer read into bands, the bands of a time range
//! merged into the shades a chart draws, and what the summary counts of them ("2 gaps, 41 s without data").
//!
//! One channel's gaps never overlap, but the channels of one connection lose it together, so their gaps nearly
//! coincide: taken together (the compare chart, the whole load's summary) they are one interval without data,
//! which is why bands are merged before they are counted.

use serde::Deserialize;

/// A gap as `/gaps` lists it: `[from, to]`, µs, inclusive. An open gap (still lasting) ends at the answer's now.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GapBand {
    pub channel: String,
    pub from: i64,
    pub to: i64,
    pub reason: String,
    #[serde(default)]
    pub open: bool,
}

#[derive(Deserialize)]
struct GapsBody {
    gaps: Vec<GapBand>,
}

/// Reads `/gaps`' body, `{"gaps":[{"channel":..,"from":..,"to":..,"reason":..,"open":true?},..]}`.
pub fn parse_gaps(body: &str) -> Result<Vec<GapBand>, String> {
    serde_json::from_str::<GapsBody>(body)
        .map(|b| b.gaps)
        .map_err(|e| format!("not a list of gaps: {e}"))
}

/// The part of each band inside `[from, to]`; bands outside it (or malformed, ending before they start) go.
pub fn clip_bands<'a>(
    bands: impl IntoIterator<Item = &'a GapBand>,
    from: i64,
    to: i64,
) -> Vec<GapBand> {
    bands
        .into_iter()
        .filter(|b| b.from <= b.to && b.from <= to && b.to >= from)
        .map(|b| GapBand {
            from: b.from.max(from),
            to: b.to.min(to),
            ..b.clone()
        })
        .collect()
}

/// An interval without data: bands that overlap (or touch), taken together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shade {
    pub from: i64,
    pub to: i64,
    /// What it is made of, by start.
    pub bands: Vec<GapBand>,
}

impl Shade {
    /// How long it lasts, µs.
    pub fn micros(&self) -> i64 {
        self.to - self.from
    }

    /// Whether it lasts still: one of its bands is open.
    pub fn is_open(&self) -> bool {
        self.bands.iter().any(|b| b.open)
    }
}

/// `bands` merged where they overlap or touch, in time order (clip them to a range first: [`clip_bands`]).
pub fn shades(bands: impl IntoIterator<Item = GapBand>) -> Vec<Shade> {
    let mut sorted: Vec<GapBand> = bands.into_iter().filter(|b| b.from <= b.to).collect();
    sorted.sort_by_key(|b| (b.from, b.to));
    let mut out: Vec<Shade> = Vec::new();
    for band in sorted {
        match out.last_mut() {
            Some(last) if band.from <= last.to => {
                last.to = last.to.max(band.to);
                last.bands.push(band);
            }
            _ => out.push(Shade {
                from: band.from,
                to: band.to,
                bands: vec![band],
            }),
        }
    }
    out
}

/// What the summary says of some shades: how many, and how long without data in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GapTally {
    pub count: usize,
    pub micros: i64,
}

impl GapTally {
    pub fn of(shades: &[Shade]) -> Self {
        Self {
            count: shades.len(),
            micros: shades.iter().map(Shade::micros).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn band(channel: &str, from: i64, to: i64) -> GapBand {
        GapBand {
            channel: channel.to_owned(),
            from,
            to,
            reason: "connection lost".to_owned(),
            open: false,
        }
    }

    #[test]
    fn parses_what_the_server_answers() {
        let body = r#"{"gaps":[{"channel":"live_trades_btcusd","from":10,"to":20,"reason":"connection lost: reset"},
            {"channel":"live_trades_btcusd","from":30,"to":99,"reason":"collector not running","open":true}]}"#;
        let gaps = parse_gaps(body).unwrap();
        assert_eq!(gaps.len(), 2);
        assert_eq!(
            gaps[0],
            GapBand {
                reason: "connection lost: reset".to_owned(),
                ..band("live_trades_btcusd", 10, 20)
            }
        );
        assert!(!gaps[0].open && gaps[1].open);
        assert_eq!(parse_gaps(r#"{"gaps":[]}"#), Ok(Vec::new()));
        assert!(parse_gaps(r#"{"message":"missing parameter `channel`"}"#).is_err());
        assert!(parse_gaps("{\"gaps\":[").is_err());
    }

    #[test]
    fn clips_to_the_range() {
        let bands = [band("a", 0, 10), band("a", 15, 25), band("a", 40, 50)];
        let clipped = clip_bands(&bands, 5, 20);
        assert_eq!(clipped, vec![band("a", 5, 10), band("a", 15, 20)]);
        assert_eq!(clip_bands(&bands, 11, 14), Vec::new());
        // Inclusive ends: a band ending where the range starts is in it, for an instant.
        assert_eq!(clip_bands(&bands, 10, 12), vec![band("a", 10, 10)]);
        assert_eq!(clip_bands(&[band("a", 9, 3)], 0, 100), Vec::new());
    }

    #[test]
    fn the_channels_of_one_connection_lost_together_are_one_shade() {
        let bands = [
            band("live_trades_btcusd", 100, 140),
            band("live_orders_btcusd", 98, 141),
            band("live_trades_btcusd", 300, 310),
        ];
        let all = shades(bands.iter().cloned());
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].from, all[0].to, all[0].bands.len()), (98, 141, 2));
        assert_eq!(
            GapTally::of(&all),
            GapTally {
                count: 2,
                micros: 43 + 10
            }
        );
        assert_eq!(GapTally::of(&[]), GapTally::default());
    }

    #[test]
    fn a_shade_is_open_while_one_of_its_bands_is() {
        let open = GapBand {
            open: true,
            ..band("b", 5, 30)
        };
        let all = shades([band("a", 0, 10), open]);
        assert_eq!(all.len(), 1);
        assert!(all[0].is_open());
        assert!(!shades([band("a", 0, 10)])[0].is_open());
    }

    /// Bands over a small range, so that they overlap often.
    fn some_bands() -> impl Strategy<Value = Vec<GapBand>> {
        prop::collection::vec((0i64..200, 0i64..40, 0usize..3), 0..12).prop_map(|v| {
            v.into_iter()
                .map(|(from, len, ch)| band(["a", "b", "c"][ch], from, from + len))
                .collect()
        })
    }

    /// The instants `t` (µs) with `[t, t + 1)` inside a band: the time without data, counted one by one.
    fn covered(bands: &[GapBand]) -> i64 {
        (0..300)
            .filter(|&t| bands.iter().any(|b| b.from <= t && t < b.to))
            .count() as i64
    }

    proptest! {
        #[test]
        fn the_tally_is_the_time_covered(bands in some_bands()) {
            let all = shades(bands.iter().cloned());
            prop_assert_eq!(GapTally::of(&all).micros, covered(&bands));
        }

        #[test]
        fn shades_are_apart_and_hold_every_band(bands in some_bands()) {
            let all = shades(bands.iter().cloned());
            for pair in all.windows(2) {
                prop_assert!(pair[0].to < pair[1].from);
            }
            prop_assert_eq!(all.iter().map(|s| s.bands.len()).sum::<usize>(), bands.len());
            for s in &all {
                prop_assert!(s.bands.iter().all(|b| s.from <= b.from && b.to <= s.to));
            }
        }

        #[test]
        fn order_does_not_matter(bands in some_bands(), seed in any::<u64>()) {
            let mut shuffled = bands.clone();
            let n = shuffled.len();
            for i in (1..n).rev() {
                shuffled.swap(i, (seed.wrapping_mul(i as u64 + 7) % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(GapTally::of(&shades(bands)), GapTally::of(&shades(shuffled)));
        }

        #[test]
        fn clipped_time_is_within_the_range(bands in some_bands(), from in 0i64..250, len in 0i64..100) {
            let to = from + len;
            let clipped = clip_bands(&bands, from, to);
            prop_assert!(clipped.iter().all(|b| from <= b.from && b.to <= to));
            let tally = GapTally::of(&shades(clipped.iter().cloned()));
            prop_assert!(tally.micros <= len);
            // Clipping twice is clipping once.
            prop_assert_eq!(clip_bands(&clipped, from, to), clipped);
        }
    }
}
