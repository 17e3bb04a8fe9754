//! The first round of a load: how many requests to keep in flight, and how many segments each channel starts with
//! and where. Pages follow one another by cursor, so a segment of `n` pages takes `n` rounds of requests: the load
//! is as fast as its longest segment. The plan sizes segments by what is known of each channel's items (the API's
//! counts) so that the load needs the fewest rounds; what no count foresaw (bursts) is evened out later by splits
//! ([`super::ChannelLoad::busiest`]).

/// Requests in flight over HTTP/2 or HTTP/3: one connection carries them all, and the server's pages, not the
/// browser's connections, set the pace.
pub const H2_IN_FLIGHT: usize = 48;
/// Over HTTP/1.1 a browser opens six connections to a host: more requests only wait in its queue.
pub const H1_IN_FLIGHT: usize = 6;
/// Segments per channel where nothing is known of its items (an API without counts): each one's first page
/// tells its density, and the slots left over go to splits.
pub const PROBES_PER_CHANNEL: usize = 4;
/// Items in one 1 MB page, before a page has said: the demo data's 604,089 items fill 126 pages (4,794 each).
pub const ITEMS_PER_PAGE: f64 = 4_800.0;

/// Requests to keep in flight for an API reached by `protocol`, Resource Timing's `nextHopProtocol` of a request
/// to it (empty when the browser does not say: cross-origin without `Timing-Allow-Origin`), else by its scheme:
/// browsers speak HTTP/2 only over TLS.
pub fn in_flight_for(protocol: &str, https: bool) -> usize {
    match protocol {
        "h2" | "h3" => H2_IN_FLIGHT,
        "" if https => H2_IN_FLIGHT,
        _ => H1_IN_FLIGHT,
    }
}

/// What a channel's first round is planned from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Density {
    /// Nothing: the channel starts with [`PROBES_PER_CHANNEL`] equal segments.
    Unknown,
    /// The API's count of the channel's items and the time they span, inclusive (`/channels`: count, first,
    /// last).
    Listed { count: u64, first: i64, last: i64 },
}

impl Density {
    /// Items expected in `[from, to]`, spread evenly over the listed span.
    fn items_in(&self, from: i64, to: i64) -> Option<f64> {
        let Density::Listed { count, first, last } = *self else {
            return None;
        };
        let (a, b) = (from.max(first), to.min(last));
        if a > b || count == 0 {
            return Some(0.0);
        }
        let span = last as f64 - first as f64 + 1.0;
        Some(count as f64 * (b as f64 - a as f64 + 1.0) / span)
    }

    /// Where the channel's items are within `[from, to]`, when listed.
    fn data_span(&self, from: i64, to: i64) -> Option<(i64, i64)> {
        let Density::Listed { first, last, .. } = *self else {
            return None;
        };
        Some((from.max(first), to.min(last))).filter(|(a, b)| a <= b)
    }
}

/// Segments per channel for the first round over each channel's `ranges` to fetch (inclusive; several where the
/// cache holds the rest, none where it holds everything), in at most `budget` requests (each channel with
/// something to fetch gets at least one): listed channels share what the unknown ones' probes leave, as segments
/// of equal expected pages, as few pages per segment as fit (so the fewest rounds). Half a page each where the
/// budget allows: an even spread is a guess, and a segment that needs a second page costs a round.
pub fn first_round(densities: &[Density], ranges: &[Vec<(i64, i64)>], budget: usize) -> Vec<usize> {
    let fetching = ranges.iter().filter(|r| !r.is_empty()).count().max(1);
    let unknown = densities
        .iter()
        .zip(ranges)
        .filter(|(d, r)| **d == Density::Unknown && !r.is_empty())
        .count();
    let probes = (budget / fetching).clamp(1, PROBES_PER_CHANNEL);
    // Expected pages: `None` for an unknown channel, and no segment at all for one with nothing to fetch.
    let pages: Vec<Option<f64>> = densities
        .iter()
        .zip(ranges)
        .map(|(d, r)| {
            let items: Option<f64> = r.iter().map(|&(a, b)| d.items_in(a, b)).sum();
            items.map(|n| n / ITEMS_PER_PAGE)
        })
        .collect();
    let nothing = |i: usize| ranges[i].is_empty();
    let listed_budget = budget.saturating_sub(probes * unknown);
    let plan_at = |per_segment: f64| -> Vec<usize> {
        pages
            .iter()
            .enumerate()
            .map(|(i, p)| match p {
                _ if nothing(i) => 0,
                None => probes,
                Some(p) => ((p / per_segment).ceil() as usize).max(1),
            })
            .collect()
    };
    let fits = |per_segment: f64| {
        let listed: usize = plan_at(per_segment)
            .iter()
            .zip(&pages)
            .filter(|(_, p)| p.is_some())
            .map(|(s, _)| s)
            .sum();
        listed <= listed_budget
    };
    if fits(0.5) {
        return plan_at(0.5);
    }
    // The fewest whole pages per segment that fit; at the most pages of any channel, each has one segment.
    let most = pages
        .iter()
        .flatten()
        .fold(1.0_f64, |a, &p| a.max(p.ceil()));
    let (mut lo, mut hi) = (1.0, most);
    while lo < hi {
        let mid = ((lo + hi) / 2.0).floor();
        if fits(mid) { hi = mid } else { lo = mid + 1.0 }
    }
    plan_at(hi)
}

/// About `k` segments over `ranges` (inclusive, in order), at least one per range: the extra ones go where the
/// most items are expected (by time where nothing is listed), each range then split by [`place`].
pub fn place_all(ranges: &[(i64, i64)], k: usize, density: &Density) -> Vec<(i64, i64)> {
    let weight = |&(a, b): &(i64, i64)| density.items_in(a, b).unwrap_or(b as f64 - a as f64 + 1.0);
    let weights: Vec<f64> = ranges.iter().map(weight).collect();
    let mut counts = vec![1usize; ranges.len()];
    for _ in ranges.len()..k {
        let most = (0..ranges.len()).max_by(|&i, &j| {
            (weights[i] / counts[i] as f64).total_cmp(&(weights[j] / counts[j] as f64))
        });
        if let Some(i) = most {
            counts[i] += 1;
        }
    }
    ranges
        .iter()
        .zip(counts)
        .flat_map(|(&(a, b), n)| place(a, b, n, density))
        .collect()
}

/// `[from, to]` in `k` segments: equal in time over where the channel's items are (`data`, when listed), the
/// first and last stretched to the range's ends, so that no segment is spent on time without items.
pub fn place(from: i64, to: i64, k: usize, density: &Density) -> Vec<(i64, i64)> {
    let Some((a, b)) = density.data_span(from, to).filter(|_| k > 1) else {
        return super::split(from, to, k);
    };
    let mut segments = super::split(a, b, k);
    if let Some(first) = segments.first_mut() {
        first.0 = from;
    }
    if let Some(last) = segments.last_mut() {
        last.1 = to;
    }
    segments
}

#[cfg(test)]
mod tests;
