//! The charts' visible window within a load's range, and ECharts' dataZoom percentages of it.

use crate::aggregate::{DEFAULT_CANDLE_TARGET, Interval};

/// A load's range (`from..=to`, µs) and the part of it the charts show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoomFrame {
    pub from: i64,
    pub to: i64,
    /// `from <= window.0 <= window.1 <= to`.
    pub window: (i64, i64),
}

impl ZoomFrame {
    /// `zoom` clipped to the range; the whole range when there is no zoom or none of it is in the range.
    pub fn new(from: i64, to: i64, zoom: Option<(i64, i64)>) -> Self {
        let (from, to) = (from.min(to), to.max(from));
        let window = zoom
            .map(|(a, b)| (a.max(from), b.min(to)))
            .filter(|(a, b)| a < b)
            .unwrap_or((from, to));
        Self { from, to, window }
    }

    /// The charts' interval: `fixed`, or a few hundred buckets over the window.
    pub fn interval(&self, fixed: Option<Interval>) -> Interval {
        fixed
            .unwrap_or_else(|| Interval::auto(self.window.1 - self.window.0, DEFAULT_CANDLE_TARGET))
    }

    /// The zoom to keep (in the link): `None` for the whole range.
    pub fn zoom(&self) -> Option<(i64, i64)> {
        (self.window != (self.from, self.to)).then_some(self.window)
    }

    /// The window as dataZoom's `start` and `end`: percent of the range.
    pub fn percent(&self) -> (f64, f64) {
        let span = (self.to - self.from) as f64;
        if span <= 0.0 {
            return (0.0, 100.0);
        }
        let at = |t: i64| (t - self.from) as f64 / span * 100.0;
        (at(self.window.0), at(self.window.1))
    }

    /// The frame after the user zoomed to `start..end` percent of the range. Ends are rounded to the
    /// millisecond (the time axis' resolution), and a window within a millisecond of an end of the range
    /// reaches that end.
    pub fn zoomed_to(&self, start: f64, end: f64) -> Self {
        let span = (self.to - self.from) as f64;
        let at = |p: f64| {
            let t = self.from + (span * p.clamp(0.0, 100.0) / 100.0).round() as i64;
            let t = (t + 500).div_euclid(1000) * 1000;
            if t - self.from < 1000 {
                self.from
            } else if self.to - t < 1000 {
                self.to
            } else {
                t
            }
        };
        let (a, b) = (at(start.min(end)), at(start.max(end)));
        Self::new(self.from, self.to, Some((a, b.max(a + 1).min(self.to))))
    }
}

/// The narrowest window the keyboard zooms to: a second.
pub const MIN_WINDOW_US: i64 = 1_000_000;

impl ZoomFrame {
    /// The frame with its window moved by `fraction` of its width (negative: back in time), its width kept, and
    /// stopped at the range's ends: the arrow keys.
    pub fn panned(&self, fraction: f64) -> Self {
        let (a, b) = self.window;
        let width = b - a;
        let by = (width as f64 * fraction).round() as i64;
        let start = a.saturating_add(by).clamp(self.from, self.to - width);
        Self::new(self.from, self.to, Some((start, start + width)))
    }

    /// The frame with its window `factor` times as wide (below 1 zooms in) around `center` (the window's middle
    /// when `None`, or when outside it), at least [`MIN_WINDOW_US`] and at most the range: the `+` and `-` keys.
    /// The instant at `center` stays where it is on screen.
    pub fn scaled(&self, factor: f64, center: Option<i64>) -> Self {
        let (a, b) = self.window;
        let center = center
            .filter(|c| (a..=b).contains(c))
            .unwrap_or(a + (b - a) / 2);
        let span = self.to - self.from;
        let width = ((b - a) as f64 * factor).round() as i64;
        let width = width.clamp(MIN_WINDOW_US.min(span), span);
        // The centre's share of the window is kept.
        let share = if b > a {
            (center - a) as f64 / (b - a) as f64
        } else {
            0.5
        };
        let start =
            (center - (width as f64 * share).round() as i64).clamp(self.from, self.to - width);
        Self::new(self.from, self.to, Some((start, start + width)))
    }
}

/// While following, a zoomed window ending this close to the live end (at most a twentieth of its width) is at the
/// end: channels' ends differ by up to a quiet channel's poll interval, and a window zoomed on one panel ends at
/// that panel's end.
const LIVE_SLACK_US: i64 = 12_000_000;

/// Whether `window` reaches the live `end` (see [`LIVE_SLACK_US`]).
pub fn at_live_end(window: (i64, i64), end: i64) -> bool {
    let slack = LIVE_SLACK_US.min((window.1 - window.0) / 20);
    window.1 >= end.saturating_sub(slack)
}

/// While following, the live end moved from `old_end` to `new_end`: a window at the end moves with it, one into the
/// past stays.
pub fn follow_end(window: (i64, i64), old_end: i64, new_end: i64) -> (i64, i64) {
    let shift = new_end - old_end;
    if shift > 0 && at_live_end(window, old_end) {
        (window.0 + shift, window.1 + shift)
    } else {
        window
    }
}

/// "Back to live": `window`'s width, ending at the live `end`.
pub fn back_to_live(window: (i64, i64), end: i64) -> (i64, i64) {
    (end - (window.1 - window.0), end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn keys_keep_the_window_in_the_range_and_panning_keeps_its_width(
            from in 0i64..1_000_000_000, span in 2_000_000i64..1_000_000_000_000,
            a in 0.0f64..1.0, w in 0.0f64..1.0, fraction in -1.5f64..1.5, factor in 0.1f64..4.0, c in 0.0f64..1.0,
        ) {
            let to = from + span;
            let start = from + (span as f64 * a) as i64;
            let end = (start + (span as f64 * w) as i64).min(to);
            let frame = ZoomFrame::new(from, to, Some((start, end)));
            let (x, y) = frame.window;
            let width = y - x;
            let panned = frame.panned(fraction);
            let (p, q) = panned.window;
            prop_assert!(from <= p && p < q && q <= to);
            prop_assert_eq!(q - p, width);
            if fraction > 0.0 { prop_assert!(p >= x); } else { prop_assert!(p <= x); }
            let center = x + ((width as f64) * c) as i64;
            let scaled = frame.scaled(factor, Some(center));
            let (s, t) = scaled.window;
            prop_assert!(from <= s && s < t && t <= to);
            let want = ((width as f64 * factor).round() as i64).clamp(MIN_WINDOW_US, span);
            prop_assert_eq!(t - s, want);
            // Away from the ends, the centre stays at its share of the window.
            if s > from && t < to {
                let before = (center - x) as f64 / width as f64;
                let after = (center - s) as f64 / (t - s) as f64;
                prop_assert!((before - after).abs() * ((t - s) as f64) <= 1.0, "{before} {after}");
            }
        }
    }

    #[test]
    fn a_window_at_the_live_end_follows_it_and_one_in_the_past_stays() {
        const S: i64 = 1_000_000;
        let end = 1_000 * S;
        // A minute ending at the end, or a second before it (slack: 3 s for a minute).
        for window in [(end - 60 * S, end), (end - 61 * S, end - S)] {
            let moved = follow_end(window, end, end + 2 * S);
            assert_eq!(moved, (window.0 + 2 * S, window.1 + 2 * S));
            assert!(at_live_end(moved, end + 2 * S), "and stays at the end");
        }
        let past = (end - 120 * S, end - 60 * S);
        assert_eq!(follow_end(past, end, end + 2 * S), past);
        assert!(!at_live_end(past, end));
        // Long windows have at most 12 s of slack; the end never moves back.
        assert!(at_live_end((0, end - 11 * S), end) && !at_live_end((0, end - 13 * S), end));
        assert_eq!(follow_end((0, end), end, end - S), (0, end));
        assert_eq!(back_to_live(past, end + 5 * S), (end - 55 * S, end + 5 * S));
    }

    const F: i64 = 1_647_830_700_000_000;
    const HOUR: i64 = 3_600_000_000;

    #[test]
    fn a_zoom_is_clipped_to_the_range() {
        assert_eq!(ZoomFrame::new(F, F + HOUR, None).window, (F, F + HOUR));
        assert_eq!(
            ZoomFrame::new(F, F + HOUR, Some((F - HOUR, F + 10))).window,
            (F, F + 10)
        );
        assert_eq!(
            ZoomFrame::new(F, F + HOUR, Some((F + 2 * HOUR, F + 3 * HOUR))).window,
            (F, F + HOUR)
        );
        assert_eq!(
            ZoomFrame::new(F, F + HOUR, Some((F + 5, F + 5))).zoom(),
            None
        );
        assert_eq!(
            ZoomFrame::new(F, F, Some((F, F + 1))).percent(),
            (0.0, 100.0)
        );
    }

    #[test]
    fn the_interval_follows_the_window_unless_fixed() {
        let whole = ZoomFrame::new(F, F + 4 * HOUR, None);
        let zoomed = ZoomFrame::new(F, F + 4 * HOUR, Some((F, F + HOUR / 6)));
        assert_eq!(whole.interval(None), Interval::M1);
        assert_eq!(zoomed.interval(None), Interval::S5);
        assert_eq!(zoomed.interval(Some(Interval::H1)), Interval::H1);
    }

    #[test]
    fn percent_round_trips_to_the_millisecond() {
        let frame = ZoomFrame::new(F, F + HOUR, Some((F + HOUR / 4, F + HOUR / 2)));
        assert_eq!(frame.percent(), (25.0, 50.0));
        assert_eq!(frame.zoomed_to(25.0, 50.0), frame);
        let z = frame.zoomed_to(10.000_001, 20.3);
        assert_eq!(z.window, (F + 360_000_000, F + 730_800_000));
        assert_eq!(z.zoomed_to(z.percent().0, z.percent().1), z);
        // The whole range is no zoom; swapped or out-of-range percentages are put right.
        assert_eq!(frame.zoomed_to(0.0, 100.0).zoom(), None);
        assert_eq!(frame.zoomed_to(-5.0, 1e-12).window.0, F);
        assert_eq!(
            frame.zoomed_to(60.0, 40.0).window,
            (F + 1_440_000_000, F + 2_160_000_000)
        );
        assert_eq!(
            frame.zoomed_to(50.0, 50.0).window,
            (F + HOUR / 2, F + HOUR / 2 + 1)
        );
    }
}
