//! At most one log line per kind per minute: a stream of malformed frames must not flood the log.

use std::collections::HashMap;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct LogLimit {
    last: HashMap<&'static str, Instant>,
}

impl LogLimit {
    /// Whether a line of `kind` may be logged now (and if so, the minute starts again).
    pub fn allows(&mut self, kind: &'static str) -> bool {
        let now = Instant::now();
        match self.last.get(kind) {
            Some(at) if now.duration_since(*at) < EVERY => false,
            _ => {
                self.last.insert(kind, now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_a_minute_per_kind() {
        let mut limit = LogLimit::default();
        assert!(limit.allows("not_json"));
        assert!(!limit.allows("not_json"));
        assert!(limit.allows("binary"));
    }
}
