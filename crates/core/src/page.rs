//! One page of a query, cut where DynamoDB cuts it, and rendered in the original API's envelope.

use crate::cursor::PageKey;

/// DynamoDB returns at most 1 MB of items per query page.
pub const PAGE_BYTES: usize = 1 << 20;

/// Decides where a page ends, item by item, as DynamoDB does: after `limit` items, or after the item that takes
/// the page's total item size past `cap_bytes`. DynamoDB does not look ahead: a page cut this way carries a
/// `LastEvaluatedKey` even when no item follows it, and the next page is then empty.
#[derive(Debug, Clone)]
pub struct PageCut {
    cap_bytes: usize,
    limit: Option<u32>,
    bytes: usize,
    count: u32,
}

impl PageCut {
    pub fn new(cap_bytes: usize, limit: Option<u32>) -> Self {
        Self {
            cap_bytes,
            limit,
            bytes: 0,
            count: 0,
        }
    }

    /// Takes an item of `size` bytes into the page; returns true when the page must end after it.
    pub fn take(&mut self, size: usize) -> bool {
        self.bytes += size;
        self.count += 1;
        self.bytes > self.cap_bytes || self.limit.is_some_and(|limit| self.count >= limit)
    }
}

/// The 200 response body of `GET /bitstamp`, byte for byte in the original's shape: a non-proxy Lambda
/// integration returns the handler's whole dict, so the query result sits in `body`.
pub fn render_envelope<'a>(
    items: impl ExactSizeIterator<Item = &'a str>,
    last_key: Option<&PageKey>,
) -> String {
    let count = items.len();
    let mut out = String::with_capacity(items.len() * 300 + 256);
    out.push_str(r#"{"statusCode":200,"headers":{"Content-Type":"application/json","Access-Control-Allow-Origin":"*"},"body":{"Items":["#);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str(&format!(r#"],"Count":{count},"ScannedCount":{count}"#));
    if let Some(key) = last_key {
        out.push_str(r#","LastEvaluatedKey":"#);
        out.push_str(&key.to_json());
    }
    out.push_str("}}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Feeds sizes to a cut until it ends; returns how many items the page holds.
    fn page_len(sizes: &[usize], cap: usize, limit: Option<u32>) -> usize {
        let mut cut = PageCut::new(cap, limit);
        sizes
            .iter()
            .position(|&s| cut.take(s))
            .map_or(sizes.len(), |i| i + 1)
    }

    #[test]
    fn the_item_that_crosses_the_cap_ends_the_page() {
        assert_eq!(page_len(&[4, 4, 4, 4], 8, None), 3);
        assert_eq!(page_len(&[4, 4, 4, 4], 7, None), 2);
        assert_eq!(page_len(&[4, 4], 100, None), 2);
        assert_eq!(page_len(&[4, 4, 4], 100, Some(2)), 2);
        assert_eq!(page_len(&[20], 8, None), 1);
    }

    #[test]
    fn envelope_matches_the_original_shape() {
        let key = PageKey {
            channel: "c".into(),
            nmicrotimestamp: 2,
            id: 3,
            microtimestamp: "2".into(),
        };
        assert_eq!(
            render_envelope(["{\"a\":1}", "{\"b\":2}"].into_iter(), Some(&key)),
            r#"{"statusCode":200,"headers":{"Content-Type":"application/json","Access-Control-Allow-Origin":"*"},"body":{"Items":[{"a":1},{"b":2}],"Count":2,"ScannedCount":2,"LastEvaluatedKey":{"channel":"c","nmicrotimestamp":2,"id":3,"microtimestamp":"2"}}}"#
        );
        let empty = render_envelope(std::iter::empty(), None);
        assert!(empty.ends_with(r#""body":{"Items":[],"Count":0,"ScannedCount":0}}"#));
    }

    proptest! {
        #[test]
        fn pages_obey_the_cap(sizes in proptest::collection::vec(1usize..500, 1..400), cap in 1usize..5000) {
            let n = page_len(&sizes, cap, None);
            let before_last: usize = sizes[..n - 1].iter().sum();
            prop_assert!(before_last <= cap, "the page went on after crossing the cap");
            if n < sizes.len() {
                prop_assert!(before_last + sizes[n - 1] > cap, "the page ended before the cap");
            }
        }
    }
}
